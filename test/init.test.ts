import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gig } from './helpers/cli.js';
import { GitBuilder, nov, tempDir } from './helpers/workspace.js';

/** A repository with the team's usual branches and a few ticketed commits on develop. */
function teamRepository(dir: string, options: { dev?: string; tickets?: string[] } = {}): GitBuilder {
  const repo = GitBuilder.init(dir, 'main');
  repo.commit('Initial commit', { 'README.md': 'hello\n' }, { date: nov(1, 8) });
  for (const branch of [options.dev ?? 'develop', 'test', 'uat']) repo.branch(branch);
  repo.checkout(options.dev ?? 'develop');
  (options.tickets ?? ['ABC-101', 'ABC-102', 'ABC-103']).forEach((ticket, index) => {
    repo.commit(`${ticket} Change ${index}`, { [`src/${index}.ts`]: `${ticket}\n` }, { date: nov(2, 9 + index) });
  });
  return repo;
}

describe('gig init looks at the repositories it is run in (issue #14)', () => {
  it('in a repository: proposes its branches and ticket keys, and the next commands work as printed', async () => {
    const dir = path.join(tempDir(), 'orders-service');
    teamRepository(dir, { tickets: ['ABC-101', 'ABC-102', 'UTF-8 fixes', 'ABC-103'] });
    const init = await gig(dir, ['init']);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('1 repository; environments dev (develop), qa (test), uat (uat), prod (main); projects ABC');
    expect(init.stdout).toContain('add .gig/ to .gitignore');
    expect(init.stdout).toContain('next: gig sync && gig status ABC-103');
    const config = parse(readFileSync(path.join(dir, 'gig.config.yaml'), 'utf8')) as Record<string, unknown>;
    expect(config).toEqual({
      projects: ['ABC'],
      environments: [
        { name: 'dev', branch: 'develop' },
        { name: 'qa', branch: 'test' },
        { name: 'uat', branch: 'uat' },
        { name: 'prod', branch: 'main' },
      ],
      repositories: [{ name: 'orders-service', path: '.' }],
    });
    expect((await gig(dir, ['sync'])).code).toBe(0);
    const status = await gig(dir, ['status', 'ABC-103']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('orders-service');
  });

  it('in a folder of three: finds each, overrides the branch a repository names differently, marks what one lacks', async () => {
    const root = tempDir();
    teamRepository(path.join(root, 'orders'), { tickets: ['ABC-1', 'ABC-2'] });
    teamRepository(path.join(root, 'billing'), { tickets: ['PAY-7', 'PAY-8', 'ABC-3'] });
    teamRepository(path.join(root, 'web'), { dev: 'dev', tickets: ['ABC-4'] });
    const init = await gig(root, ['init']);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('3 repositories');
    const text = readFileSync(path.join(root, 'gig.config.yaml'), 'utf8');
    const config = parse(text) as { projects: string[]; repositories: unknown[] };
    expect(config.projects).toEqual(['ABC', 'PAY']);
    expect(config.repositories).toEqual([
      { name: 'billing', path: 'billing' },
      { name: 'orders', path: 'orders' },
      { name: 'web', path: 'web', branches: { dev: 'dev' } },
    ]);
    expect(text).toContain('# Ticket prefixes, by the commits of the recent history that name them (ABC 4, PAY 2).');
    const sync = await gig(root, ['sync', '--json']);
    expect(sync.code).toBe(0);
    expect((JSON.parse(sync.stdout) as { repositories: Array<{ ok: boolean }> }).repositories.every((repo) => repo.ok)).toBe(true);
  });

  it('writes paths from where the configuration lives, and takes projects and environments from flags', async () => {
    const root = tempDir();
    teamRepository(path.join(root, 'src', 'orders'));
    const init = await gig(root, ['--config', 'ops/gig.yaml', 'init', 'src', '--projects', 'abc,ops', '--env', 'test=test', '--env', 'live=main']);
    expect(init.code).toBe(0);
    const config = parse(readFileSync(path.join(root, 'ops', 'gig.yaml'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      projects: ['ABC', 'OPS'],
      environments: [{ name: 'test', branch: 'test' }, { name: 'live', branch: 'main' }],
      repositories: [{ name: 'orders', path: '../src/orders' }],
    });
  });

  it('will not overwrite a configuration unless told to, and --print writes nothing', async () => {
    const dir = path.join(tempDir(), 'orders');
    teamRepository(dir);
    expect((await gig(dir, ['init'])).code).toBe(0);
    const again = await gig(dir, ['init']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    expect((await gig(dir, ['init', '--yes'])).code).toBe(0);
    const printed = await gig(dir, ['init', '--print', '--projects', 'XYZ']);
    expect(printed.stdout).toContain('projects: [XYZ]');
    expect(readFileSync(path.join(dir, 'gig.config.yaml'), 'utf8')).toContain('projects: [ABC]');
  });

  it('refuses malformed flags with the fix', async () => {
    const dir = path.join(tempDir(), 'orders');
    teamRepository(dir);
    const env = await gig(dir, ['init', '--env', 'qa']);
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('--env qa=test');
    expect((await gig(dir, ['init', '--projects', 'A-1'])).code).toBe(2);
  });

  it('with no repository in sight, writes the commented starter and says what to fill in', async () => {
    const dir = tempDir();
    const init = await gig(dir, ['init']);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('found no git repository in');
    expect(readFileSync(path.join(dir, 'gig.config.yaml'), 'utf8')).toContain('environments:');
  });
});
