/**
 * gig's benchmark: figures, not assertions. Generates a workspace of synthetic repositories with
 * `git fast-import`, then measures
 *   - the raw floor: `git log --all --name-only` over every repository,
 *   - gig's full sync into a fresh SQLite file, and the git processes it spawned,
 *   - an incremental sync after a few new commits, and a sync with nothing new,
 *   - `status` latency percentiles over random tickets.
 *
 *   - the /slack/events acknowledgement latency under concurrent signed slash commands.
 *
 *   npm run bench -- [--commits 100000] [--repos 4] [--queries 500] [--only index|slack] [--connections 20] [--seconds 10]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runStatus } from '../src/commands/status.js';
import { GitBuilder } from '../src/demo/git-builder.js';
import { generateSyntheticRepository } from '../src/demo/synthetic.js';
import { CHAIN_YAML } from '../src/demo/workspace.js';
import { openApp } from '../src/main.js';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '100000' },
    repos: { type: 'string', default: '4' },
    queries: { type: 'string', default: '500' },
    keep: { type: 'boolean', default: false },
    only: { type: 'string' },
    connections: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '10' },
  },
});
if (values.only === 'slack') {
  const { benchSlackAck } = await import('./bench-slack.js');
  await benchSlackAck({ connections: Number(values.connections), seconds: Number(values.seconds) });
  process.exit(0);
}
const totalCommits = Number(values.commits);
const repoCount = Number(values.repos);
const queries = Number(values.queries);
const perRepo = Math.ceil(totalCommits / repoCount);

const root = mkdtempSync(path.join(tmpdir(), 'gig-bench-'));
const names = Array.from({ length: repoCount }, (_, index) => `repo-${index + 1}`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const time = async <T>(work: () => Promise<T> | T): Promise<[T, number]> => {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
};

console.log(`gig bench: ${repoCount} repositories × ${perRepo} commits (${perRepo * repoCount} in all), node ${process.version}, in ${root}`);
const [, generateMs] = await time(() => names.forEach((name) => generateSyntheticRepository(path.join(root, name), { commits: perRepo })));
console.log(`generated with git fast-import in ${seconds(generateMs)}\n`);

const [, rawMs] = await time(() => {
  for (const name of names) {
    const result = spawnSync('git', ['log', '--all', '--name-only', '--format=%H%n%an%n%ad%n%B'], { cwd: path.join(root, name), maxBuffer: 1 << 30 });
    if (result.status !== 0) throw new Error(result.stderr.toString());
  }
});

const configFile = path.join(root, 'gig.config.yaml');
writeFileSync(
  configFile,
  `projects: [ABC]
${CHAIN_YAML}repositories:
${names.map((name) => `  - { name: ${name}, path: ./${name} }`).join('\n')}
`,
);
const app = openApp({ configFile, dbFile: path.join(root, '.gig', 'gig.db') });
const [full, fullMs] = await time(() => app.context.sync());

for (const name of names) {
  const repo = GitBuilder.open(path.join(root, name));
  repo.checkout('develop');
  for (let index = 0; index < 5; index += 1) repo.commit(`ABC-${900000 + index} late follow-up ${index}`, { [`late/${index}.txt`]: `${index}\n` }, { date: '2026-11-24T10:00:00Z' });
}
const [incremental, incrementalMs] = await time(() => app.context.sync());
const [idle, idleMs] = await time(() => app.context.sync());

const latencies: number[] = [];
const maxTicket = Math.floor(perRepo / 5);
for (let index = 0; index < queries; index += 1) {
  const ticket = `ABC-${1 + Math.floor(Math.random() * maxTicket)}`;
  const [, ms] = await time(() => runStatus(app.context, ticket));
  latencies.push(ms);
}
latencies.sort((a, b) => a - b);
const percentile = (p: number): string => `${latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(2)} ms`;
const indexed = full.repositories.reduce((sum, repo) => sum + repo.newCommits, 0);

console.table([
  { measure: 'raw git log --all --name-only (floor)', time: seconds(rawMs), commits: perRepo * repoCount, 'git processes': repoCount, 'commits/s': Math.round((perRepo * repoCount) / (rawMs / 1000)) },
  { measure: 'gig sync, full', time: seconds(fullMs), commits: indexed, 'git processes': full.gitProcesses, 'commits/s': Math.round(indexed / (fullMs / 1000)) },
  { measure: 'gig sync, incremental (5 new commits per repository)', time: seconds(incrementalMs), commits: incremental.repositories.reduce((sum, repo) => sum + repo.newCommits, 0), 'git processes': incremental.gitProcesses, 'commits/s': '' },
  { measure: 'gig sync, nothing new', time: seconds(idleMs), commits: 0, 'git processes': idle.gitProcesses, 'commits/s': '' },
]);
console.log(`gig sync, full / raw floor: ${(fullMs / rawMs).toFixed(1)}×`);
console.log(`gig status over ${queries} random tickets: p50 ${percentile(50)}, p95 ${percentile(95)}, p99 ${percentile(99)}, max ${latencies.at(-1)!.toFixed(2)} ms`);

app.close();
if (!values.keep) rmSync(root, { recursive: true, force: true });

if (values.only !== 'index') {
  const { benchSlackAck } = await import('./bench-slack.js');
  await benchSlackAck({ connections: Number(values.connections), seconds: Number(values.seconds) });
}
