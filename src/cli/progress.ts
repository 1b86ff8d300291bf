import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';
import type { SyncProgress } from '../engine/ports.js';
import { progressLine } from '../views/sync-text.js';
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

/**
 * On a terminal, one line that says where a sync is: the repository, the phase (reading commits,
 * patches, branches; publishing; trackers) and how far it got, with a bar for the phase.
 */
export function syncProgressDisplay(io: CliIo): ProgressDisplay {
  if (!io.stderr.isTTY || io.env.CI) return NO_PROGRESS;
  // Loaded only when there is a terminal to draw on: pipes, CI and every other verb never pay for it.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr as NodeJS.WritableStream,
      format: '{label} {bar} {count}',
      hideCursor: true,
      clearOnComplete: true,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let shown = '';
  let repository = { name: '', index: 0, total: 1 };
  return {
    onProgress(event) {
      if (event.kind === 'repository') {
        repository = { name: event.repository, index: event.index, total: event.total };
        return;
      }
      const line = progressLine(event, repository);
      if (!line) return;
      const count = line.total > 1 ? `${line.value.toLocaleString('en')}/${line.total.toLocaleString('en')}` : '';
      if (!started) bar.start(line.total, line.value, { label: line.label, count });
      started = true;
      bar.setTotal(line.total);
      bar.update(line.value, { label: line.label, count });
      // A new phase is drawn at once; counts within a phase follow at the bar's own pace.
      if (line.label !== shown) (bar as unknown as { render(): void }).render();
      shown = line.label;
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
