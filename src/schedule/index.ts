import type { CommandContext } from '../commands/context.js';
import type { DigestSenders } from '../commands/digest.js';
import type { Logger } from '../log.js';
import { startDigestScheduler } from './digests.js';
import { startSyncSchedule } from './sync.js';

export interface Schedules {
  /** Stops every schedule; a tick already running finishes on its own. */
  stop(): Promise<void>;
}

/**
 * Every schedule of `gig serve`, started from this one place: the periodic sync (`sync.cron`) and
 * the digests (`digests[].cron`, each in its time zone). Digests go out through the senders the
 * chat surfaces provide (bot/server.ts), so nothing here knows a chat platform.
 *
 * All or nothing: if one schedule cannot start, those already started are stopped and the error
 * is thrown, so the caller can give everything else back too.
 */
export function startSchedules(context: CommandContext, senders: DigestSenders, logger: Logger): Schedules {
  const started: Schedules[] = [];
  const stop = async (): Promise<void> => {
    for (const schedule of started.splice(0).reverse()) await schedule.stop();
  };
  try {
    started.push(startSyncSchedule(context, logger, senders));
    started.push(startDigestScheduler(context, senders, logger));
  } catch (error) {
    void stop().catch(() => undefined);
    throw error;
  }
  return { stop };
}
