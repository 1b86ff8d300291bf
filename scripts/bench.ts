/**
 * gig's benchmark: figures, not assertions (issue #12). Every figure is printed beside the floor or
 * yardstick measured in the same run, so the ratios hold on a shared, noisy machine.
 *
 *   npm run bench                                  # everything below
 *   npm run bench -- --only synthetic|real|cli|ledger|slack
 *   npm run bench -- --repos 20 --commits 50000    # the synthetic workspace (generated once, cached)
 *   npm run bench -- --real scripts/accuracy/configs/cxf.yaml   # a real history (docs/accuracy.md)
 *
 * Whole-process figures run the built CLI (`npm run build`), as a user would; in-process figures
 * (status latency) call the command layer directly. The synthetic workspace is kept in
 * .bench-cache/ so later runs skip generating it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { generateSyntheticRepository } from '../src/demo/synthetic.js';
import { CHAIN_YAML } from '../src/demo/workspace.js';
import { percentiles, type BenchRow } from './bench-stats.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    repos: { type: 'string', default: '20' },
    commits: { type: 'string', default: '50000' },
    real: { type: 'string', default: path.join('scripts', 'accuracy', 'configs', 'cxf.yaml') },
    queries: { type: 'string', default: '500' },
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    connections: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
  },
});
const runs = Number(values.runs);
const wanted = (section: string): boolean => values.only === undefined || values.only === section;

const rows: BenchRow[] = [];
const verdict = (ok: boolean): string => (ok ? 'yes' : 'NO');
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const median = (numbers: number[]): number => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;

/** The built CLI, run as a user runs it; a preload reports the process's peak memory on exit. */
const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
const CLI = path.join(ROOT, packageJson.bin.gig!);
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
const REPORT_RSS = path.join(ROOT, 'scripts', 'report-rss.mjs');

interface ProcessRun {
  ms: number;
  rssMb: number;
  stdout: string;
}

function gigProcess(args: string[], cwd: string): ProcessRun {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', REPORT_RSS, CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  const ms = performance.now() - started;
  if (result.status !== 0 && result.status !== 3) throw new Error(`gig ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const rss = /gig-bench-maxrss (\d+)/.exec(result.stderr);
  return { ms, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN, stdout: result.stdout };
}

function timeProcess(command: string, args: string[], cwd: string): number {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.toString()}`);
  return performance.now() - started;
}

/** What gig reads, read by git alone: the commits of the environment branches with their file names. */
function gitFloor(repositories: Array<{ dir: string; branches: string[] }>): number {
  return repositories.reduce((sum, repo) => sum + timeProcess('git', ['log', '--name-only', '--format=%H%n%an%n%ad%n%B', ...repo.branches], repo.dir), 0);
}

/** Paired runs of two commands, A then B: each ratio is taken pair by pair, the median reported. */
function paired(a: () => number, b: () => number, count: number): { a: number; b: number; ratio: number } {
  a();
  b();
  const pairs = Array.from({ length: count }, () => {
    const timeA = a();
    const timeB = b();
    return { timeA, timeB, ratio: timeA / timeB };
  });
  return { a: median(pairs.map((pair) => pair.timeA)), b: median(pairs.map((pair) => pair.timeB)), ratio: median(pairs.map((pair) => pair.ratio)) };
}

function nodeStart(): number {
  return timeProcess(process.execPath, ['-e', '0'], ROOT);
}

/** Status latency in process, over random tickets of the index. */
async function statusLatency(configFile: string, dbFile: string, tickets: string[], queries: number): Promise<{ p50: number; p99: number; max: number }> {
  const { openApp } = await import('../src/main.js');
  const { runStatus } = await import('../src/commands/status.js');
  const app = openApp({ configFile, dbFile });
  const latencies: number[] = [];
  for (let index = 0; index < queries; index += 1) {
    const ticket = tickets[Math.floor(Math.random() * tickets.length)]!;
    const started = performance.now();
    await runStatus(app.context, ticket);
    latencies.push(performance.now() - started);
  }
  app.close();
  return percentiles(latencies);
}

function someTickets(dbFile: string, count: number): string[] {
  return ownedTickets(dbFile)
    .sort(() => Math.random() - 0.5)
    .slice(0, count);
}

function ownedTickets(dbFile: string): string[] {
  // Read through gig's own dependency rather than a sqlite3 binary the machine may lack.
  const script = `import Database from 'better-sqlite3'; const db = new Database(${JSON.stringify(dbFile)}, { readonly: true }); console.log(JSON.stringify(db.prepare("SELECT DISTINCT ticket FROM ticket_refs WHERE source = 'subject'").all().map((r) => r.ticket)));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as string[];
}

/** Sync figures for one workspace: full, nothing new, 100 new commits; status; a 100-ticket release. */
async function workspaceFigures(label: string, configFile: string, repositories: Array<{ dir: string; branches: string[] }>, addCommits: (() => () => void) | null, targets: { full: number; rss: number | null }): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'gig-bench-db-'));
  const dbFile = path.join(work, 'gig.db');
  const floor = gitFloor(repositories);
  const full = gigProcess(['--config', configFile, '--db', dbFile, 'sync'], path.dirname(configFile));
  rows.push({ figure: `${label}: full sync`, measured: s(full.ms), yardstick: `git log floor ${s(floor)}`, ratio: `${(full.ms / floor).toFixed(2)}×`, target: `≤ ${targets.full}×`, ok: verdict(full.ms / floor <= targets.full) });
  rows.push({ figure: `${label}: full sync, peak memory`, measured: `${full.rssMb.toFixed(0)} MB`, yardstick: '', ratio: '', target: targets.rss ? `≤ ${targets.rss} MB` : '', ok: targets.rss ? verdict(full.rssMb <= targets.rss) : '' });

  const idle = Array.from({ length: runs }, () => gigProcess(['--config', configFile, '--db', dbFile, 'sync'], path.dirname(configFile)).ms);
  rows.push({ figure: `${label}: sync with nothing new, whole process`, measured: s(median(idle)), yardstick: '', ratio: '', target: '≤ 0.30 s', ok: verdict(median(idle) <= 300) });

  if (addCommits) {
    const incremental = Array.from({ length: Math.min(runs, 3) }, () => {
      const undo = addCommits();
      const ms = gigProcess(['--config', configFile, '--db', dbFile, 'sync'], path.dirname(configFile)).ms;
      undo();
      gigProcess(['--config', configFile, '--db', dbFile, 'sync'], path.dirname(configFile));
      return ms;
    });
    rows.push({ figure: `${label}: sync of 100 new commits, whole process`, measured: s(median(incremental)), yardstick: '', ratio: '', target: '≤ 0.50 s', ok: verdict(median(incremental) <= 500) });
  }

  const tickets = someTickets(dbFile, 5000);
  const latency = await statusLatency(configFile, dbFile, tickets, Number(values.queries));
  rows.push({ figure: `${label}: status in process (${values.queries} random tickets)`, measured: `p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`, yardstick: '', ratio: '', target: 'p99 ≤ 50 ms', ok: verdict(latency.p99 <= 50) });

  const config = loadConfig(configFile);
  const [from, to] = [config.environments[0]!.name, config.environments.at(-1)!.name];
  const release = tickets.slice(0, 100).join(',');
  const releases = Array.from({ length: Math.min(runs, 3) }, () => gigProcess(['--config', configFile, '--db', dbFile, 'release', 'BENCH', '--from', from, '--to', to, '--tickets', release, '--format', 'json'], path.dirname(configFile)).ms);
  rows.push({ figure: `${label}: 100-ticket release, whole process`, measured: s(median(releases)), yardstick: '', ratio: '', target: '≤ 1.00 s', ok: verdict(median(releases) <= 1000) });

  const statusTicket = tickets[0]!;
  const cli = paired(() => gigProcess(['--config', configFile, '--db', dbFile, 'status', statusTicket], path.dirname(configFile)).ms, nodeStart, runs);
  rows.push({ figure: `${label}: gig status T, whole process`, measured: s(cli.a), yardstick: `node -e 0 ${s(cli.b)}`, ratio: `${cli.ratio.toFixed(2)}×`, target: '≤ 3×', ok: verdict(cli.ratio <= 3) });
  rmSync(work, { recursive: true, force: true });
}

/** 20 × 50,000 commits by default; generated with git fast-import once and kept in .bench-cache/. */
function syntheticWorkspace(repos: number, commits: number): { configFile: string; repositories: Array<{ dir: string; branches: string[] }> } {
  const dir = path.join(ROOT, '.bench-cache', `synthetic-${repos}x${commits}`);
  const names = Array.from({ length: repos }, (_, index) => `repo-${index + 1}`);
  const configFile = path.join(dir, 'gig.config.yaml');
  if (!existsSync(configFile)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const started = performance.now();
    for (const name of names) generateSyntheticRepository(path.join(dir, name), { commits });
    writeFileSync(configFile, `projects: [ABC]\n${CHAIN_YAML}repositories:\n${names.map((name) => `  - { name: ${name}, path: ./${name} }`).join('\n')}\n`);
    console.log(`generated ${repos} × ${commits} commits in ${s(performance.now() - started)} (kept in ${path.relative(ROOT, dir)})`);
  }
  return { configFile, repositories: names.map((name) => ({ dir: path.join(dir, name), branches: ['develop', 'test', 'uat', 'main'] })) };
}

/** Adds 100 commits to the first repository's develop; returns how to put the branch back. */
function hundredCommits(dir: string): () => () => void {
  return () => {
    const before = spawnSync('git', ['rev-parse', 'develop'], { cwd: dir, encoding: 'utf8' }).stdout.trim();
    const stamp = Math.floor(Date.now() / 1000);
    const chunks = [`commit refs/heads/develop\nmark :1\ncommitter Bench <bench@example.com> ${stamp} +0000\ndata 22\nABC-999999 bench 0000\nfrom ${before}\nM 100644 inline bench/0.txt\ndata 2\n0\n\n`];
    for (let index = 1; index < 100; index += 1) {
      const message = `ABC-999999 bench ${String(index).padStart(4, '0')}\n`;
      chunks.push(`commit refs/heads/develop\nmark :${index + 1}\ncommitter Bench <bench@example.com> ${stamp + index} +0000\ndata ${Buffer.byteLength(message)}\n${message}from :${index}\nM 100644 inline bench/${index}.txt\ndata ${String(index).length + 1}\n${index}\n\n`);
    }
    const imported = spawnSync('git', ['fast-import', '--quiet', '--force'], { cwd: dir, input: chunks.join('') });
    if (imported.status !== 0) throw new Error(imported.stderr.toString());
    return () => void spawnSync('git', ['update-ref', 'refs/heads/develop', before], { cwd: dir });
  };
}

console.log(`gig bench · node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);

if (wanted('cli')) {
  const help = paired(() => gigProcess(['--help'], ROOT).ms, nodeStart, runs);
  rows.push({ figure: 'gig --help, whole process', measured: s(help.a), yardstick: `node -e 0 ${s(help.b)}`, ratio: `${help.ratio.toFixed(2)}×`, target: '≤ 3×', ok: verdict(help.ratio <= 3) });
}

if (wanted('synthetic')) {
  const repos = Number(values.repos);
  const commits = Number(values.commits);
  const { configFile, repositories } = syntheticWorkspace(repos, commits);
  await workspaceFigures(`synthetic ${(repos * commits).toLocaleString('en')} commits`, configFile, repositories, hundredCommits(repositories[0]!.dir), { full: 2, rss: 300 });
}

if (wanted('real')) {
  const configFile = path.resolve(ROOT, values.real!);
  const config = loadConfig(configFile);
  const repositories = config.repositories.flatMap((repository) =>
    repository.source.kind === 'path' ? [{ dir: repository.source.path, branches: config.environments.map((env) => repository.branches[env.name]!) }] : [],
  );
  if (repositories.every((repository) => existsSync(repository.dir))) {
    await workspaceFigures(`real: ${config.repositories.map((repository) => repository.name).join(', ')}`, configFile, repositories, null, { full: 3, rss: null });
  } else {
    console.log(`skipped the real history: ${repositories.map((repository) => repository.dir).join(', ')} missing (docs/accuracy.md says how to fetch it)`);
  }
}

if (wanted('ledger')) {
  const { benchLedger } = await import('./bench-ledger.js');
  rows.push(...(await benchLedger()));
}

console.table(rows);

if (wanted('slack')) {
  const { benchSlackAck } = await import('./bench-slack.js');
  await benchSlackAck({ connections: Number(values.connections), seconds: Number(values.seconds) });
}
