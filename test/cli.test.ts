import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gig } from './helpers/cli.js';
import { expectGolden } from './helpers/golden.js';
import { normalise, tempDir } from './helpers/workspace.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll } from 'vitest';

// One demo workspace for the whole file: building it is the slow part, and every test only reads it.
let root: string;
let demoOutput: Awaited<ReturnType<typeof gig>>;
const demoArgs = ['--config', 'gig-demo/gig.config.yaml', '--db', 'gig-demo/.gig/gig.db'];

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'gig-cli-'));
  demoOutput = await gig(root, ['demo']);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('gig demo', () => {
  it('builds the workspace, indexes it and shows what to try next', () => {
    expect(demoOutput.code).toBe(0);
    expect(existsSync(path.join(root, 'gig-demo', 'repos', 'mendix-app', '.git'))).toBe(true);
    expectGolden('demo.txt', normalise(demoOutput.stdout));
  });

  it('builds again over an earlier demo, but never over another folder', async () => {
    const other = tempDir();
    writeFileSync(path.join(other, 'precious.txt'), 'keep me');
    const refused = await gig(path.dirname(other), ['demo', '--dir', path.basename(other)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not a gig demo workspace');
    expect(readFileSync(path.join(other, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});

describe('gig status', () => {
  it('prints the change set per repository as a compact table', async () => {
    const run = await gig(root, [...demoArgs, 'status', 'ABC-101']);
    expect(run.code).toBe(0);
    expectGolden('status-ABC-101.txt', normalise(run.stdout));
  });

  it('follows the JSON contract with --json', async () => {
    const run = await gig(root, ['status', 'abc-101', '--json', ...demoArgs]);
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as { ticket: string; repositories: Array<{ name: string; environments: Array<{ state: string }> }> };
    expect(body.ticket).toBe('ABC-101');
    expect(body.repositories.map((repo) => [repo.name, repo.environments.map((env) => env.state)])).toEqual([
      ['orders-service', ['complete', 'complete', 'partial', 'absent']],
      ['db-scripts', ['complete', 'complete', 'absent', 'absent']],
      ['web-ui', ['complete', 'absent', 'absent', 'absent']],
    ]);
    expectGolden('status-ABC-101.json', normalise(run.stdout));
  });

  it('reads the config and database from GIG_CONFIG and GIG_DB', async () => {
    const run = await gig(root, ['status', 'ABC-103'], { GIG_CONFIG: 'gig-demo/gig.config.yaml', GIG_DB: 'gig-demo/.gig/gig.db' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('mendix-app');
  });

  it('exits 3 for a ticket no commit names, with an empty repository list under --json', async () => {
    const human = await gig(root, [...demoArgs, 'status', 'ABC-999']);
    expect(human.code).toBe(3);
    expect(human.stdout).toContain('ABC-999 is not named by any commit in 4 repositories');
    const json = await gig(root, [...demoArgs, 'status', 'ABC-999', '--json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ ticket: 'ABC-999', repositories: [] });
  });

  it('exits 2 for a malformed id or one outside the configured projects', async () => {
    const malformed = await gig(root, [...demoArgs, 'status', 'ABC123']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('"ABC123" is not a ticket id');
    const outside = await gig(root, [...demoArgs, 'status', 'UTF-8', '--json']);
    expect(outside.code).toBe(2);
    expect(JSON.parse(outside.stdout)).toMatchObject({ error: { code: 'TICKET_INVALID' } });
  });

  it('exits 2 when the configuration is missing or wrong, saying how to fix it', async () => {
    const dir = tempDir();
    const missing = await gig(dir, ['status', 'ABC-1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No configuration at');
    expect(missing.stderr).toContain('gig init');
    writeFileSync(path.join(dir, 'gig.config.yaml'), 'environments: []\nrepositories: []\n');
    const wrong = await gig(dir, ['status', 'ABC-1']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('environments: must list at least one environment');
    expect(wrong.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await gig(root, ['stauts', 'ABC-1'])).code).toBe(2);
    expect((await gig(root, ['status', 'ABC-1', '--bogus'])).code).toBe(2);
  });
});

describe('gig sync and init', () => {
  it('prints a one-line summary when not on a terminal', async () => {
    const run = await gig(root, [...demoArgs, 'sync']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^synced 4 repositories, 0 new commits, 0 with branches that moved, \d+ git processes, [\d.]+ s\n$/);
  });

  it('with no repository in sight, writes a starter configuration that gig can read, and will not overwrite it', async () => {
    const dir = tempDir();
    expect((await gig(dir, ['init'])).code).toBe(0);
    expect((await gig(dir, ['init'])).code).toBe(2);
    const sync = await gig(dir, ['sync', '--json']);
    // The template points at a repository that does not exist here: the sync says so per repository.
    expect(sync.code).toBe(5);
    expect(JSON.parse(sync.stdout)).toMatchObject({ repositories: [{ name: 'my-service', ok: false }] });
  });
});

describe('the gig program', () => {
  it('prints the help of gig and of every verb as it always has', async () => {
    for (const verb of ['', 'init', 'sync', 'status', 'check', 'reject', 'deployed', 'manual', 'release', 'doctor', 'digest', 'digest list', 'digest run', 'serve', 'demo']) {
      const run = await gig(root, [...verb.split(' ').filter(Boolean), '--help']);
      expect(run.code, verb).toBe(0);
      expectGolden(`help/${verb === '' ? 'gig' : verb.replace(' ', '-')}.txt`, run.stdout);
    }
  });

  it('shows on a terminal which repository, which phase and how far, for one repository too', async () => {
    const { syncProgressDisplay } = await import('../src/cli/progress.js');
    let written = '';
    const display = syncProgressDisplay({
      cwd: root,
      env: {},
      stdout: { write: () => true },
      stderr: { write: (text: string) => (written += text), isTTY: true, columns: 120 },
    });
    display.onProgress?.({ kind: 'repository', repository: 'orders-service', index: 0, total: 1 });
    display.onProgress?.({ kind: 'commits', repository: 'orders-service', commits: 12000, total: 24070 });
    expect(written).toContain('orders-service · reading commits');
    expect(written).toContain('12,000/24,070');
    display.onProgress?.({ kind: 'patches', repository: 'orders-service', done: 2000, total: 7305 });
    expect(written).toContain('reading patches');
    expect(written).toContain('2,000/7,305');
    display.onProgress?.({ kind: 'publishing' });
    expect(written).toContain('publishing the new index');
    display.stop();
  });

  it('runs as a process and exits with the command\'s code', async () => {
    const { spawnSync } = await import('node:child_process');
    const entry = path.resolve(import.meta.dirname, '..', 'src', 'cli', 'gig.ts');
    const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), entry, ...demoArgs, 'status', 'ABC-999'], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(3);
    expect(run.stdout).toContain('ABC-999 is not named by any commit');
  });
});
