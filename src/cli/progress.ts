import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';
import type { SyncProgress } from '../engine/ports.js';
import type { CliIo } from './io.js';

/**
 * A progress bar over repositories on a terminal; nothing at all otherwise (the caller prints a
 * one-line summary at the end), so logs and pipes stay clean.
 */
export interface ProgressDisplay {
  onProgress: ((event: SyncProgress) => void) | undefined;
  stop(): void;
}

export const NO_PROGRESS: ProgressDisplay = { onProgress: undefined, stop: () => undefined };

export function syncProgressDisplay(io: CliIo): ProgressDisplay {
  if (!io.stderr.isTTY || io.env.CI) return NO_PROGRESS;
  // Loaded only when there is a terminal to draw on: pipes, CI and every other verb never pay for it.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr as NodeJS.WritableStream,
      format: 'syncing {bar} {value}/{total} repositories · {repository} · {commits} commits read',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress(event) {
      if (event.kind === 'repository') {
        if (!started) bar.start(event.total, 0, { repository: event.repository, commits: 0 });
        started = true;
        bar.update(event.index, { repository: event.repository, commits: 0 });
      } else if (event.kind === 'commits') {
        bar.update({ repository: event.repository, commits: event.commits });
      } else {
        bar.increment(1, { repository: event.repository });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
