import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callerDirectory } from '../src/cli/io.js';

/**
 * gig as a command on the PATH (issue #14): the package, built as `npm ci` builds it, is installed
 * with `npm install -g` into a folder of its own (npm links a local folder, as `npm link` does),
 * and run from somewhere else entirely, as a user would run it.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let work: string;
let pkg: string;
let bin: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'gig-install-'));
  // The package as npm ci leaves it: package.json, and dist/ built (this run's build, test/global-build.ts).
  pkg = mkdtempSync(path.join(tmpdir(), 'gig-install-pkg-'));
  copyFileSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
  symlinkSync(inject('gigBuild'), path.join(pkg, 'dist'));
  const prefix = path.join(work, 'global');
  const installed = spawnSync('npm', ['install', '--global', '--prefix', prefix, '--offline', '--ignore-scripts', '--no-audit', '--no-fund', pkg], { cwd: work, encoding: 'utf8' });
  expect(installed.status, installed.stderr).toBe(0);
  bin = path.join(prefix, 'bin', 'gig');
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  if (pkg) rmSync(pkg, { recursive: true, force: true });
});

const run = (args: string[], cwd: string) =>
  spawnSync(bin, args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: 60_000 });

describe('gig installed as a command', () => {
  it('says its version', () => {
    const version = run(['--version'], work);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(VERSION);
  });

  it('reads --config and --db from where it is run, not from where it is installed', () => {
    const demo = run(['demo', '--dir', 'here'], work);
    expect(demo.status, demo.stderr).toBe(0);
    const status = run(['--config', 'here/gig.config.yaml', '--db', 'here/.gig/gig.db', 'status', 'ABC-101'], work);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toContain('ABC-101 · 3 repositories');
    // And the default configuration is the one in the folder it is run in.
    const inside = run(['status', 'ABC-101'], path.join(work, 'here'));
    expect(inside.status, inside.stderr).toBe(0);
  });
});

describe('npm run gig in a clone', () => {
  it('works in the folder the user ran npm in (INIT_CWD), and only for `npm run gig`', () => {
    const npmRunGig = { npm_lifecycle_event: 'gig', npm_package_name: 'gig', INIT_CWD: '/home/me/project' };
    expect(callerDirectory(npmRunGig, '/opt/gig')).toBe('/home/me/project');
    expect(callerDirectory({ ...npmRunGig, npm_lifecycle_event: 'test' }, '/opt/gig')).toBe('/opt/gig');
    expect(callerDirectory({ npm_lifecycle_event: 'gig', npm_package_name: 'other', INIT_CWD: '/x' }, '/work')).toBe('/work');
    expect(callerDirectory({}, '/work')).toBe('/work');
  });
});
