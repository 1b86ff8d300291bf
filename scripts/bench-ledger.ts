/**
 * The ledger's write and read latency on both stores (issue #16), each beside the floor of its own
 * store measured in the same run: one bare statement on the same connection (SQLite: an INSERT
 * into a scratch table; PostgreSQL: `SELECT 1`, a round trip). The PostgreSQL server is a throwaway
 * one, started here from the test harness's binaries, on this machine (no network in between).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Ledger } from '../src/engine/ports.js';
import { openDatabase } from '../src/store/database.js';
import { LedgerStore } from '../src/store/ledger-store.js';
import { openPool } from '../src/store/postgres/connection.js';
import { PgDatabase } from '../src/store/postgres/database.js';
import { PgLedger } from '../src/store/postgres/pg-ledger.js';
import { startPostgres } from '../test/support/postgres.js';
import { percentiles, type BenchRow } from './bench-stats.js';


const TICKETS = 200;
const REPOSITORIES = ['api', 'batch', 'db', 'ui', 'mendix'];
const ENVIRONMENTS = ['dev', 'qa', 'uat', 'prod'];

async function latencies(times: number, work: (index: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const measured: number[] = [];
  for (let index = 0; index < times; index += 1) {
    const started = performance.now();
    await work(index);
    measured.push(performance.now() - started);
  }
  return percentiles(measured);
}

/** A ledger with some history: rejections, steps, releases, approvals and deployments of 200 tickets. */
async function fill(ledger: Ledger): Promise<void> {
  for (let index = 0; index < TICKETS; index += 1) {
    const ticket = `PAY-${index}`;
    await ledger.addRejection({ ticket, stage: 'qa', at: '2026-11-04T10:00:00Z', reason: 'totals off', by: 'Quinn', source: 'cli' }, 'now');
    await ledger.addManualStep(ticket, { id: `m${index}`, summary: 'run the script', owner: null, createdBy: 'Ben', createdAt: '2026-11-05T09:00:00Z' });
    await ledger.setManualStepState(ticket, `m${index}`, 'done', 'Ben', '2026-11-06T09:00:00Z');
    if (index % 10 === 0) {
      const tickets = Array.from({ length: 10 }, (_, offset) => `PAY-${index + offset}`);
      await ledger.saveRelease({ id: `R-${index}`, source: 'qa', target: 'uat', tickets, hash: `h${index}`, manifest: { tickets }, createdAt: 'now', updatedAt: 'now' });
      await ledger.addApproval({ releaseId: `R-${index}`, hash: `h${index}`, decision: 'approve', by: 'Ana', at: '2026-11-07T09:00:00Z', reason: null, platform: 'slack' }, `R-${index}:Ana`);
    }
  }
  for (const repository of REPOSITORIES) {
    for (const environment of ENVIRONMENTS) {
      for (let run = 0; run < 20; run += 1) {
        await ledger.addDeployment({ repository, environment, sha: `${run}`.padStart(40, '0'), at: `2026-11-${String(run + 1).padStart(2, '0')}T12:00:00Z`, source: 'hook', recordedBy: 'ci' }, 'now');
      }
    }
  }
}

async function figures(label: string, ledger: Ledger, floor: () => Promise<unknown>, times: number): Promise<BenchRow[]> {
  await fill(ledger);
  const bare = await latencies(times, floor);
  const write = await latencies(times, (index) => ledger.addRejection({ ticket: `PAY-${index % TICKETS}`, stage: 'uat', at: 'now', reason: 'bench', by: null, source: 'chat' }, 'now'));
  const approve = await latencies(times, (index) => ledger.addApproval({ releaseId: 'R-0', hash: 'h0', decision: 'approve', by: `captain-${index}`, at: 'now', reason: null, platform: 'slack' }, `bench:${index}`));
  const status = await latencies(times, (index) => ledger.records([`PAY-${index % TICKETS}`], { repositories: REPOSITORIES, environments: ENVIRONMENTS }));
  const release = await latencies(Math.max(10, times / 10), (index) => ledger.records(Array.from({ length: 100 }, (_, offset) => `PAY-${(index + offset) % TICKETS}`), { repositories: REPOSITORIES, environments: ENVIRONMENTS }));
  const row = (figure: string, measured: { p50: number; p99: number }, target: number): BenchRow => ({
    figure: `ledger ${label}: ${figure}`,
    measured: `p50 ${measured.p50.toFixed(2)} ms, p99 ${measured.p99.toFixed(2)} ms`,
    yardstick: `bare statement p50 ${bare.p50.toFixed(2)} ms`,
    ratio: `${(measured.p50 / bare.p50).toFixed(1)}×`,
    target: `p99 ≤ ${target} ms`,
    ok: measured.p99 <= target ? 'yes' : 'NO',
  });
  return [
    row('record a rejection', write, 20),
    row('record an approval', approve, 20),
    row("read one ticket's records (status)", status, 20),
    row('read 100 tickets\' records (release)', release, 100),
  ];
}

export async function benchLedger(times = 500): Promise<BenchRow[]> {
  const folder = mkdtempSync(path.join(tmpdir(), 'gig-bench-ledger-'));
  const server = await startPostgres();
  try {
    const db = openDatabase(path.join(folder, 'gig.db'));
    db.exec('CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, value TEXT)');
    const scratch = db.prepare('INSERT INTO bench_floor (value) VALUES (?)');
    const sqliteRows = await figures('SQLite', new LedgerStore(db), async () => scratch.run('x'), times);
    db.close();
    const postgres = new PgDatabase(openPool(server.url), { migrate: true });
    const postgresRows = await figures('PostgreSQL', new PgLedger(postgres), () => postgres.query('SELECT 1'), times);
    await postgres.close();
    return [...sqliteRows, ...postgresRows];
  } finally {
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}
