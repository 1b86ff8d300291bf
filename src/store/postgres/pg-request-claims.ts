import type { RequestClaims } from '../../engine/ports.js';
import { REPLAY_RETENTION_MS } from '../replay-store.js';
import type { PgDatabase } from './database.js';

const SEEN = Symbol('seen before');

/**
 * Keys of signed requests acted on, shared by the replicas: a Slack or Bot Connector retry that
 * lands on another replica than the first delivery is still refused there.
 */
export class PgRequestClaims implements RequestClaims {
  constructor(
    private readonly db: PgDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(keys: string[]): Promise<boolean> {
    if (keys.length === 0) return true;
    const distinct = [...new Set(keys)];
    const at = this.now();
    try {
      return await this.db.transaction(async (client) => {
        await client.query('DELETE FROM seen_requests WHERE seen_at < $1', [at - REPLAY_RETENTION_MS]);
        // A concurrent insert of the same key waits for the other transaction, then conflicts: one wins.
        const inserted = await client.query('INSERT INTO seen_requests (key, seen_at) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING', [distinct, at]);
        // Seen before: rolled back, so nothing of this request stays claimed.
        if ((inserted.rowCount ?? 0) !== distinct.length) throw SEEN;
        return true;
      });
    } catch (error) {
      if (error === SEEN) return false;
      throw error;
    }
  }

  async release(keys: string[]): Promise<void> {
    await this.db.query('DELETE FROM seen_requests WHERE key = ANY($1)', [keys]);
  }
}
