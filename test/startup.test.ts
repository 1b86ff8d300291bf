import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/**
 * What a verb loads (issue #12, "Load only what a verb needs"): the CLI is built as `npm run build`
 * builds it, run as a child process under a module trace (helpers/module-trace.mjs), and every
 * module it loaded is checked — the SDKs (loaded from node_modules) by package name, and what was
 * bundled by the source modules each loaded output file holds (the build's metafile).
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const TRACE = path.join(ROOT, 'test', 'helpers', 'module-trace.mjs');

/** Packages no read verb may load: chat SDKs, trackers, the HTTP server and its logger, schedules, progress bars. */
const SDKS = [/^jira\.js$/, /^@octokit\//, /^@slack\//, /^botbuilder/, /^express$/, /^pino/, /^node-cron$/, /^cli-progress$/];

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

interface TracedRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The packages loaded from node_modules, e.g. better-sqlite3, @octokit/rest. */
  packages: string[];
  /** The source modules (src/… and bundled node_modules/…) of every bundled output file loaded. */
  bundled: string[];
}

let work: string;
let build: string;
let metafile: Metafile;
let demo: TracedRun;
const demoArgs = (): string[] => ['--config', path.join(work, 'gig-demo', 'gig.config.yaml'), '--db', path.join(work, 'gig-demo', '.gig', 'gig.db')];

/** The package a module URL belongs to, if it lies in a node_modules folder (the build itself does not). */
function packageOf(url: string): string | null {
  if (!url.startsWith('file:') || fileURLToPath(url).startsWith(build + path.sep)) return null;
  const file = fileURLToPath(url).split(path.sep).join('/');
  const at = file.lastIndexOf('/node_modules/');
  if (at < 0) return null;
  const [first, second] = file.slice(at + '/node_modules/'.length).split('/');
  return first?.startsWith('@') ? `${first}/${second}` : (first ?? null);
}

function traced(args: string[], options: { cwd?: string; program?: string[] } = {}): TracedRun {
  const traceFile = path.join(work, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const run = spawnSync(process.execPath, ['--import', TRACE, ...(options.program ?? [path.join(build, 'cli', 'gig.js')]), ...args], {
    cwd: options.cwd ?? work,
    encoding: 'utf8',
    // No credentials or settings of the machine running the tests: nothing asks for Jira, GitHub or a chat.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, GIG_MODULE_TRACE: traceFile },
    timeout: 60_000,
  });
  let urls: string[] = [];
  try {
    urls = readFileSync(traceFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    // No trace at all: the assertions below say so.
  }
  const packages = [...new Set(urls.map(packageOf).filter((name): name is string => name !== null))].sort();
  const bundled = new Set<string>();
  for (const url of urls) {
    if (!url.startsWith('file:')) continue;
    const output = path.relative(ROOT, fileURLToPath(url)).split(path.sep).join('/');
    for (const input of Object.keys(metafile.outputs[output]?.inputs ?? {})) bundled.add(input);
  }
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, packages, bundled: [...bundled].sort() };
}

const sdksOf = (run: TracedRun): string[] => run.packages.filter((name) => SDKS.some((sdk) => sdk.test(name)));
const bundledFrom = (run: TracedRun, prefixes: string[]): string[] => run.bundled.filter((input) => prefixes.some((prefix) => input.startsWith(prefix)));

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'gig-startup-'));
  // This run's build (test/global-build.ts), with the metafile of what each output file holds.
  build = inject('gigBuild');
  metafile = JSON.parse(readFileSync(path.join(build, 'meta.json'), 'utf8')) as Metafile;
  demo = traced(['demo', '--dir', 'gig-demo']);
  expect(demo.status, demo.stderr).toBe(0);
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the module trace', () => {
  it('sees SDKs when they are loaded, imported or required', () => {
    const run = traced(
      ['--input-type=module', '-e', "import { createRequire } from 'node:module'; await import('jira.js'); await import('@octokit/rest'); createRequire(import.meta.url)('cli-progress');"],
      { cwd: ROOT, program: [] },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(sdksOf(run)).toEqual(expect.arrayContaining(['jira.js', '@octokit/rest', 'cli-progress']));
  });
});

describe('what each verb loads', () => {
  it('gig --help: the verb table only, neither the store nor the configuration parser', () => {
    const run = traced(['--help']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Usage: gig');
    expect(sdksOf(run)).toEqual([]);
    expect(run.packages).not.toContain('better-sqlite3');
    expect(bundledFrom(run, ['src/config.ts', 'src/main.ts', 'src/store/', 'src/commands/', 'src/engine/', 'node_modules/zod/', 'node_modules/yaml/', 'node_modules/cron-parser/'])).toEqual([]);
    expect(run.bundled).toContain('src/cli/program.ts');
  });

  it('gig status <ticket>: the store and the status verb, no SDK', () => {
    const run = traced([...demoArgs(), 'status', 'ABC-101']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('ABC-101 · 3 repositories');
    expect(sdksOf(run)).toEqual([]);
    expect(run.packages).toContain('better-sqlite3');
    expect(bundledFrom(run, ['src/bot/', 'src/indexer/', 'src/sources/jira/', 'src/sources/github/', 'src/demo/', 'src/schedule/', 'src/commands/release.ts', 'src/commands/doctor.ts'])).toEqual([]);
    expect(run.bundled).toContain('src/commands/status.ts');
  });

  it('gig check <ticket>: no SDK', () => {
    const run = traced([...demoArgs(), 'check', 'ABC-101', '--from', 'qa', '--to', 'uat', '--fail-on', 'never']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('ABC-101: qa → uat');
    expect(sdksOf(run)).toEqual([]);
    expect(bundledFrom(run, ['src/bot/', 'src/indexer/', 'src/sources/jira/', 'src/sources/github/', 'src/demo/'])).toEqual([]);
  });

  it('gig release without Jira or GitHub configured: no SDK', () => {
    const run = traced([...demoArgs(), 'release', 'REL-9', '--from', 'qa', '--to', 'uat', '--tickets', 'ABC-101,ABC-102', '--dry-run', '--format', 'csv', '--fail-on', 'never']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('ABC-101');
    expect(sdksOf(run)).toEqual([]);
    expect(bundledFrom(run, ['src/bot/', 'src/sources/jira/', 'src/sources/github/'])).toEqual([]);
  });

  it('gig sync and gig demo without Jira or GitHub, and not on a terminal: the indexer, no SDK, no progress bar', () => {
    const run = traced([...demoArgs(), 'sync', '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(sdksOf(run)).toEqual([]);
    expect(run.bundled).toContain('src/indexer/sync.ts');
    expect(bundledFrom(run, ['src/bot/', 'src/sources/jira/', 'src/sources/github/'])).toEqual([]);
    expect(sdksOf(demo)).toEqual([]);
  });
});
