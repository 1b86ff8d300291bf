import type { SyncProgress, SyncResult } from '../engine/ports.js';
import type { CommandContext } from './context.js';

export function runSync(context: CommandContext, onProgress?: (event: SyncProgress) => void, extra: { fixVersions?: string[] } = {}): Promise<SyncResult> {
  return context.sync(onProgress, extra);
}
