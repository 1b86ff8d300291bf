import cron from 'node-cron';
import type { CommandContext } from '../commands/context.js';
import type { DigestSenders } from '../commands/digest.js';
import { announceWatchChanges } from '../commands/watch.js';
import { toGigError } from '../errors.js';
import type { Logger } from '../log.js';

/**
 * One periodic sync: the index refreshed, what happened logged, then what changed told to those who
 * watch it (commands/watch.ts) through the chat senders; it never throws.
 */
export function periodicSync(context: CommandContext, logger: Logger, senders: DigestSenders = {}): () => Promise<void> {
  return async () => {
    try {
      const result = await context.sync();
      const failed = result.repositories.filter((repo) => !repo.ok).map((repo) => repo.repository);
      logger.info({ newCommits: result.repositories.reduce((sum, repo) => sum + repo.newCommits, 0), failed, ms: result.durationMs }, 'periodic sync');
      if (context.watches) {
        const told = await announceWatchChanges(context, senders);
        if (told.announced + told.failed + told.deferred > 0) logger.info(told, 'watches told what changed');
      }
    } catch (error) {
      // A sync from a terminal holds the database: this tick waits for the next one.
      const gigError = toGigError(error);
      if (gigError.code === 'SYNC_RUNNING') logger.info({ reason: gigError.message }, 'periodic sync skipped');
      else logger.error({ err: error, code: gigError.code }, 'periodic sync failed');
    }
  };
}

/** Refreshes the index on `sync.cron` of the configuration; a tick still running makes the next one wait. */
export function startSyncSchedule(context: CommandContext, logger: Logger, senders: DigestSenders = {}): { stop(): Promise<void> } {
  const task = cron.schedule(context.config.sync.cron, periodicSync(context, logger, senders), { name: 'gig-sync', noOverlap: true });
  return {
    async stop() {
      await task.destroy();
    },
  };
}
