import type { AddedManualStep } from '../../engine/model.js';
import type { ApprovalRecord, BranchHead, DeployedWhere, IndexedBranches, TrackerRecords, DeploymentRecord, DigestRun, Ledger, LedgerRecords, NewDeployment, NewRejection, SavedReleaseRecord } from '../../engine/ports.js';
import { abandoned, digestRun, headRows, releaseRecord, ticketRecords, type DigestRunRow, type ReleaseRow, type TicketRows } from '../ledger-rows.js';
import type { PgDatabase } from './database.js';

/**
 * The ledger on PostgreSQL, shared by every replica. Every claim is the database's: a unique row
 * (`ON CONFLICT DO NOTHING`) decides which replica sends a digest occurrence or records a decision,
 * and a row lock (`FOR UPDATE`) which one takes over an abandoned one. The SQL mirrors
 * store/ledger-store.ts statement for statement; the contract suite (test/ledger-contract.test.ts)
 * holds both to the same behaviour.
 */
export class PgLedger implements Ledger {
  readonly kind = 'postgres';

  constructor(private readonly db: PgDatabase) {}

  async ready(): Promise<void> {
    await this.db.migrated();
  }

  async records(tickets: readonly string[], deployed: DeployedWhere): Promise<LedgerRecords> {
    const keys = [...new Set(tickets)];
    // One statement, one round trip, and one snapshot: every ticket's records are of the same moment.
    const row = (
      await this.db.query<TicketRows & { deployments: Array<DeploymentRecord & { repository: string }>; heads: BranchHead[] }>(
        `SELECT
           (SELECT coalesce(json_agg(x ORDER BY x.ticket, x.at, x.id), '[]') FROM
              (SELECT id, ticket, stage, rejected_at AS at, reason, rejected_by AS "by", source FROM rejections WHERE ticket = ANY($1)) x) AS rejections,
           (SELECT coalesce(json_agg(x), '[]') FROM
              (SELECT DISTINCT ON (t.ticket) t.ticket, a.release_id AS release, a.at, a.by
               FROM releases r CROSS JOIN LATERAL jsonb_array_elements_text(r.tickets::jsonb) AS t(ticket)
               JOIN approvals a ON a.release_id = r.id AND a.decision = 'approve'
               WHERE r.tickets::jsonb ?| $1 AND t.ticket = ANY($1) ORDER BY t.ticket, a.at DESC, a.id DESC) x) AS approvals,
           (SELECT coalesce(json_agg(x ORDER BY x.ticket, x."createdAt", x.id), '[]') FROM
              (SELECT ticket, id, source, summary, owner, created_by AS "createdBy", created_at AS "createdAt" FROM manual_steps WHERE ticket = ANY($1)) x) AS steps,
           (SELECT coalesce(json_agg(x ORDER BY x.id), '[]') FROM
              (SELECT id, ticket, step_id, status, by, at FROM manual_step_events WHERE ticket = ANY($1)) x) AS events,
           (SELECT coalesce(json_agg(x), '[]') FROM
              -- The newest of each place, read from the end of its index: deployments pile up, this stays flat.
              (SELECT d.* FROM unnest($2::text[]) AS place(repository) CROSS JOIN unnest($3::text[]) AS env(environment)
               CROSS JOIN LATERAL (SELECT repository, environment, sha, deployed_at AS at, source FROM deployments
                                   WHERE repository = place.repository AND environment = env.environment ORDER BY deployed_at DESC, id DESC LIMIT 1) d) x) AS deployments,
           (SELECT coalesce(json_agg(x ORDER BY x.repository, x.environment), '[]') FROM
              (SELECT repository, environment, sha, seen_at AS "seenAt" FROM branch_heads WHERE repository = ANY($2)) x) AS heads`,
        [keys, [...new Set(deployed.repositories)], [...new Set(deployed.environments)]],
        'gig-ledger-records',
      )
    ).rows[0]!;
    const byRepository = new Map<string, DeploymentRecord[]>(deployed.repositories.map((repository) => [repository, []]));
    for (const { repository, ...deployment } of row.deployments) byRepository.get(repository)!.push(deployment);
    return { tickets: ticketRecords(keys, row), deployments: byRepository, heads: row.heads };
  }

  async recordHeads(branches: IndexedBranches[], replica: string): Promise<void> {
    const rows = headRows(branches);
    if (rows.length === 0) return;
    // The newest sighting wins, whichever replica's write lands last.
    await this.db.query(
      `INSERT INTO branch_heads (repository, environment, sha, seen_at, seen_by)
       SELECT repository, environment, sha, "seenAt", $2 FROM json_to_recordset($1::json) AS x(repository text, environment text, sha text, "seenAt" text)
       ON CONFLICT (repository, environment) DO UPDATE SET sha = excluded.sha, seen_at = excluded.seen_at, seen_by = excluded.seen_by
       WHERE excluded.seen_at >= branch_heads.seen_at`,
      [JSON.stringify(rows), replica],
    );
  }

  async addRejection(rejection: NewRejection, recordedAt: string): Promise<boolean> {
    const result = await this.db.query(INSERT_REJECTION, rejectionValues(rejection, recordedAt));
    return result.rowCount === 1;
  }

  async addTrackerRecords(records: TrackerRecords, recordedAt: string): Promise<void> {
    if (records.rejections.length === 0 && records.steps.length === 0) return;
    // A whole sync's worth in two statements: a first read of thousands of tickets is not thousands of round trips.
    await this.db.transaction(async (client) => {
      await client.query(
        `INSERT INTO rejections (ticket, stage, rejected_at, reason, rejected_by, source, external_id, recorded_at)
         SELECT ticket, stage, "at", reason, "by", source, "externalId", $2
         FROM json_to_recordset($1::json) AS x(ticket text, stage text, "at" text, reason text, "by" text, source text, "externalId" text)
         ON CONFLICT (external_id) DO NOTHING`,
        [JSON.stringify(records.rejections), recordedAt],
      );
      await client.query(
        `INSERT INTO manual_steps (id, ticket, summary, owner, created_by, created_at, source)
         SELECT id, ticket, summary, owner, "createdBy", "createdAt", coalesce(source, 'tracker')
         FROM json_to_recordset($1::json) AS x(id text, ticket text, summary text, owner text, "createdBy" text, "createdAt" text, source text)
         ON CONFLICT (id) DO NOTHING`,
        [JSON.stringify(records.steps)],
      );
    });
  }

  async addDeployment(deployment: NewDeployment, recordedAt: string): Promise<void> {
    await this.db.query('INSERT INTO deployments (repository, environment, sha, deployed_at, source, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      deployment.repository,
      deployment.environment,
      deployment.sha,
      deployment.at,
      deployment.source,
      deployment.recordedBy,
      recordedAt,
    ]);
  }

  async addManualStep(ticket: string, step: AddedManualStep): Promise<void> {
    await this.db.query('INSERT INTO manual_steps (id, ticket, summary, owner, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      step.id,
      ticket,
      step.summary,
      step.owner,
      step.createdBy,
      step.createdAt,
    ]);
  }

  async setManualStepState(ticket: string, stepId: string, status: 'open' | 'done', by: string | null, at: string): Promise<void> {
    await this.db.query('INSERT INTO manual_step_events (step_id, ticket, status, by, at) VALUES ($1, $2, $3, $4, $5)', [stepId, ticket, status, by, at]);
  }

  async saveRelease(release: SavedReleaseRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO releases (id, source_env, target_env, tickets, manifest_hash, manifest, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET source_env = excluded.source_env, target_env = excluded.target_env, tickets = excluded.tickets,
         manifest_hash = excluded.manifest_hash, manifest = excluded.manifest, updated_at = excluded.updated_at`,
      [release.id, release.source, release.target, JSON.stringify(release.tickets), release.hash, JSON.stringify(release.manifest), release.createdAt, release.updatedAt],
    );
  }

  async recentReleases(limit: number): Promise<string[]> {
    return (await this.db.query<{ id: string }>('SELECT id FROM releases ORDER BY updated_at DESC, id LIMIT $1', [limit])).rows.map((row) => row.id);
  }

  async release(id: string): Promise<SavedReleaseRecord | null> {
    const row = (
      await this.db.query<ReleaseRow>(
        'SELECT * FROM releases WHERE id = $1',
        [id],
      )
    ).rows[0];
    return row ? releaseRecord(row) : null;
  }

  async addApproval(approval: ApprovalRecord, idempotencyKey: string): Promise<boolean> {
    const result = await this.db.query(
      `INSERT INTO approvals (release_id, manifest_hash, decision, by, at, reason, platform, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING`,
      [approval.releaseId, approval.hash, approval.decision, approval.by, approval.at, approval.reason, approval.platform, idempotencyKey],
    );
    return result.rowCount === 1;
  }

  async approvals(releaseId: string): Promise<ApprovalRecord[]> {
    return (
      await this.db.query<ApprovalRecord>(
        `SELECT release_id AS "releaseId", manifest_hash AS hash, decision, by, at, reason, platform FROM approvals WHERE release_id = $1 ORDER BY id`,
        [releaseId],
      )
    ).rows;
  }

  async saveConversation(platform: string, conversationId: string, reference: unknown, at: string): Promise<void> {
    await this.db.query(
      `INSERT INTO conversation_refs (platform, conversation_id, reference, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (platform, conversation_id) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at`,
      [platform, conversationId, JSON.stringify(reference), at],
    );
  }

  async conversation(platform: string, conversationId: string): Promise<unknown> {
    const row = (await this.db.query<{ reference: string }>('SELECT reference FROM conversation_refs WHERE platform = $1 AND conversation_id = $2', [platform, conversationId])).rows[0];
    return row ? (JSON.parse(row.reference) as unknown) : null;
  }

  async setting(key: string, create: () => string): Promise<string> {
    // Read first: once the value exists, asking for it is one statement and no write. Otherwise the
    // first writer wins, on whichever replica, and every later reader gets its value.
    const read = async (): Promise<string | undefined> => (await this.db.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key])).rows[0]?.value;
    const known = await read();
    if (known !== undefined) return known;
    await this.db.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, create()]);
    return (await read())!;
  }

  async lastDigestOccurrence(digest: string): Promise<string | null> {
    return (await this.db.query<{ last: string | null }>('SELECT max(occurrence_at) AS last FROM digest_runs WHERE digest = $1', [digest])).rows[0]?.last ?? null;
  }

  async claimDigest(digest: string, occurrence: string, owner: string, at: string, late: boolean): Promise<boolean> {
    // The primary key (digest, occurrence) decides: of all the replicas' schedulers, one inserts.
    const result = await this.db.query(
      "INSERT INTO digest_runs (digest, occurrence_at, status, claimed_by, claimed_at, late) VALUES ($1, $2, 'claimed', $3, $4, $5) ON CONFLICT DO NOTHING",
      [digest, occurrence, owner, at, late ? 1 : 0],
    );
    return result.rowCount === 1;
  }

  async reclaimDigest(digest: string, occurrence: string, owner: string, at: string): Promise<void> {
    await this.db.query(
      `INSERT INTO digest_runs (digest, occurrence_at, status, claimed_by, claimed_at) VALUES ($1, $2, 'claimed', $3, $4)
       ON CONFLICT (digest, occurrence_at) DO UPDATE SET status = 'claimed', claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at, delivered = '[]'`,
      [digest, occurrence, owner, at],
    );
  }

  async takeOverDigest(digest: string, occurrence: string, owner: string, at: string): Promise<{ outcome: 'taken'; delivered: string[]; late: boolean } | { outcome: 'sent' | 'busy' }> {
    return this.db.transaction(async (client) => {
      // The row lock: two replicas finding the same abandoned occurrence take turns, and the second sees it taken.
      const row = (await client.query<DigestRunRow>('SELECT * FROM digest_runs WHERE digest = $1 AND occurrence_at = $2 FOR UPDATE', [digest, occurrence])).rows[0];
      if (!row) return { outcome: 'busy' as const };
      const run = digestRun(row);
      if (run.status === 'sent') return { outcome: 'sent' as const };
      if (!abandoned(run, at)) return { outcome: 'busy' as const };
      await client.query("UPDATE digest_runs SET status = 'claimed', claimed_by = $1, claimed_at = $2 WHERE digest = $3 AND occurrence_at = $4", [owner, at, digest, occurrence]);
      return { outcome: 'taken' as const, delivered: run.delivered, late: run.late };
    });
  }

  async abandonedDigests(digest: string, at: string): Promise<DigestRun[]> {
    const rows = await this.db.query<DigestRunRow>("SELECT * FROM digest_runs WHERE digest = $1 AND status IN ('claimed', 'failed') ORDER BY occurrence_at", [digest]);
    return rows.rows.map(digestRun).filter((run) => abandoned(run, at));
  }

  async markDigestMissed(digest: string, occurrence: string, at: string): Promise<void> {
    await this.db.query(
      "UPDATE digest_runs SET status = 'missed', last_error = coalesce(last_error, 'never delivered') || ' (missed at ' || $1 || ')' WHERE digest = $2 AND occurrence_at = $3 AND status IN ('claimed', 'failed')",
      [at, digest, occurrence],
    );
  }

  async recordDigestAttempt(digest: string, occurrence: string, outcome: { delivered: string[]; error: string | null; done: boolean }, at: string): Promise<void> {
    await this.db.query(
      `UPDATE digest_runs SET attempts = attempts + 1, delivered = $1, last_error = $2,
         status = CASE WHEN $3 THEN 'sent' WHEN $4 THEN 'failed' ELSE status END,
         sent_at = CASE WHEN $3 THEN $5 ELSE sent_at END
       WHERE digest = $6 AND occurrence_at = $7`,
      [JSON.stringify(outcome.delivered), outcome.error, outcome.done, outcome.error !== null, at, digest, occurrence],
    );
  }

  async skipDigest(digest: string, occurrence: string, at: string): Promise<void> {
    await this.db.query("INSERT INTO digest_runs (digest, occurrence_at, status, claimed_at) VALUES ($1, $2, 'skipped', $3) ON CONFLICT DO NOTHING", [digest, occurrence, at]);
  }

  async digestRuns(digest: string, limit: number): Promise<DigestRun[]> {
    return (await this.db.query<DigestRunRow>('SELECT * FROM digest_runs WHERE digest = $1 ORDER BY occurrence_at DESC LIMIT $2', [digest, limit])).rows.map(digestRun);
  }
}

const INSERT_REJECTION = `INSERT INTO rejections (ticket, stage, rejected_at, reason, rejected_by, source, external_id, recorded_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (external_id) DO NOTHING`;

function rejectionValues(rejection: NewRejection, recordedAt: string): unknown[] {
  return [rejection.ticket, rejection.stage, rejection.at, rejection.reason, rejection.by, rejection.source, rejection.externalId ?? null, recordedAt];
}
