import { hostname } from 'node:os';
import cron from 'node-cron';
import { runDueDigests, type DigestSenders } from '../commands/digest.js';
import type { CommandContext } from '../commands/context.js';
import type { Logger } from '../bot/log.js';

/**
 * Triggers digests with node-cron in each digest's time zone. node-cron only says "it is time";
 * what to send is decided from the ledger (runDueDigests), so a tick that fires twice, a second
 * replica or a restart never posts an occurrence twice, and a start after downtime catches up.
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
  const tasks = context.config.digests.map((digest) =>
    cron.schedule(digest.cron, tick, { name: `gig-digest-${digest.name}`, timezone: digest.timezone, noOverlap: true }),
  );
  void tick();
  return {
    async stop() {
      for (const task of tasks) await task.stop();
    },
  };
}
