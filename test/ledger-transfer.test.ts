import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gig } from './helpers/cli.js';
import { sharedFailureLoop } from './helpers/failure-loop.js';
import { tempDir } from './helpers/workspace.js';
import { testDatabase } from './support/postgres.js';

// The failure loop: a ledger with rejections, deployments, manual steps and a saved release.
const shared = sharedFailureLoop('gig-ledger-transfer-');
let root: string;
beforeAll(() => {
  root = shared.root;
});

const count = (text: string, table: string): number => text.split('\n').filter((line) => line.startsWith(`{"table":"${table}"`)).length;

describe('gig ledger export and import', () => {
  it('moves every ledger row into a new database, and a second export is the same rows', async () => {
    const { runRelease } = await import('../src/commands/release.js');
    await runRelease(shared.loop.app.context, { id: 'R-MOVE', from: 'qa', to: 'uat', tickets: ['PAY-10', 'PAY-11'] });
    const exported = await gig(root, ['ledger', 'export']);
    expect(exported.code, exported.stderr).toBe(0);
    const header = JSON.parse(exported.stdout.split('\n')[0]!) as { gig: string; rows: Record<string, number> };
    expect(header.gig).toBe('ledger');
    expect(header.rows.rejections).toBeGreaterThan(0);
    expect(header.rows.releases).toBeGreaterThan(0);
    expect(count(exported.stdout, 'rejections')).toBe(header.rows.rejections);

    const target = path.join(tempDir(), 'moved.db');
    const file = path.join(tempDir(), 'ledger.jsonl');
    writeFileSync(file, exported.stdout);
    const imported = await gig(root, ['--db', target, 'ledger', 'import', file]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`imported ${Object.values(header.rows).reduce((sum, n) => sum + n, 0)} ledger rows`);

    const again = await gig(root, ['--db', target, 'ledger', 'export', '--out', path.join(path.dirname(file), 'again.jsonl')]);
    expect(again.code, again.stderr).toBe(0);
    const rowsOf = (text: string): string[] => text.split('\n').slice(1).filter(Boolean);
    expect(rowsOf(readFileSync(path.join(path.dirname(file), 'again.jsonl'), 'utf8'))).toEqual(rowsOf(exported.stdout));
  });

  it('moves a ledger into PostgreSQL and back out of it, row for row, with GIG_DATABASE_URL', async () => {
    const file = path.join(tempDir(), 'ledger.jsonl');
    const exported = await gig(root, ['ledger', 'export', '--out', file]);
    expect(exported.code, exported.stderr).toBe(0);
    const shared = { GIG_DATABASE_URL: await testDatabase('transfer') };
    const imported = await gig(root, ['ledger', 'import', file], shared);
    expect(imported.code, imported.stderr).toBe(0);
    const fromPostgres = await gig(root, ['ledger', 'export'], shared);
    expect(fromPostgres.code, fromPostgres.stderr).toBe(0);
    const rowsOf = (text: string): string[] => text.split('\n').slice(1).filter(Boolean);
    expect(rowsOf(fromPostgres.stdout)).toEqual(rowsOf(readFileSync(file, 'utf8')));
    // Commands now read the shared ledger: the release saved before the move is there.
    const status = await gig(root, ['release', 'R-MOVE', '--json'], shared);
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { release: string }).release).toBe('R-MOVE');
    const twice = await gig(root, ['ledger', 'import', file], shared);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('already holds rows');
  });

  it('refuses to import into a ledger that holds rows, and a file that is not an export', async () => {
    const exported = await gig(root, ['ledger', 'export']);
    const file = path.join(tempDir(), 'ledger.jsonl');
    writeFileSync(file, exported.stdout);
    const twice = await gig(root, ['ledger', 'import', file]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('already holds rows');
    writeFileSync(file, 'not json\n');
    const garbage = await gig(root, ['--db', path.join(tempDir(), 'x.db'), 'ledger', 'import', file]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('Line 1 of the export is not JSON');
  });

  it('keeps the words people wrote exactly, control characters included, and prints them safely', async () => {
    const { runReject } = await import('../src/commands/record.js');
    await runReject(shared.loop.app.context, { ticket: 'PAY-7', stage: 'qa', reason: 'totals\u007f wrong \u202e reversed', by: 'Ben' });
    const exported = await gig(root, ['ledger', 'export']);
    expect(exported.stdout).not.toMatch(/[\u007f\u202e]/);
    const file = path.join(tempDir(), 'ledger.jsonl');
    writeFileSync(file, exported.stdout);
    const target = path.join(tempDir(), 'exact.db');
    expect((await gig(root, ['--db', target, 'ledger', 'import', file])).code).toBe(0);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(target, { readonly: true });
    try {
      expect(db.prepare("SELECT reason FROM rejections WHERE reason LIKE '%reversed'").get()).toEqual({ reason: 'totals\u007f wrong \u202e reversed' });
    } finally {
      db.close();
    }
  });
});
