import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../src/commands/doctor.js';
import { doctorProbes } from '../src/cli/doctor-probes.js';
import { openApp } from '../src/main.js';
import { testDatabase } from './support/postgres.js';

const root = mkdtempSync(path.join(tmpdir(), 'gig-ledger-doctor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const configFile = path.join(root, 'gig.config.yaml');
writeFileSync(configFile, 'environments:\n  - { name: dev, branch: develop }\nrepositories:\n  - { name: api, path: ./api }\n');

/** The ledger line of `gig doctor` for a gig whose ledger is at `url` (none: the SQLite file). */
async function ledgerCheck(url?: string) {
  const app = openApp({ configFile, dbFile: path.join(root, `${Math.random()}.db`), env: url ? { GIG_DATABASE_URL: url } : {} });
  try {
    return (await runDoctor(app.context, doctorProbes(app))).find((check) => check.area === 'ledger');
  } finally {
    app.close();
  }
}

describe('gig doctor and the ledger', () => {
  it('names the SQLite file when the ledger is there', async () => {
    expect(await ledgerCheck()).toMatchObject({ ok: true, detail: expect.stringMatching(/^in the SQLite file .*\.db$/) });
  });

  it('checks the PostgreSQL connection, the schema version and what the role may do, never showing the password', async () => {
    const url = await testDatabase('doctor');
    const check = await ledgerCheck(url);
    expect(check).toMatchObject({ ok: true, detail: expect.stringMatching(/^PostgreSQL \d+\.\d+.* at postgres:\/\/.*:\*\*\*@127\.0\.0\.1:\d+\/doctor_\w+, schema (\d+) of \1$/) });
    expect(check!.detail).not.toContain(new URL(url).password);

    // A role that may only read: doctor lists what it lacks and how to fix it.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query("CREATE ROLE gig_reader LOGIN PASSWORD 'reader-secret'");
    await admin.query('GRANT SELECT ON ALL TABLES IN SCHEMA public TO gig_reader');
    await admin.end();
    const reader = new URL(url);
    reader.username = 'gig_reader';
    reader.password = 'reader-secret';
    const refused = await ledgerCheck(reader.toString());
    expect(refused, JSON.stringify(refused)).toMatchObject({ ok: false, fix: expect.stringMatching(/GRANT/) });
    expect(refused!.detail).toMatch(/the role may not: releases: INSERT, releases: UPDATE, approvals: INSERT/);
  });

  it('says which server cannot be reached, and the fix', async () => {
    const check = await ledgerCheck('postgres://gig:hunter2@127.0.0.1:1/gig');
    expect(check).toMatchObject({ ok: false, detail: expect.stringMatching(/^The PostgreSQL ledger at postgres:\/\/gig:\*\*\*@127\.0\.0\.1:1\/gig cannot be reached/), fix: expect.stringMatching(/GIG_DATABASE_URL/) });
    expect(JSON.stringify(check)).not.toContain('hunter2');
  });
});
