import { connect, migrate, notPermitted, unavailable, type PgClient, type PgPool } from './connection.js';

/**
 * One process's access to the PostgreSQL ledger: its pool, the migrations applied once before the
 * first statement (so opening gig stays synchronous and cheap), statements and transactions with
 * connection failures reported as gig's STORE_UNAVAILABLE.
 */
export class PgDatabase {
  private ready: Promise<unknown> | null;

  constructor(
    readonly pool: PgPool,
    options: { migrate: boolean },
  ) {
    this.ready = options.migrate ? null : Promise.resolve();
  }

  migrated(): Promise<unknown> {
    this.ready ??= migrate(this.pool).catch((error: unknown) => {
      // A failed migration is tried again by the next statement, not remembered for good.
      this.ready = null;
      throw this.translated(error);
    });
    return this.ready;
  }

  /** `name`: prepared once per connection and planned once, for a statement on every answer's path. */
  async query<R extends object = Record<string, unknown>>(sql: string, values: unknown[] = [], name?: string): Promise<{ rows: R[]; rowCount: number }> {
    await this.migrated();
    try {
      const result = await this.pool.query<R>(name ? { name, text: sql, values } : { text: sql, values });
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (error) {
      throw this.translated(error);
    }
  }

  /** Runs `work` in one transaction on one connection; rolled back if it throws. */
  async transaction<T>(work: (client: PgClient) => Promise<T>, mode = 'ISOLATION LEVEL READ COMMITTED'): Promise<T> {
    await this.migrated();
    const client = await connect(this.pool);
    try {
      await client.query(`BEGIN ${mode}`);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.translated(error);
    } finally {
      client.release();
    }
  }

  /** A failure of the connection or of the role's privileges as gig's error; any other as it is. */
  private translated(error: unknown): unknown {
    if (isConnectionError(error)) return unavailable(this.pool, error);
    return (error as { code?: unknown } | null)?.code === '42501' ? notPermitted(error) : error;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Errors of the connection (refused, reset, timed out, the server shutting down), not of a statement. */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error instanceof Error && /Connection terminated|timeout exceeded when trying to connect/i.test(error.message);
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '28P01', '3D000'].includes(code);
}
