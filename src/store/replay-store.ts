import type { Db } from './database.js';

/** How long a request key is remembered: twice Slack's five-minute signature window, for clock skew either way. */
export const REPLAY_RETENTION_MS = 10 * 60 * 1000;

/**
 * Keys of signed requests gig has accepted, so the same request is acted on once: a replay of a
 * captured Slack request, or a platform retry of one gig already answered. Kept in SQLite (not in
 * memory) so a restart inside the window still refuses the replay, and shared by replicas that
 * share the database.
 */
export class ReplayStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Claims every key at once; false (and nothing claimed) when any of them was seen within the
   * retention window. One immediate transaction, so two processes racing on a key cannot both win.
   */
  claim(keys: string[]): boolean {
    if (keys.length === 0) return true;
    const now = this.now();
    const prune = this.db.prepare('DELETE FROM seen_requests WHERE seen_at < ?');
    const seen = this.db.prepare('SELECT 1 FROM seen_requests WHERE key = ?');
    const insert = this.db.prepare('INSERT INTO seen_requests (key, seen_at) VALUES (?, ?)');
    return this.db
      .transaction(() => {
        prune.run(now - REPLAY_RETENTION_MS);
        if (keys.some((key) => seen.get(key) !== undefined)) return false;
        for (const key of new Set(keys)) insert.run(key, now);
        return true;
      })
      .immediate();
  }

  /** Forgets keys again: the request failed before gig acted, so a retry must be allowed to act. */
  release(keys: string[]): void {
    const remove = this.db.prepare('DELETE FROM seen_requests WHERE key = ?');
    this.db.transaction(() => {
      for (const key of keys) remove.run(key);
    })();
  }
}
