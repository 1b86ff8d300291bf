import { hostname } from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import { retryUnfinished, runDueDigests, type DigestSenders } from '../commands/digest.js';
import type { CommandContext } from '../commands/context.js';
import type { Logger } from '../log.js';

/** How often claimed-but-undelivered occurrences are looked for between scheduled times. */
const RETRY_EVERY_MS = 60_000;

/**
 * Triggers digests with node-cron in each digest's time zone. node-cron only says "it is time";
 * what to send is decided from the ledger (runDueDigests), so a tick that fires twice, a second
 * replica or a restart never posts an occurrence twice, and a start after downtime catches up.
 * Between scheduled times, a minute's timer finishes occurrences an earlier run claimed and never
 * delivered (Slack was down, the process died) while they are within their grace period.
 */
export function startDigestScheduler(context: CommandContext, senders: DigestSenders, logger: Logger): { stop(): Promise<void> } {
  const owner = `${hostname()}:${process.pid}`;
  const tick = async (): Promise<void> => {
    try {
      for (const result of await runDueDigests(context, senders, { owner })) {
        const level = result.status === 'failed' ? 'error' : 'info';
        logger[level]({ ...result }, `digest ${result.digest} ${result.status}`);
      }
    } catch (error) {
      logger.error({ err: error }, 'digest tick failed');
    }
  };
  const tasks: ScheduledTask[] = [];
  try {
    for (const digest of context.config.digests) tasks.push(cron.schedule(digest.cron, tick, { name: `gig-digest-${digest.name}`, timezone: digest.timezone, noOverlap: true }));
  } catch (error) {
    // One digest that cannot be scheduled starts none of them.
    for (const task of tasks) void task.destroy();
    throw error;
  }
  let retrying = false;
  const retry = async (): Promise<void> => {
    if (retrying) return;
    retrying = true;
    try {
      for (const digest of context.config.digests) {
        for (const result of await retryUnfinished(context, digest, senders, { owner })) logger[result.status === 'sent' ? 'info' : 'warn']({ ...result }, `digest ${result.digest} ${result.status} on retry`);
      }
    } catch (error) {
      logger.error({ err: error }, 'digest retry failed');
    } finally {
      retrying = false;
    }
  };
  const retries = context.config.digests.length > 0 ? setInterval(() => void retry(), RETRY_EVERY_MS) : null;
  retries?.unref();
  void tick();
  return {
    async stop() {
      if (retries) clearInterval(retries);
      for (const task of tasks) await task.destroy();
    },
  };
}
