import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApprovalRecord, Ledger, RequestClaims, Watches } from '../src/engine/ports.js';
import { openDatabase } from '../src/store/database.js';
import { exportLedger, importLedger, parseLedgerExport, type LedgerExport } from '../src/store/ledger-transfer.js';
import { LedgerStore } from '../src/store/ledger-store.js';
import { openPool } from '../src/store/postgres/connection.js';
import { PgDatabase } from '../src/store/postgres/database.js';
import { exportPgLedger, importPgLedger } from '../src/store/postgres/pg-ledger-transfer.js';
import { PgLedger } from '../src/store/postgres/pg-ledger.js';
import { PgRequestClaims } from '../src/store/postgres/pg-request-claims.js';
import { PgWatches } from '../src/store/postgres/pg-watches.js';
import { ReplayStore } from '../src/store/replay-store.js';
import { WatchStore } from '../src/store/watch-store.js';
import { testDatabase } from './support/postgres.js';

/**
 * The ledger's contract, one suite run on both stores: the SQLite file (one process) and a real
 * PostgreSQL started by the tests (replicas). What a command can observe must not depend on which.
 */
interface Store {
  ledger: Ledger;
  watches: Watches;
  claims: RequestClaims;
  /** A raw statement, for what no gig code path does (editing an approval). */
  raw(sql: string): Promise<unknown>;
  export(): Promise<LedgerExport>;
  import(ledger: LedgerExport): Promise<Record<string, number>>;
  close(): Promise<void>;
}

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function sqlite(): Store {
  const folder = mkdtempSync(path.join(tmpdir(), 'gig-contract-'));
  folders.push(folder);
  const db = openDatabase(path.join(folder, 'gig.db'));
  return {
    ledger: new LedgerStore(db),
    watches: new WatchStore(db),
    claims: new ReplayStore(db),
    raw: async (sql) => db.prepare(sql).run(),
    export: async () => exportLedger(db, 'now'),
    import: async (ledger) => importLedger(db, ledger),
    close: async () => {
      db.close();
    },
  };
}

async function postgres(): Promise<Store> {
  const db = new PgDatabase(openPool(await testDatabase('contract')), { migrate: true });
  return {
    ledger: new PgLedger(db),
    watches: new PgWatches(db),
    claims: new PgRequestClaims(db),
    raw: (sql) => db.query(sql),
    export: () => exportPgLedger(db, 'now'),
    import: (ledger) => importPgLedger(db, ledger),
    close: () => db.close(),
  };
}

const approval = (by: string, hash = 'h1', decision: 'approve' | 'flag' = 'approve'): ApprovalRecord => ({
  releaseId: 'R-1',
  hash,
  decision,
  by,
  at: `2026-11-20T10:00:0${by.length % 10}Z`,
  reason: decision === 'flag' ? 'wrong totals' : null,
  platform: 'slack',
});

const release = (tickets: string[], updatedAt = '2026-11-20T09:00:00Z') => ({ id: 'R-1', source: 'qa', target: 'uat', tickets, hash: 'h1', manifest: { tickets }, createdAt: '2026-11-20T09:00:00Z', updatedAt });

describe.each([
  ['SQLite', async () => sqlite()],
  ['PostgreSQL', postgres],
])('the ledger on %s', (_name, open) => {
  it("reads every ticket's records and the newest deployment of each environment at once", async () => {
    const store = await open();
    const { ledger } = store;
    await ledger.addRejection({ ticket: 'PAY-7', stage: 'qa', at: '2026-11-04T10:00:00Z', reason: 'totals off', by: 'Quinn', source: 'cli' }, 'now');
    await ledger.addRejection({ ticket: 'PAY-7', stage: 'client', at: '2026-11-08T10:00:00Z', reason: null, by: null, source: 'chat' }, 'now');
    await ledger.addManualStep('PAY-8', { id: 'm1', summary: 'run V42.sql', owner: 'Dana', createdBy: 'Ben', createdAt: '2026-11-05T09:00:00Z' });
    await ledger.setManualStepState('PAY-8', 'm1', 'done', 'Dana', '2026-11-06T09:00:00Z');
    await ledger.setManualStepState('PAY-8', 'm1', 'open', 'Ben', '2026-11-07T09:00:00Z');
    await ledger.saveRelease(release(['PAY-7', 'PAY-9']));
    await ledger.addApproval(approval('Ann'), 'k-ann');
    await ledger.addApproval({ ...approval('Bob'), at: '2026-11-21T10:00:00Z' }, 'k-bob');
    await ledger.addDeployment({ repository: 'api', environment: 'qa', sha: 'a1', at: '2026-11-03T13:00:00Z', source: 'cli', recordedBy: null }, 'now');
    await ledger.addDeployment({ repository: 'api', environment: 'qa', sha: 'a2', at: '2026-11-05T13:00:00Z', source: 'hook', recordedBy: 'ci' }, 'now');
    await ledger.addDeployment({ repository: 'api', environment: 'uat', sha: 'a0', at: '2026-11-01T13:00:00Z', source: 'cli', recordedBy: null }, 'now');
    await ledger.addDeployment({ repository: 'ui', environment: 'qa', sha: 'u1', at: '2026-11-05T13:00:00Z', source: 'cli', recordedBy: null }, 'now');

    const records = await ledger.records(['PAY-7', 'PAY-8', 'PAY-9', 'PAY-404'], { repositories: ['api', 'db'], environments: ['dev', 'qa', 'uat'] });
    expect(records.tickets.get('PAY-7')).toEqual({
      rejections: [
        { stage: 'qa', at: '2026-11-04T10:00:00Z', reason: 'totals off', by: 'Quinn', source: 'cli' },
        { stage: 'client', at: '2026-11-08T10:00:00Z', reason: null, by: null, source: 'chat' },
      ],
      lastApproval: { release: 'R-1', at: '2026-11-21T10:00:00Z', by: 'Bob' },
      manualSteps: { added: [], states: {} },
    });
    expect(records.tickets.get('PAY-8')).toEqual({
      rejections: [],
      lastApproval: null,
      manualSteps: {
        added: [{ id: 'm1', source: 'chat', summary: 'run V42.sql', owner: 'Dana', createdBy: 'Ben', createdAt: '2026-11-05T09:00:00Z' }],
        states: { m1: { status: 'open', by: 'Ben', at: '2026-11-07T09:00:00Z' } },
      },
    });
    expect(records.tickets.get('PAY-9')?.lastApproval?.by).toBe('Bob');
    expect(records.tickets.get('PAY-404')).toEqual({ rejections: [], lastApproval: null, manualSteps: { added: [], states: {} } });
    const byEnvironment = (repository: string) => Object.fromEntries((records.deployments.get(repository) ?? []).map((deployment) => [deployment.environment, deployment]));
    expect(byEnvironment('api')).toEqual({
      qa: { environment: 'qa', sha: 'a2', at: '2026-11-05T13:00:00Z', source: 'hook' },
      uat: { environment: 'uat', sha: 'a0', at: '2026-11-01T13:00:00Z', source: 'cli' },
    });
    expect(records.deployments.get('db')).toEqual([]);
    expect(records.deployments.has('ui')).toBe(false);
    await store.close();
  });

  it('counts a decision once per key however many arrive at once, and keeps decisions append-only', async () => {
    const store = await open();
    const { ledger } = store;
    await ledger.saveRelease(release(['PAY-7']));
    const clicks = await Promise.all(Array.from({ length: 30 }, (_, index) => ledger.addApproval(approval(['Ann', 'Bob', 'Cy'][index % 3]!), `R-1:h1:${['Ann', 'Bob', 'Cy'][index % 3]}:approve`)));
    expect(clicks.filter(Boolean)).toHaveLength(3);
    expect((await ledger.approvals('R-1')).map((recorded) => recorded.by).sort()).toEqual(['Ann', 'Bob', 'Cy']);
    await expect(store.raw("UPDATE approvals SET decision = 'flag'")).rejects.toThrow(/append-only/);
    await expect(store.raw('DELETE FROM approvals')).rejects.toThrow(/append-only/);
    await ledger.addRejection({ ticket: 'PAY-7', stage: 'qa', at: 'a', reason: null, by: null, source: 'cli' }, 'now');
    await expect(store.raw('DELETE FROM rejections')).rejects.toThrow(/append-only/);
    await ledger.setManualStepState('PAY-7', 'm1', 'done', null, 'now');
    await expect(store.raw("UPDATE manual_step_events SET status = 'open'")).rejects.toThrow(/append-only/);
    expect(await ledger.approvals('R-1')).toHaveLength(3);
    await store.close();
  });

  it("adds a tracker's rejections and steps once, however often (and by however many replicas) it is read", async () => {
    const store = await open();
    const { ledger } = store;
    const read = {
      rejections: [{ ticket: 'PAY-7', stage: 'qa', at: '2026-11-04T10:00:00Z', reason: 'QA failed', by: 'Quinn', source: 'jira', externalId: 'jira:1001' }],
      steps: [{ ticket: 'PAY-7', id: 'tracker-1', source: 'tracker' as const, summary: 'restart the cache', owner: null, createdBy: 'jira', createdAt: '2026-11-04T10:00:00Z' }],
    };
    await Promise.all([ledger.addTrackerRecords(read, 'now'), ledger.addTrackerRecords(read, 'now'), ledger.addTrackerRecords(read, 'now')]);
    expect(await ledger.addRejection(read.rejections[0]!, 'now')).toBe(false);
    const records = (await ledger.records(['PAY-7'], { repositories: [], environments: [] })).tickets.get('PAY-7')!;
    expect(records.rejections).toHaveLength(1);
    expect(records.manualSteps.added).toEqual([{ id: 'tracker-1', source: 'tracker', summary: 'restart the cache', owner: null, createdBy: 'jira', createdAt: '2026-11-04T10:00:00Z' }]);
    await store.close();
  });

  it('keeps releases, conversation references and settings, the first writer of a setting winning', async () => {
    const store = await open();
    const { ledger } = store;
    expect(await ledger.release('R-1')).toBeNull();
    await ledger.saveRelease(release(['PAY-7']));
    await ledger.saveRelease({ ...release(['PAY-7', 'PAY-8'], '2026-11-21T09:00:00Z'), id: 'R-2' });
    await ledger.saveRelease(release(['PAY-7', 'PAY-9'], '2026-11-22T09:00:00Z'));
    expect(await ledger.release('R-1')).toEqual(release(['PAY-7', 'PAY-9'], '2026-11-22T09:00:00Z'));
    expect(await ledger.recentReleases(10)).toEqual(['R-1', 'R-2']);
    await ledger.saveConversation('teams', '19:a', { serviceUrl: 'https://one' }, 'now');
    await ledger.saveConversation('teams', '19:a', { serviceUrl: 'https://two' }, 'later');
    expect(await ledger.conversation('teams', '19:a')).toEqual({ serviceUrl: 'https://two' });
    expect(await ledger.conversation('teams', '19:none')).toBeNull();
    const keys = await Promise.all(['first', 'second', 'third'].map((value) => ledger.setting('packet-link-key', () => value)));
    expect(new Set(keys).size).toBe(1);
    expect(await ledger.setting('packet-link-key', () => 'later')).toBe(keys[0]);
    await store.close();
  });

  it('lets one of many schedulers claim a digest occurrence, and one of many take over an abandoned one', async () => {
    const store = await open();
    const { ledger } = store;
    const claims = await Promise.all(Array.from({ length: 6 }, (_, index) => ledger.claimDigest('uat', '2026-11-24T09:00:00.000Z', `replica-${index}:1`, '2026-11-24T09:00:01Z', false)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await ledger.lastDigestOccurrence('uat')).toBe('2026-11-24T09:00:00.000Z');
    // Its holder, on another machine, stopped renewing it 20 minutes ago: abandoned, and taken over once.
    const later = '2026-11-24T09:21:00Z';
    expect((await ledger.abandonedDigests('uat', later)).map((run) => run.occurrence)).toEqual(['2026-11-24T09:00:00.000Z']);
    const takeOvers = await Promise.all(['a:1', 'b:1', 'c:1'].map((owner) => ledger.takeOverDigest('uat', '2026-11-24T09:00:00.000Z', owner, later)));
    expect(takeOvers.map((result) => result.outcome).sort()).toEqual(['busy', 'busy', 'taken']);
    await ledger.recordDigestAttempt('uat', '2026-11-24T09:00:00.000Z', { delivered: ['slack:C1'], error: null, done: true }, later);
    expect(await ledger.takeOverDigest('uat', '2026-11-24T09:00:00.000Z', 'd:1', later)).toEqual({ outcome: 'sent' });
    await ledger.skipDigest('uat', '2026-11-23T09:00:00.000Z', later);
    await ledger.claimDigest('uat', '2026-11-22T09:00:00.000Z', 'e:1', '2026-11-22T09:00:01Z', true);
    await ledger.recordDigestAttempt('uat', '2026-11-22T09:00:00.000Z', { delivered: [], error: 'slack:C1: down', done: false }, '2026-11-22T09:05:00Z');
    await ledger.markDigestMissed('uat', '2026-11-22T09:00:00.000Z', later);
    const runs = await ledger.digestRuns('uat', 5);
    expect(runs.map((run) => [run.occurrence.slice(0, 10), run.status, run.attempts, run.delivered, run.late])).toEqual([
      ['2026-11-24', 'sent', 1, ['slack:C1'], false],
      ['2026-11-23', 'skipped', 0, [], false],
      ['2026-11-22', 'missed', 1, [], true],
    ]);
    expect(runs[2]!.lastError).toBe(`slack:C1: down (missed at ${later})`);
    await ledger.reclaimDigest('uat', '2026-11-24T09:00:00.000Z', 'f:1', later);
    expect((await ledger.digestRuns('uat', 1))[0]).toMatchObject({ status: 'claimed', claimedBy: 'f:1', delivered: [] });
    await store.close();
  });

  it('tells a watch each change once: a claim per change, given back when its post failed', async () => {
    const store = await open();
    const { watches } = store;
    const watch = { platform: 'slack' as const, subjectKind: 'ticket' as const, subject: 'PAY-7', destination: 'U1', createdBy: 'U1' };
    expect(await watches.add(watch, '{"v":0}', 'now')).toBe(true);
    expect(await watches.add(watch, '{"v":0}', 'now')).toBe(false);
    const [active] = await watches.active();
    expect(active).toMatchObject(watch);
    expect(await watches.latest(active!.id)).toEqual({ seq: 0, state: '{"v":0}', posted: true, claimedAt: 'now' });
    const claims = await Promise.all([1, 2, 3].map(() => watches.claim(active!.id, 1, '{"v":1}', 'later')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await watches.latest(active!.id)).toMatchObject({ seq: 1, posted: false });
    await watches.release(active!.id, 1);
    expect(await watches.latest(active!.id)).toMatchObject({ seq: 0 });
    expect(await watches.claim(active!.id, 1, '{"v":1}', 'later')).toBe(true);
    await watches.posted(active!.id, 1, 'later');
    await watches.release(active!.id, 1);
    expect(await watches.latest(active!.id)).toMatchObject({ seq: 1, posted: true });
    expect(await watches.remove(watch, 'U1', 'end')).toBe(true);
    expect(await watches.remove(watch, 'U1', 'end')).toBe(false);
    expect(await watches.active()).toEqual([]);
    expect(await watches.add(watch, '{"v":2}', 'again')).toBe(true);
    await store.close();
  });

  it('acts on a signed request once, across however many replicas receive it', async () => {
    const store = await open();
    const { claims } = store;
    const races = await Promise.all(Array.from({ length: 5 }, () => claims.claim(['slack:sig:1', 'slack:body:1'])));
    expect(races.filter(Boolean)).toHaveLength(1);
    // One key seen before refuses the whole request, and claims none of its other keys.
    expect(await claims.claim(['slack:sig:2', 'slack:body:1'])).toBe(false);
    expect(await claims.claim(['slack:sig:2'])).toBe(true);
    await claims.release(['slack:sig:1', 'slack:body:1']);
    expect(await claims.claim(['slack:sig:1', 'slack:body:1'])).toBe(true);
    expect(await claims.claim([])).toBe(true);
    await store.close();
  });
});

describe('moving a ledger between the stores', () => {
  it('carries every row from SQLite into PostgreSQL and back, and new decisions get new ids after an import', async () => {
    const source = sqlite();
    await source.ledger.saveRelease(release(['PAY-7']));
    await source.ledger.addApproval(approval('Ann'), 'k-ann');
    await source.ledger.addRejection({ ticket: 'PAY-7', stage: 'qa', at: 't', reason: 'line\u202Ebreak', by: 'Quinn', source: 'jira', externalId: 'jira:1' }, 'now');
    await source.ledger.addDeployment({ repository: 'api', environment: 'qa', sha: 'a1', at: 't', source: 'cli', recordedBy: null }, 'now');
    await source.ledger.addManualStep('PAY-7', { id: 'm1', summary: 'run it', owner: null, createdBy: null, createdAt: 't' });
    await source.ledger.setManualStepState('PAY-7', 'm1', 'done', 'Ann', 't');
    await source.ledger.claimDigest('uat', 'o1', 'h:1', 't', true);
    await source.ledger.saveConversation('teams', '19:a', { id: 1 }, 't');
    await source.ledger.setting('packet-link-key', () => 'secret');
    await source.claims.claim(['slack:sig:1']);
    await source.watches.add({ platform: 'slack', subjectKind: 'ticket', subject: 'PAY-7', destination: 'U1', createdBy: 'U1' }, '{}', 't');
    const exported = await source.export();
    const lines = [JSON.stringify(exported.header), ...exported.rows.map((row) => JSON.stringify(row))];

    const shared = await postgres();
    await shared.ledger.setting('packet-link-key', () => 'made on first use');
    expect(await shared.import(parseLedgerExport(lines))).toMatchObject({ approvals: 1, rejections: 1, deployments: 1, manual_steps: 1, manual_step_events: 1, digest_runs: 1, watches: 1, watch_announcements: 1, seen_requests: 1, settings: 1 });
    const roundTrip = await shared.export();
    expect(roundTrip.rows).toEqual(exported.rows);
    expect(await shared.ledger.setting('packet-link-key', () => 'other')).toBe('secret');
    await expect(shared.import(parseLedgerExport(lines))).rejects.toThrow(/already holds rows/);
    expect(await shared.ledger.addApproval(approval('Bob'), 'k-bob')).toBe(true);
    expect((await shared.ledger.approvals('R-1')).map((recorded) => recorded.by)).toEqual(['Ann', 'Bob']);

    const back = sqlite();
    await back.import(await shared.export());
    expect((await back.export()).rows).toEqual((await shared.export()).rows);
    await Promise.all([source.close(), shared.close(), back.close()]);
  });
});
