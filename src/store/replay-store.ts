import type { RequestClaims } from '../engine/ports.js';
import type { Db } from './database.js';

/** How long a request key is remembered: twice Slack's five-minute signature window, for clock skew either way. */
export const REPLAY_RETENTION_MS = 10 * 60 * 1000;

/**
 * Keys of signed requests gig has accepted, so the same request is acted on once: a replay of a
 * captured Slack request, or a platform retry of one gig already answered. Kept in SQLite (not in
 * memory) so a restart inside the window still refuses the replay, and shared by replicas that
 * share the database.
 */
export class ReplayStore implements RequestClaims {
  // Prepared once: a claim is on every acknowledged request's path.
  private readonly prune;
  private readonly seen;
  private readonly insert;
  private readonly remove;
  private readonly claimAll;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.prune = db.prepare('DELETE FROM seen_requests WHERE seen_at < ?');
    this.seen = db.prepare('SELECT 1 FROM seen_requests WHERE key = ?');
    this.insert = db.prepare('INSERT INTO seen_requests (key, seen_at) VALUES (?, ?)');
    this.remove = db.prepare('DELETE FROM seen_requests WHERE key = ?');
    this.claimAll = db.transaction((keys: string[], at: number): boolean => {
      this.prune.run(at - REPLAY_RETENTION_MS);
      if (keys.some((key) => this.seen.get(key) !== undefined)) return false;
      for (const key of new Set(keys)) this.insert.run(key, at);
      return true;
    });
  }

  /**
   * Claims every key at once; false (and nothing claimed) when any of them was seen within the
   * retention window. One immediate transaction, so two processes racing on a key cannot both win.
   */
  async claim(keys: string[]): Promise<boolean> {
    if (keys.length === 0) return true;
    return this.claimAll.immediate(keys, this.now());
  }

  /** Forgets keys again: the request failed before gig acted, so a retry must be allowed to act. */
  async release(keys: string[]): Promise<void> {
    this.db.transaction(() => {
      for (const key of keys) this.remove.run(key);
    })();
  }
}
