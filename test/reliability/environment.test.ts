import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { gig } from '../helpers/cli.js';
import { envRepository, nov, tempDir, workspace } from '../helpers/workspace.js';

/**
 * Issue #11, "errors that mislead": problems of the machine gig runs on are told as what they are,
 * with their own code, an exit code of 2 (fix the command or configuration) or 6 (the database),
 * and what to check — never "an unexpected problem… report it". A database that is not gig's is
 * left exactly as it was.
 */

async function errorOf(cwd: string, args: string[]): Promise<{ exit: number; code: string; message: string }> {
  const run = await gig(cwd, [...args, '--json']);
  const error = (JSON.parse(run.stdout) as { error: { code: string; message: string } }).error;
  return { exit: run.code, code: error.code, message: error.message };
}

function synced(): { root: string; configFile: string; dbFile: string } {
  const root = tempDir();
  envRepository(root, 'api').commit('ABC-1 work', { 'a.java': 'v1\n' }, { date: nov(2) });
  const ws = workspace(root, ['api']);
  return { root, configFile: ws.configFile, dbFile: ws.dbFile };
}

describe('configuration files', () => {
  it('a configuration that is a folder', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'gig.config.yaml'));
    expect(await errorOf(root, ['status', 'ABC-1'])).toMatchObject({ exit: 2, code: 'CONFIG_INVALID', message: expect.stringContaining('it is a folder') });
  });

  it.skipIf(process.getuid?.() === 0)('a configuration this user may not read', async () => {
    const { root, configFile } = synced();
    const { chmodSync } = await import('node:fs');
    chmodSync(configFile, 0o000);
    expect(await errorOf(root, ['status', 'ABC-1'])).toMatchObject({ exit: 2, code: 'CONFIG_INVALID' });
  });

  it('a YAML alias bomb', async () => {
    const root = tempDir();
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, index) => `${String.fromCharCode(98 + index)}: &${String.fromCharCode(98 + index)} [*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)}]`)];
    writeFileSync(path.join(root, 'gig.config.yaml'), `${bomb.join('\n')}\n`);
    expect(await errorOf(root, ['status', 'ABC-1'])).toMatchObject({ exit: 2, code: 'CONFIG_INVALID' });
  });

  it('a sync cron that is not one', async () => {
    const root = tempDir();
    workspace(root, ['api'], 'sync: { cron: "every five minutes" }\n');
    expect(await errorOf(root, ['status', 'ABC-1'])).toMatchObject({ exit: 2, code: 'CONFIG_INVALID', message: expect.stringContaining('sync.cron: is not a cron expression') });
  });
});

describe('files named on the command line', () => {
  it('a --tickets-file that is a folder', async () => {
    const { root } = synced();
    mkdirSync(path.join(root, 'tickets'));
    expect(await errorOf(root, ['release', 'R1', '--from', 'dev', '--to', 'qa', '--tickets-file', 'tickets'])).toMatchObject({ exit: 2, code: 'FILE_UNAVAILABLE' });
  });

  it('an --out into a folder that does not exist', async () => {
    const { root } = synced();
    await gig(root, ['sync']);
    expect(await errorOf(root, ['release', 'R1', '--from', 'dev', '--to', 'qa', '--tickets', 'ABC-1', '--format', 'md', '--out', 'missing/packet.md'])).toMatchObject({ exit: 2, code: 'FILE_UNAVAILABLE', message: expect.stringContaining('does not exist') });
  });
});

describe('the database', () => {
  it('a --db whose folder is a file', async () => {
    const { root } = synced();
    writeFileSync(path.join(root, 'plain-file'), 'x');
    expect(await errorOf(root, ['--db', 'plain-file/gig.db', 'status', 'ABC-1'])).toMatchObject({ exit: 6, code: 'STORE_UNAVAILABLE' });
  });

  it('a --db where nothing may be written', async () => {
    const { root } = synced();
    expect(await errorOf(root, ['--db', '/proc/gig-test.db', 'status', 'ABC-1'])).toMatchObject({ exit: 6, code: 'STORE_UNAVAILABLE' });
  });

  it('a database missing one of its tables', async () => {
    const { root, dbFile } = synced();
    await gig(root, ['sync']);
    const db = new Database(dbFile);
    db.exec('DROP TABLE tickets');
    db.close();
    expect(await errorOf(root, ['status', 'ABC-1'])).toMatchObject({ exit: 6, code: 'STORE_CORRUPT' });
  });

  it('a database another process keeps locked', async () => {
    const { root, dbFile } = synced();
    await gig(root, ['sync']);
    const holder = new Database(dbFile);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      expect(await errorOf(root, ['reject', 'ABC-1', '--stage', 'qa', '--reason', 'locked out'])).toMatchObject({ exit: 6, code: 'STORE_UNAVAILABLE', message: expect.stringContaining('locked') });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  }, 20_000);

  it('another program’s SQLite file is refused and left byte for byte as it was', async () => {
    const { root } = synced();
    const other = path.join(root, 'photos.sqlite');
    const db = new Database(other);
    db.exec("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES ('cat.jpg')");
    db.close();
    const before = readFileSync(other);
    expect(await errorOf(root, ['--db', 'photos.sqlite', 'status', 'ABC-1'])).toMatchObject({ exit: 6, code: 'STORE_FOREIGN' });
    expect(readFileSync(other).equals(before)).toBe(true);
    const check = new Database(other, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });
});
