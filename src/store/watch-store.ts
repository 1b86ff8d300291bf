import type { WatchRecord, Watches } from '../engine/ports.js';
import { announcement, watchRecord, type AnnouncementRow, type WatchRow } from './ledger-rows.js';
import type { Db } from './database.js';
import { statementCache, type Prepare } from './statements.js';

/** Watches and what gig told each (012_watches.sql). */
export class WatchStore implements Watches {
  private readonly prepare: Prepare;

  constructor(private readonly db: Db) {
    this.prepare = statementCache(db);
  }

  /** Adds a watch with the state it starts from (told as seq 0); false when the same watch exists. */
  async add(watch: Omit<WatchRecord, 'id'>, state: string, at: string): Promise<boolean> {
    return this.db.transaction(() => {
      const inserted = this
        .prepare(
          `INSERT INTO watches (platform, subject_kind, subject, destination, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT DO NOTHING`,
        )
        .run(watch.platform, watch.subjectKind, watch.subject, watch.destination, watch.createdBy, at);
      if (inserted.changes === 0) return false;
      this.prepare('INSERT INTO watch_announcements (watch_id, seq, state, claimed_at, posted_at) VALUES (?, 0, ?, ?, ?)').run(inserted.lastInsertRowid, state, at, at);
      return true;
    })();
  }

  /** Ends a watch; false when there was none. */
  async remove(watch: Omit<WatchRecord, 'id' | 'createdBy'>, by: string, at: string): Promise<boolean> {
    return (
      this
        .prepare(`UPDATE watches SET removed_at = ?, removed_by = ? WHERE platform = ? AND subject_kind = ? AND subject = ? AND destination = ? AND removed_at IS NULL`)
        .run(at, by, watch.platform, watch.subjectKind, watch.subject, watch.destination).changes > 0
    );
  }

  async active(): Promise<WatchRecord[]> {
    return this
      .prepare<[], WatchRow>(
        'SELECT id, platform, subject_kind, subject, destination, created_by FROM watches WHERE removed_at IS NULL ORDER BY id',
      )
      .all()
      .map(watchRecord);
  }

  /** The newest state claimed for a watch, posted or not. */
  async latest(watchId: number): Promise<{ seq: number; state: string; posted: boolean; claimedAt: string } | null> {
    const row = this
      .prepare<[number], AnnouncementRow>(
        'SELECT seq, state, posted_at, claimed_at FROM watch_announcements WHERE watch_id = ? ORDER BY seq DESC LIMIT 1',
      )
      .get(watchId);
    return row ? announcement(row) : null;
  }

  /** Claims announcement `seq` of a watch; false when it was claimed already (by another process). */
  async claim(watchId: number, seq: number, state: string, at: string): Promise<boolean> {
    return this.prepare('INSERT INTO watch_announcements (watch_id, seq, state, claimed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(watchId, seq, state, at).changes > 0;
  }

  async posted(watchId: number, seq: number, at: string): Promise<void> {
    this.prepare('UPDATE watch_announcements SET posted_at = ? WHERE watch_id = ? AND seq = ?').run(at, watchId, seq);
  }

  /** Gives a claim back after its post failed, so the next run tells it again. */
  async release(watchId: number, seq: number): Promise<void> {
    this.prepare('DELETE FROM watch_announcements WHERE watch_id = ? AND seq = ? AND posted_at IS NULL').run(watchId, seq);
  }
}
