import { GigError } from '../errors.js';
import type { Db } from './database.js';
import { holderAlive, thisHolder } from './holder.js';

/** A lease not renewed for this long belongs to a sync that is gone, wherever it ran. */
const STALE_AFTER_MS = 10 * 60 * 1000;

export interface SyncLease {
  id: number;
  /** Renews the lease; a long sync calls it as it goes. */
  renew(): void;
  finish(status: 'ok' | 'failed', summary: unknown): void;
}

/**
 * One sync at a time per database: `gig sync` from a terminal and the periodic sync of `gig serve`
 * must not write the index together (each cleans up what an interrupted sync left, which would be
 * the other's work in progress). The lease is a row of sync_runs, taken in an immediate
 * transaction; a holder that died is recognised by its pid (same host) or by a stale renewal.
 */
export class SyncRuns {
  private readonly owner = thisHolder();

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  begin(): SyncLease {
    const at = this.now().toISOString();
    const id = this.db.transaction(() => {
      const running = this.db
        .prepare<[], { id: number; owner: string | null; started_at: string; heartbeat_at: string | null }>(
          "SELECT id, owner, started_at, heartbeat_at FROM sync_runs WHERE status = 'running'",
        )
        .all();
      for (const run of running) {
        if (holderAlive(run.owner, run.heartbeat_at ?? run.started_at, STALE_AFTER_MS, this.now())) {
          throw new GigError('SYNC_RUNNING', `Another sync is running (${run.owner ?? 'unknown process'}, since ${run.started_at.slice(0, 16).replace('T', ' ')} UTC).`, {
            hint: 'Wait for it to finish; gig serve syncs on its own schedule. A sync that died is taken over after 10 minutes, or at once on the same host.',
          });
        }
        this.db.prepare("UPDATE sync_runs SET status = 'abandoned', finished_at = ? WHERE id = ?").run(at, run.id);
      }
      return Number(
        this.db.prepare("INSERT INTO sync_runs (started_at, status, owner, heartbeat_at) VALUES (?, 'running', ?, ?)").run(at, this.owner, at).lastInsertRowid,
      );
    }).immediate();
    return {
      id,
      renew: () => {
        this.db.prepare('UPDATE sync_runs SET heartbeat_at = ? WHERE id = ?').run(this.now().toISOString(), id);
      },
      finish: (status, summary) => {
        this.db
          .prepare('UPDATE sync_runs SET status = ?, finished_at = ?, summary = ? WHERE id = ?')
          .run(status, this.now().toISOString(), JSON.stringify(summary), id);
      },
    };
  }
}
