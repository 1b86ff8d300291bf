import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStatus } from '../src/commands/status.js';
import { unquotePath } from '../src/sources/git/log-parser.js';
import { GitRepository, resolveBranch } from '../src/sources/git/repository.js';
import { createGitRunner } from '../src/sources/git/runner.js';
import { envRepository, nov, tempDir, workspace } from './helpers/workspace.js';

describe('the git source', () => {
  it('keeps unusual file names intact through git quoting', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'orders');
    const names = ['db/café V42.sql', 'config/"quoted".yml', 'tab\there.txt', 'back\\slash.txt'];
    repo.commit('ABC-1 odd names', Object.fromEntries(names.map((name) => [name, 'x\n'])), { date: nov(2) });
    const app = workspace(root, ['orders']).open();
    await app.context.sync();
    expect((await runStatus(app.context, "ABC-1")).evaluation.status.repositories[0]?.commits[0]?.files).toEqual([...names].sort());
  });

  it('undoes C-style quoting, octal UTF-8 bytes included', () => {
    expect(unquotePath('"caf\\303\\251 \\"x\\"\\t.sql"')).toBe('café "x"\t.sql');
    expect(unquotePath('plain/path.sql')).toBe('plain/path.sql');
  });

  it('prefers origin\'s branch in a working clone, and falls back to the local one', () => {
    const refs = new Map([
      ['refs/heads/develop', 'a'.repeat(40)],
      ['refs/remotes/origin/develop', 'b'.repeat(40)],
      ['refs/heads/test', 'c'.repeat(40)],
    ]);
    expect(resolveBranch(refs, 'develop')).toEqual({ ref: 'refs/remotes/origin/develop', sha: 'b'.repeat(40) });
    expect(resolveBranch(refs, 'test')).toEqual({ ref: 'refs/heads/test', sha: 'c'.repeat(40) });
    expect(resolveBranch(refs, 'uat')).toBeNull();
  });

  it('stops git and reports the error when the consumer of a stream fails', async () => {
    const root = tempDir();
    const repo = envRepository(root, 'orders');
    const git = createGitRunner();
    const source = await GitRepository.open(git, repo.dir);
    const tip = repo.head();
    await expect(
      source.log([tip], [], () => {
        throw new Error('database is full');
      }),
    ).rejects.toThrow('database is full');
  });

  it('refuses a path that is not a git repository with a hint', async () => {
    const dir = tempDir();
    // The first command run in it tells: no extra process to check up front.
    const repo = await GitRepository.open(createGitRunner(), dir);
    await expect(repo.refs()).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('is not a git repository') });
    await expect(GitRepository.open(createGitRunner(), path.join(dir, 'nope'))).rejects.toMatchObject({ message: expect.stringContaining('does not exist') });
  });

  it('refuses a configured branch name git would not accept', async () => {
    const root = tempDir();
    envRepository(root, 'orders');
    const ws = workspace(root, ['orders']);
    const { writeFileSync, readFileSync } = await import('node:fs');
    writeFileSync(ws.configFile, readFileSync(ws.configFile, 'utf8').replace('branch: uat', 'branch: "uat..x"'));
    const result = await ws.open().context.sync();
    expect(result.repositories[0]).toMatchObject({ ok: false });
    expect(result.repositories[0]?.error?.message).toContain('"uat..x" (environment uat) is not a valid branch name');
  });
});
