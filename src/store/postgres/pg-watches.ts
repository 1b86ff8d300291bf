import type { WatchRecord, Watches } from '../../engine/ports.js';
import { announcement, watchRecord, type AnnouncementRow, type WatchRow } from '../ledger-rows.js';
import type { PgDatabase } from './database.js';

/** Watches on the shared ledger: each change is claimed by (watch, seq) before one replica posts it. */
export class PgWatches implements Watches {
  constructor(private readonly db: PgDatabase) {}

  async add(watch: Omit<WatchRecord, 'id'>, state: string, at: string): Promise<boolean> {
    return this.db.transaction(async (client) => {
      const inserted = await client.query<{ id: number }>(
        `INSERT INTO watches (platform, subject_kind, subject, destination, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING RETURNING id`,
        [watch.platform, watch.subjectKind, watch.subject, watch.destination, watch.createdBy, at],
      );
      const id = inserted.rows[0]?.id;
      if (id === undefined) return false;
      await client.query('INSERT INTO watch_announcements (watch_id, seq, state, claimed_at, posted_at) VALUES ($1, 0, $2, $3, $3)', [id, state, at]);
      return true;
    });
  }

  async remove(watch: Omit<WatchRecord, 'id' | 'createdBy'>, by: string, at: string): Promise<boolean> {
    const result = await this.db.query(
      'UPDATE watches SET removed_at = $1, removed_by = $2 WHERE platform = $3 AND subject_kind = $4 AND subject = $5 AND destination = $6 AND removed_at IS NULL',
      [at, by, watch.platform, watch.subjectKind, watch.subject, watch.destination],
    );
    return result.rowCount > 0;
  }

  async active(): Promise<WatchRecord[]> {
    const rows = await this.db.query<WatchRow>(
      'SELECT id, platform, subject_kind, subject, destination, created_by FROM watches WHERE removed_at IS NULL ORDER BY id',
    );
    return rows.rows.map(watchRecord);
  }

  async latest(watchId: number): Promise<{ seq: number; state: string; posted: boolean; claimedAt: string } | null> {
    const row = (
      await this.db.query<AnnouncementRow>(
        'SELECT seq, state, posted_at, claimed_at FROM watch_announcements WHERE watch_id = $1 ORDER BY seq DESC LIMIT 1',
        [watchId],
      )
    ).rows[0];
    return row ? announcement(row) : null;
  }

  async claim(watchId: number, seq: number, state: string, at: string): Promise<boolean> {
    const result = await this.db.query('INSERT INTO watch_announcements (watch_id, seq, state, claimed_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [watchId, seq, state, at]);
    return result.rowCount > 0;
  }

  async posted(watchId: number, seq: number, at: string): Promise<void> {
    await this.db.query('UPDATE watch_announcements SET posted_at = $1 WHERE watch_id = $2 AND seq = $3', [at, watchId, seq]);
  }

  async release(watchId: number, seq: number): Promise<void> {
    await this.db.query('DELETE FROM watch_announcements WHERE watch_id = $1 AND seq = $2 AND posted_at IS NULL', [watchId, seq]);
  }
}
