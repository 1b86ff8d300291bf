import type { GigConfig } from '../config.js';
import type { IndexReader, Ledger, Watches } from '../engine/ports.js';
import type { SyncProgress, SyncResult } from '../engine/ports.js';

/** What a command may use. Built once by the composition root (src/main.ts); commands never open files or sockets themselves. */
export interface CommandContext {
  config: GigConfig;
  index: IndexReader;
  ledger: Ledger;
  /** Watches (gig serve, the CLI); absent in evaluation workers, which never record. */
  watches?: Watches;
  /** `fixVersions`: tracker fix versions to read besides those the configuration names. */
  sync(onProgress?: (event: SyncProgress) => void, extra?: { fixVersions?: string[] }): Promise<SyncResult>;
  now(): Date;
}
