import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import { gigProgram } from '../global-build.js';
import { runStatus } from '../../src/commands/status.js';
import { generateSyntheticRepository } from '../../src/demo/synthetic.js';
import { openApp } from '../../src/main.js';
import { statusJson } from '../../src/views/status-json.js';
import { envRepository, nov, tempDir, workspace } from '../helpers/workspace.js';

/**
 * Issue #11, "wrong or lost answers": a sync killed at any phase leaves the index as it was, and
 * what it stored without publishing is never seen and is cleaned up by the next sync, whatever the
 * branches did meanwhile. Readers see the index before a sync or after it, never in between.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const GIG = [gigProgram(inject('gigBuild'))];

/** `gig sync` in a process of its own, which a failpoint may kill with SIGKILL. */
function syncProcess(configFile: string, dbFile: string, failpoint?: string): { status: number | null; signal: NodeJS.Signals | null } {
  const result = spawnSync(process.execPath, [...GIG, '--config', configFile, '--db', dbFile, 'sync'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...(failpoint ? { GIG_FAILPOINT: failpoint } : {}) },
    encoding: 'utf8',
  });
  return { status: result.status, signal: result.signal };
}

function unpublishedCommits(dbFile: string): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM commits c WHERE NOT EXISTS (SELECT 1 FROM branch_commits b WHERE b.commit_id = c.id)').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('a sync killed at any phase, then a force-push back', () => {
  for (const failpoint of ['sync:commits-stored', 'sync:before-publish', 'sync:after-publish']) {
    it(`leaves no ghost commits when killed at ${failpoint}`, async () => {
      const root = tempDir();
      const repo = envRepository(root, 'api');
      repo.commit('ABC-1 first', { 'a.java': 'v1\n' }, { date: nov(2) });
      const ws = workspace(root, ['api']);
      expect(syncProcess(ws.configFile, ws.dbFile).status).toBe(0);
      const before = repo.head();

      // 200 files in one commit: the "large change" a ghost would make visible.
      const files = Object.fromEntries(Array.from({ length: 200 }, (_, index) => [`gen/F${index}.java`, `class F${index} {}\n`]));
      repo.commit('ABC-2 generated code', files, { date: nov(3) });
      expect(syncProcess(ws.configFile, ws.dbFile, failpoint).signal).toBe('SIGKILL');

      // The commits never happened as far as the branch is concerned.
      repo.forceBranch('develop', before);
      const app = ws.open();
      await app.context.sync();
      expect((await runStatus(app.context, 'ABC-2')).found).toBe(false);
      expect((await runStatus(app.context, 'ABC-1')).found).toBe(true);
      app.close();
      expect(unpublishedCommits(ws.dbFile)).toBe(0);

      // And the answer equals what a clean index says.
      const clean = workspace(root, ['api']);
      const fresh = openApp({ configFile: clean.configFile, dbFile: path.join(root, 'clean.db') });
      await fresh.context.sync();
      const reopened = ws.open();
      const normalised = (json: unknown): string => JSON.stringify(json).replace(/"asOf":"[^"]+"/g, '');
      expect(normalised(statusJson((await runStatus(reopened.context, 'ABC-1')).evaluation))).toBe(normalised(statusJson((await runStatus(fresh.context, 'ABC-1')).evaluation)));
      fresh.close();
    });
  }

  it('takes over the lease of a sync that was killed, and refuses to run beside a live one', async () => {
    const root = tempDir();
    envRepository(root, 'api').commit('ABC-1 first', { 'a.java': 'v1\n' }, { date: nov(2) });
    const ws = workspace(root, ['api']);
    expect(syncProcess(ws.configFile, ws.dbFile, 'sync:before-publish').signal).toBe('SIGKILL');
    const app = ws.open();
    const result = await app.context.sync();
    expect(result.repositories[0]?.ok).toBe(true);
    // Two syncs at once in one process: the second is refused with its own error code.
    const first = app.context.sync();
    await expect(app.context.sync()).rejects.toMatchObject({ code: 'SYNC_RUNNING' });
    await first;
  });
});

describe('readers during a long sync', () => {
  it('see the index before the sync or after it, never a half-published one', async () => {
    const root = tempDir();
    generateSyntheticRepository(path.join(root, 'repos', 'big'), { commits: 12_000, cuts: { test: 0.9, uat: 0.7, main: 0.5 } });
    const ws = workspace(root, ['big'], 'projects: [ABC]\n');
    const reader = ws.open();
    // ABC-2000 has commits near the end of develop; ABC-10 near the start.
    const observed = new Set<string>();
    const look = async (): Promise<void> => {
      for (const ticket of ['ABC-10', 'ABC-2000']) {
        const repositories = (await runStatus(reader.context, ticket)).evaluation.status.repositories;
        const commits = repositories.flatMap((repository) => repository.commits);
        // A commit the index knows must be on some branch: "on no branch" is a half-published state.
        expect(commits.filter((commit) => Object.values(commit.presence).every((presence) => presence === 'absent'))).toEqual([]);
        observed.add(`${ticket}:${commits.length}`);
      }
    };
    const child = spawn(process.execPath, [...GIG, '--config', ws.configFile, '--db', ws.dbFile, 'sync'], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let running = true;
    void exited.then(() => (running = false));
    while (running) {
      await look();
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(await exited).toBe(0);
    await look();
    // Each ticket was seen with no commits (before) or all of them (after), nothing in between.
    for (const ticket of ['ABC-10', 'ABC-2000']) {
      const counts = [...observed].filter((entry) => entry.startsWith(`${ticket}:`)).map((entry) => Number(entry.split(':')[1]));
      expect(counts.filter((count) => count !== 0 && count !== Math.max(...counts))).toEqual([]);
    }
  }, 60_000);
});

