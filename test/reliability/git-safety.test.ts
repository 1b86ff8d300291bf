import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as RunnerModule from '../../src/sources/git/runner.js';
import { createGitRunner } from '../../src/sources/git/runner.js';
import { envRepository, nov, tempDir, workspace, type GitBuilder } from '../helpers/workspace.js';

const { REMOTE_TIMEOUT_MS } = vi.hoisted(() => ({ REMOTE_TIMEOUT_MS: 2_000 }));

// openApp builds its own runner; this gives it a short time limit for remote operations.
vi.mock('../../src/sources/git/runner.js', async (importOriginal) => {
  const runner = await importOriginal<typeof RunnerModule>();
  return { ...runner, createGitRunner: (gitBinary?: string) => runner.createGitRunner(gitBinary, { remoteTimeoutMs: REMOTE_TIMEOUT_MS }) };
});

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
const HOOKS = ['reference-transaction', 'pre-auto-gc', 'post-checkout', 'post-merge', 'post-rewrite', 'pre-commit', 'post-commit', 'post-index-change'];

/** A program that records each run: what a hostile repository would have git execute. */
function payload(root: string): { script: string; marker: string } {
  const marker = path.join(root, 'payload-ran');
  const script = path.join(root, 'payload.sh');
  // It prints its first argument's file, so it also works as a textconv filter.
  writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> '${marker}'\ncat "$1" 2>/dev/null\nexit 0\n`, { mode: 0o755 });
  return { script, marker };
}

function gitConfig(dir: string, key: string, value: string): void {
  execFileSync('git', ['config', key, value], { cwd: dir, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
}

/**
 * A first sync, a commit, then an incremental sync (which is when `git diff-tree` runs): every kind
 * of git call gig makes on a repository. Setting the repository up runs the payload (git commit
 * honours the same configuration), so its marker is cleared before each sync.
 */
async function syncBeforeAndAfterACommit(root: string, repo: GitBuilder, marker: string, change: Record<string, string>): Promise<void> {
  const app = workspace(root, ['orders']).open();
  rmSync(marker, { force: true });
  const first = await app.context.sync();
  expect(first.repositories.map((result) => result.error?.message ?? 'ok')).toEqual(['ok']);
  expect(existsSync(marker)).toBe(false);
  repo.commit('ABC-2 second', change, { date: nov(3) });
  rmSync(marker, { force: true });
  const second = await app.context.sync();
  expect(second.repositories[0]).toMatchObject({ ok: true, newCommits: 1 });
  expect(existsSync(marker)).toBe(false);
}

/** The command lines of running processes (not zombies) that contain `text`. */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (commandLine.includes(text)) found.push(`${entry}: ${commandLine}`);
    } catch {
      // The process ended while being read.
    }
  }
  return found;
}

async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.runIf(existsSync('/proc/self/cmdline'))('git safety', () => {
  describe('a repository cannot make gig run a program', () => {
    it.each([
      ['directly', (dir: string, script: string) => gitConfig(dir, 'core.fsmonitor', script)],
      [
        'through include.path',
        (dir: string, script: string) => {
          writeFileSync(path.join(dir, 'included.cfg'), `[core]\n\tfsmonitor = ${script}\n`);
          gitConfig(dir, 'include.path', path.join(dir, 'included.cfg'));
        },
      ],
      [
        'through includeIf',
        (dir: string, script: string) => {
          writeFileSync(path.join(dir, 'included.cfg'), `[core]\n\tfsmonitor = ${script}\n`);
          gitConfig(dir, `includeIf.gitdir:${dir}/.git.path`, path.join(dir, 'included.cfg'));
        },
      ],
    ])('ignores core.fsmonitor set %s', async (_how, configure) => {
      const root = tempDir();
      const { script, marker } = payload(root);
      const repo = envRepository(root, 'orders');
      repo.commit('ABC-1 first', { 'a.java': 'v1\n' }, { date: nov(2) });
      configure(repo.dir, script);
      await syncBeforeAndAfterACommit(root, repo, marker, { 'a.java': 'v2\n' });
    });

    it('runs no hook, in a working clone or in a mirror it fetches', async () => {
      const root = tempDir();
      const { script, marker } = payload(root);
      const hooks = path.join(root, 'hooks');
      mkdirSync(hooks);
      for (const hook of HOOKS) writeFileSync(path.join(hooks, hook), readFileSync(script), { mode: 0o755 });
      const repo = envRepository(root, 'orders');
      repo.commit('ABC-1 first', { 'a.java': 'v1\n' }, { date: nov(2) });
      gitConfig(repo.dir, 'core.hooksPath', hooks);
      const ws = workspace(root, ['orders']);
      appendFileSync(ws.configFile, '  - { name: mirrored, url: ./repos/orders }\n');
      const app = ws.open();
      rmSync(marker, { force: true });
      await app.context.sync();
      expect(existsSync(marker)).toBe(false);
      // A fetch into the mirror runs the reference-transaction hook, which gig's mirror now has.
      gitConfig(path.join(root, '.gig', 'mirrors', 'mirrored.git'), 'core.hooksPath', hooks);
      repo.commit('ABC-2 second', { 'a.java': 'v2\n' }, { date: nov(3) });
      rmSync(marker, { force: true });
      const second = await app.context.sync();
      expect(second.repositories.map((result) => [result.repository, result.ok, result.newCommits])).toEqual([
        ['orders', true, 1],
        ['mirrored', true, 1],
      ]);
      expect(existsSync(marker)).toBe(false);
    });

    it('runs no external diff, diff driver or textconv filter', async () => {
      const root = tempDir();
      const { script, marker } = payload(root);
      const repo = envRepository(root, 'orders');
      repo.commit('ABC-1 first', { '.gitattributes': '*.txt diff=evil\n', 'a.txt': 'v1\n' }, { date: nov(2) });
      gitConfig(repo.dir, 'diff.external', script);
      gitConfig(repo.dir, 'diff.evil.textconv', script);
      gitConfig(repo.dir, 'diff.evil.command', script);
      await syncBeforeAndAfterACommit(root, repo, marker, { 'a.txt': 'v2\n' });
    });

    it('does not fetch the missing objects of a partial clone through a remote the clone configures', async () => {
      const root = tempDir();
      const { script, marker } = payload(root);
      const upstream = envRepository(root, 'upstream');
      upstream.commit('ABC-1 first', { 'a.java': 'v1\n' }, { date: nov(2) });
      upstream.commit('ABC-1 second', { 'a.java': 'v2\n' }, { date: nov(3) });
      gitConfig(upstream.dir, 'uploadpack.allowFilter', 'true');
      execFileSync('git', ['clone', '--quiet', '--filter=blob:none', pathToFileURL(upstream.dir).href, path.join(root, 'repos', 'orders')]);
      gitConfig(path.join(root, 'repos', 'orders'), 'remote.origin.uploadpack', script);
      const app = workspace(root, ['orders']).open();
      const result = await app.context.sync();
      expect(existsSync(marker)).toBe(false);
      // Reading it would need the network, which local reads never use: gig says so.
      expect(result.repositories[0]?.ok).toBe(false);
      expect(result.repositories[0]?.error?.hint).toContain('partial clone');
    });

    it('reads the configured repository even when started from a git hook (GIT_DIR, GIT_INDEX_FILE set)', async () => {
      const root = tempDir();
      const repo = envRepository(root, 'orders');
      repo.commit('ABC-1 first', { 'a.java': 'v1\n' }, { date: nov(2) });
      vi.stubEnv('GIT_DIR', path.join(root, 'elsewhere'));
      vi.stubEnv('GIT_INDEX_FILE', path.join(root, 'elsewhere', 'index'));
      try {
        const result = await workspace(root, ['orders']).open().context.sync();
        expect(result.repositories[0]).toMatchObject({ ok: true, newCommits: 2 });
      } finally {
        vi.unstubAllEnvs();
      }
    });
  });

  describe('a remote that never answers', () => {
    const servers: Server[] = [];
    const sockets: Socket[] = [];
    afterEach(async () => {
      for (const socket of sockets.splice(0)) socket.destroy();
      await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
    });

    /** A TCP server that accepts connections and stays silent: a black-holing firewall or proxy. */
    async function silentServer(): Promise<number> {
      const server = createServer((socket) => {
        socket.on('error', () => undefined);
        sockets.push(socket);
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as { port: number }).port;
    }

    it('fails that repository within the time limit, syncs the others, and leaves no git running', async () => {
      const root = tempDir();
      envRepository(root, 'orders').commit('ABC-1 first', { 'a.java': 'v1\n' }, { date: nov(2) });
      const gitPort = await silentServer();
      const httpsPort = await silentServer();
      const ws = workspace(root, ['orders']);
      appendFileSync(
        ws.configFile,
        `  - { name: silent-git, url: "git://127.0.0.1:${gitPort}/x.git" }\n  - { name: silent-https, url: "https://gig:s3cret-token@127.0.0.1:${httpsPort}/x.git" }\n`,
      );
      const started = Date.now();
      const result = await ws.open().context.sync();
      const elapsed = Date.now() - started;

      expect(result.repositories.map((repository) => [repository.repository, repository.ok])).toEqual([
        ['orders', true],
        ['silent-git', false],
        ['silent-https', false],
      ]);
      const [, silentGit, silentHttps] = result.repositories;
      expect(silentGit?.error).toMatchObject({ code: 'UPSTREAM', message: `git clone of git://127.0.0.1:${gitPort}/x.git did not finish within 2 s; gig stopped it.` });
      expect(silentGit?.error?.hint).toContain('git ls-remote');
      expect(silentHttps?.error?.message).toBe(`git clone of https://127.0.0.1:${httpsPort}/x.git did not finish within 2 s; gig stopped it.`);
      expect(JSON.stringify(silentHttps?.error) + String(silentHttps?.error?.hint)).not.toContain('s3cret');
      // Each silent remote is given its whole time limit (the two are asked at the same time).
      expect(elapsed).toBeGreaterThanOrEqual(REMOTE_TIMEOUT_MS);
      expect(elapsed).toBeLessThan(2 * REMOTE_TIMEOUT_MS + 5_000);
      // git clone removes its half-made mirror when asked to stop, so the next sync starts clean.
      expect(existsSync(path.join(root, '.gig', 'mirrors', 'silent-git.git'))).toBe(false);
      expect([...processesMentioning(`127.0.0.1:${gitPort}`), ...processesMentioning(`127.0.0.1:${httpsPort}`)]).toEqual([]);
    });
  });

  describe('git is stopped with everything it started', () => {
    /** A git alias that starts a shell and a long sleep, found again by its unique length; `yes` adds endless output. */
    function endlessGit(output: 'endless output' | 'no output'): { args: string[]; sleep: string } {
      const sleep = `sleep ${(600 + Math.random() * 100).toFixed(3)}`;
      return { args: ['-c', `alias.endless=!${sleep} & ${output === 'endless output' ? 'yes' : 'wait'}`, 'endless'], sleep };
    }

    it('when the consumer of its output throws', async () => {
      const { args, sleep } = endlessGit('endless output');
      await expect(
        createGitRunner().stream(tempDir(), args, () => {
          throw new Error('database is full');
        }),
      ).rejects.toThrow('database is full');
      expect(processesMentioning(sleep)).toEqual([]);
    });

    // Retried: under a fully loaded suite the child's signal handling was once seen to lag past the
    // wait below; alone and under artificial load it passes every time (an open question, not hidden).
    it.each(['a normal exit', 'Ctrl-C'])('when gig ends with %s', { retry: 2 }, async (ending) => {
      const { args, sleep } = endlessGit('no output');
      const script = path.join(tempDir(), 'gig-like.ts');
      const runner = pathToFileURL(path.join(PROJECT_ROOT, 'src', 'sources', 'git', 'runner.ts')).href;
      writeFileSync(
        script,
        `import { createGitRunner } from '${runner}';\n` +
          `void createGitRunner().run(process.cwd(), ${JSON.stringify(args)}).catch(() => undefined);\n` +
          `process.stdin.once('data', () => process.exit(0));\n`,
      );
      const gig = spawn(process.execPath, ['--import', 'tsx', script], { cwd: PROJECT_ROOT, stdio: ['pipe', 'ignore', 'inherit'] });
      const ended = new Promise<NodeJS.Signals | number | null>((resolve) => gig.once('exit', (code, signal) => resolve(signal ?? code)));
      try {
        await eventually(() => processesMentioning(sleep).length > 0, 10_000);
        if (ending === 'Ctrl-C') gig.kill('SIGINT');
        else gig.stdin.write('exit\n');
        expect(await ended).toBe(ending === 'Ctrl-C' ? 'SIGINT' : 0);
        // The group gets SIGTERM, then SIGKILL two seconds later: on a loaded machine that takes a moment.
        await eventually(() => processesMentioning(sleep).length === 0, 5_000).catch(() => undefined);
        expect(processesMentioning(sleep)).toEqual([]);
      } finally {
        if (gig.exitCode === null && gig.signalCode === null) gig.kill('SIGKILL');
      }
    });
  });
});
