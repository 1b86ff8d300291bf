import type { AddedManualStep } from '../engine/model.js';
import type { ApprovalRecord, BranchHead, DeployedWhere, IndexedBranches, TrackerRecords, DeploymentRecord, DigestRun, Ledger, LedgerRecords, NewDeployment, NewRejection, SavedReleaseRecord } from '../engine/ports.js';
import { abandoned, digestRun, headRows, releaseRecord, ticketRecords, type DigestRunRow, type ReleaseRow, type TicketRows } from './ledger-rows.js';
import type { Db } from './database.js';
import { statementCache } from './statements.js';

/**
 * The ledger in the SQLite file, for one process (or several on one machine): what people decided
 * and recorded. Nothing here can be rebuilt from git, so rows are appended, never edited away
 * (approvals, rejections and step events are append-only in SQL). Asynchronous only because the
 * Ledger port is (PostgreSQL: store/postgres/); every call is one synchronous statement or transaction.
 */
export class LedgerStore implements Ledger {
  readonly kind = 'sqlite';

  /** The file was opened and migrated with the index (store/database.ts). */
  async ready(): Promise<void> {}
  /** Statements prepared once per connection (statements.ts). */
  private readonly prepare: ReturnType<typeof statementCache>;

  constructor(private readonly db: Db) {
    this.prepare = statementCache(this.db);
  }

  async addRejection(rejection: NewRejection, recordedAt: string): Promise<boolean> {
    return this.insertRejection(rejection, recordedAt);
  }

  private insertRejection(rejection: NewRejection, recordedAt: string): boolean {
    return (
      this
        .prepare(
          `INSERT INTO rejections (ticket, stage, rejected_at, reason, rejected_by, source, external_id, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (external_id) DO NOTHING`,
        )
        .run(rejection.ticket, rejection.stage, rejection.at, rejection.reason, rejection.by, rejection.source, rejection.externalId ?? null, recordedAt).changes === 1
    );
  }

  async addTrackerRecords(records: TrackerRecords, recordedAt: string): Promise<void> {
    const addStep = this.prepare('INSERT INTO manual_steps (id, ticket, summary, owner, created_by, created_at, source) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
    this.db.transaction(() => {
      for (const rejection of records.rejections) this.insertRejection(rejection, recordedAt);
      for (const step of records.steps) addStep.run(step.id, step.ticket, step.summary, step.owner, step.createdBy, step.createdAt, step.source ?? 'tracker');
    })();
  }

  async records(tickets: readonly string[], deployed: DeployedWhere): Promise<LedgerRecords> {
    const keys = [...new Set(tickets)];
    const wanted = JSON.stringify(keys);
    // One read transaction, a statement per kind for all tickets at once: the records are of one
    // moment, as on PostgreSQL, and a 100-ticket release costs five statements, not five hundred.
    return this.db.transaction(() => {
      const rows: TicketRows = {
        rejections: this.prepare<[string], TicketRows['rejections'][number]>(
          `SELECT ticket, stage, rejected_at AS at, reason, rejected_by AS "by", source FROM rejections
           WHERE ticket IN (SELECT value FROM json_each(?)) ORDER BY ticket, rejected_at, id`,
        ).all(wanted),
        approvals: this.prepare<[string], TicketRows['approvals'][number]>(
          `SELECT ticket, release, at, by FROM (
             SELECT t.value AS ticket, a.release_id AS release, a.at, a.by, row_number() OVER (PARTITION BY t.value ORDER BY a.at DESC, a.id DESC) AS n
             FROM releases r, json_each(r.tickets) t JOIN approvals a ON a.release_id = r.id AND a.decision = 'approve'
             WHERE t.value IN (SELECT value FROM json_each(?)))
           WHERE n = 1`,
        ).all(wanted),
        steps: this.prepare<[string], TicketRows['steps'][number]>(
          `SELECT ticket, id, source, summary, owner, created_by AS createdBy, created_at AS createdAt FROM manual_steps
           WHERE ticket IN (SELECT value FROM json_each(?)) ORDER BY ticket, created_at, id`,
        ).all(wanted),
        events: this.prepare<[string], TicketRows['events'][number]>(
          'SELECT ticket, step_id, status, by, at FROM manual_step_events WHERE ticket IN (SELECT value FROM json_each(?)) ORDER BY id',
        ).all(wanted),
      };
      // The newest of each place, read from the end of its index: deployments pile up, this stays flat.
      const latest = this.prepare<[string, string], DeploymentRecord>(
        'SELECT environment, sha, deployed_at AS at, source FROM deployments WHERE repository = ? AND environment = ? ORDER BY deployed_at DESC, id DESC LIMIT 1',
      );
      const deployments = new Map<string, DeploymentRecord[]>();
      for (const repository of new Set(deployed.repositories)) {
        deployments.set(repository, [...new Set(deployed.environments)].flatMap((environment) => latest.all(repository, environment)));
      }
      const heads = this.prepare<[string], BranchHead>(
        'SELECT repository, environment, sha, seen_at AS seenAt FROM branch_heads WHERE repository IN (SELECT value FROM json_each(?)) ORDER BY repository, environment',
      ).all(JSON.stringify(deployed.repositories));
      return { tickets: ticketRecords(keys, rows), deployments, heads };
    })();
  }

  async recordHeads(branches: IndexedBranches[], replica: string): Promise<void> {
    const record = this.prepare(
      `INSERT INTO branch_heads (repository, environment, sha, seen_at, seen_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (repository, environment) DO UPDATE SET sha = excluded.sha, seen_at = excluded.seen_at, seen_by = excluded.seen_by
       WHERE excluded.seen_at >= branch_heads.seen_at`,
    );
    this.db.transaction(() => {
      for (const head of headRows(branches)) record.run(head.repository, head.environment, head.sha, head.seenAt, replica);
    })();
  }

  async addDeployment(deployment: NewDeployment, recordedAt: string): Promise<void> {
    this
      .prepare('INSERT INTO deployments (repository, environment, sha, deployed_at, source, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(deployment.repository, deployment.environment, deployment.sha, deployment.at, deployment.source, deployment.recordedBy, recordedAt);
  }

  async addManualStep(ticket: string, step: AddedManualStep): Promise<void> {
    this
      .prepare('INSERT INTO manual_steps (id, ticket, summary, owner, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(step.id, ticket, step.summary, step.owner, step.createdBy, step.createdAt);
  }

  async setManualStepState(ticket: string, stepId: string, status: 'open' | 'done', by: string | null, at: string): Promise<void> {
    this.prepare('INSERT INTO manual_step_events (step_id, ticket, status, by, at) VALUES (?, ?, ?, ?, ?)').run(stepId, ticket, status, by, at);
  }

  async saveRelease(release: SavedReleaseRecord): Promise<void> {
    this
      .prepare(
        `INSERT INTO releases (id, source_env, target_env, tickets, manifest_hash, manifest, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET source_env = excluded.source_env, target_env = excluded.target_env, tickets = excluded.tickets,
           manifest_hash = excluded.manifest_hash, manifest = excluded.manifest, updated_at = excluded.updated_at`,
      )
      .run(release.id, release.source, release.target, JSON.stringify(release.tickets), release.hash, JSON.stringify(release.manifest), release.createdAt, release.updatedAt);
  }

  async recentReleases(limit: number): Promise<string[]> {
    return this.prepare<[number], { id: string }>('SELECT id FROM releases ORDER BY updated_at DESC, id LIMIT ?').all(limit).map((row) => row.id);
  }

  async release(id: string): Promise<SavedReleaseRecord | null> {
    const row = this
      .prepare<[string], ReleaseRow>(
        'SELECT * FROM releases WHERE id = ?',
      )
      .get(id);
    return row ? releaseRecord(row) : null;
  }

  async addApproval(approval: ApprovalRecord, idempotencyKey: string): Promise<boolean> {
    const result = this
      .prepare(
        `INSERT INTO approvals (release_id, manifest_hash, decision, by, at, reason, platform, idempotency_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
      )
      .run(approval.releaseId, approval.hash, approval.decision, approval.by, approval.at, approval.reason, approval.platform, idempotencyKey);
    return result.changes === 1;
  }

  async approvals(releaseId: string): Promise<ApprovalRecord[]> {
    return this
      .prepare<[string], ApprovalRecord>(
        `SELECT release_id AS releaseId, manifest_hash AS hash, decision, by, at, reason, platform FROM approvals WHERE release_id = ? ORDER BY id`,
      )
      .all(releaseId);
  }

  async saveConversation(platform: string, conversationId: string, reference: unknown, at: string): Promise<void> {
    this
      .prepare(
        `INSERT INTO conversation_refs (platform, conversation_id, reference, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (platform, conversation_id) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at`,
      )
      .run(platform, conversationId, JSON.stringify(reference), at);
  }

  async conversation(platform: string, conversationId: string): Promise<unknown> {
    const row = this
      .prepare<[string, string], { reference: string }>('SELECT reference FROM conversation_refs WHERE platform = ? AND conversation_id = ?')
      .get(platform, conversationId);
    return row ? (JSON.parse(row.reference) as unknown) : null;
  }

  async setting(key: string, create: () => string): Promise<string> {
    const read = (): string | undefined => this.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key)?.value;
    // Read first: once the value exists, asking for it writes nothing.
    const known = read();
    if (known !== undefined) return known;
    this.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, create());
    return read()!;
  }

  async lastDigestOccurrence(digest: string): Promise<string | null> {
    const row = this.prepare<[string], { last: string | null }>('SELECT max(occurrence_at) AS last FROM digest_runs WHERE digest = ?').get(digest);
    return row?.last ?? null;
  }

  async claimDigest(digest: string, occurrence: string, owner: string, at: string, late: boolean): Promise<boolean> {
    // The primary key (digest, occurrence) makes the claim atomic across processes sharing the file.
    return (
      this
        .prepare("INSERT INTO digest_runs (digest, occurrence_at, status, claimed_by, claimed_at, late) VALUES (?, ?, 'claimed', ?, ?, ?) ON CONFLICT DO NOTHING")
        .run(digest, occurrence, owner, at, late ? 1 : 0).changes === 1
    );
  }

  async reclaimDigest(digest: string, occurrence: string, owner: string, at: string): Promise<void> {
    this
      .prepare(
        `INSERT INTO digest_runs (digest, occurrence_at, status, claimed_by, claimed_at) VALUES (?, ?, 'claimed', ?, ?)
         ON CONFLICT (digest, occurrence_at) DO UPDATE SET status = 'claimed', claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at, delivered = '[]'`,
      )
      .run(digest, occurrence, owner, at);
  }

  async takeOverDigest(digest: string, occurrence: string, owner: string, at: string): Promise<{ outcome: 'taken'; delivered: string[]; late: boolean } | { outcome: 'sent' | 'busy' }> {
    return this.db.transaction(() => {
      const row = this.prepare<[string, string], DigestRunRow>('SELECT * FROM digest_runs WHERE digest = ? AND occurrence_at = ?').get(digest, occurrence);
      if (!row) return { outcome: 'busy' as const };
      const run = digestRun(row);
      if (run.status === 'sent') return { outcome: 'sent' as const };
      if (!abandoned(run, at)) return { outcome: 'busy' as const };
      this.prepare("UPDATE digest_runs SET status = 'claimed', claimed_by = ?, claimed_at = ? WHERE digest = ? AND occurrence_at = ?").run(owner, at, digest, occurrence);
      return { outcome: 'taken' as const, delivered: run.delivered, late: run.late };
    }).immediate();
  }

  async abandonedDigests(digest: string, at: string): Promise<DigestRun[]> {
    return this
      .prepare<[string], DigestRunRow>("SELECT * FROM digest_runs WHERE digest = ? AND status IN ('claimed', 'failed') ORDER BY occurrence_at")
      .all(digest)
      .map(digestRun)
      .filter((run) => abandoned(run, at));
  }

  async markDigestMissed(digest: string, occurrence: string, at: string): Promise<void> {
    this
      .prepare("UPDATE digest_runs SET status = 'missed', last_error = coalesce(last_error, 'never delivered') || ' (missed at ' || ? || ')' WHERE digest = ? AND occurrence_at = ? AND status IN ('claimed', 'failed')")
      .run(at, digest, occurrence);
  }

  async recordDigestAttempt(digest: string, occurrence: string, outcome: { delivered: string[]; error: string | null; done: boolean }, at: string): Promise<void> {
    this
      .prepare(
        `UPDATE digest_runs SET attempts = attempts + 1, delivered = ?, last_error = ?,
           status = CASE WHEN ? THEN 'sent' WHEN ? THEN 'failed' ELSE status END,
           sent_at = CASE WHEN ? THEN ? ELSE sent_at END
         WHERE digest = ? AND occurrence_at = ?`,
      )
      .run(JSON.stringify(outcome.delivered), outcome.error, outcome.done ? 1 : 0, outcome.error !== null ? 1 : 0, outcome.done ? 1 : 0, at, digest, occurrence);
  }

  async skipDigest(digest: string, occurrence: string, at: string): Promise<void> {
    this.prepare("INSERT INTO digest_runs (digest, occurrence_at, status, claimed_at) VALUES (?, ?, 'skipped', ?) ON CONFLICT DO NOTHING").run(digest, occurrence, at);
  }

  async digestRuns(digest: string, limit: number): Promise<DigestRun[]> {
    return this.prepare<[string, number], DigestRunRow>('SELECT * FROM digest_runs WHERE digest = ? ORDER BY occurrence_at DESC LIMIT ?').all(digest, limit).map(digestRun);
  }
}
