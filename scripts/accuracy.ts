/**
 * gig against an independent reading of the same history (docs/accuracy.md): indexes the
 * repositories of a configuration with gig, asks the plain-git oracle of scripts/accuracy/oracle.ts
 * (written from docs/history.md without the engine's code) for every ticket's state per repository
 * and environment, and prints where they agree and every cell where they do not.
 *
 *   npm run accuracy -- --config <file> [--db <file>] [--sample 400] [--seed 1] [--tickets A-1,B-2]
 *                       [--show 50] [--json <file>]
 *
 * Without --db the index is built in a fresh temporary file, so the figures never rest on an old
 * index. Only `path:` and `url:` repositories are read (the oracle needs git).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { readTickets } from '../src/commands/evaluation.js';
import { computeTicketStatus } from '../src/engine/status.js';
import { openApp } from '../src/main.js';
import { oracleStates, type OracleState } from './accuracy/oracle.js';

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    db: { type: 'string' },
    sample: { type: 'string' },
    seed: { type: 'string', default: '1' },
    tickets: { type: 'string' },
    show: { type: 'string', default: '50' },
    json: { type: 'string' },
  },
});
if (!values.config) {
  console.error('usage: npm run accuracy -- --config <file> [--db <file>] [--sample N] [--seed S] [--tickets A-1,B-2] [--show N] [--json <file>]');
  process.exit(2);
}

const NOT_OWNED = 'not-owned';
type Cell = { ticket: string; repository: string; environment: string; gig: string; oracle: string };

const config = loadConfig(values.config);
const scratch = values.db ? null : mkdtempSync(path.join(tmpdir(), 'gig-accuracy-'));
const dbFile = values.db ?? path.join(scratch!, 'gig.db');
const app = openApp({ configFile: values.config, dbFile });
try {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  let started = performance.now();
  const sync = await app.context.sync();
  for (const failed of sync.repositories.filter((repository) => !repository.ok)) console.error(`sync failed: ${failed.repository}: ${failed.error?.message}`);
  console.log(`gig sync: ${sync.repositories.reduce((sum, repository) => sum + repository.newCommits, 0)} commits in ${seconds(performance.now() - started)}`);

  started = performance.now();
  const mirrors = path.join(path.dirname(dbFile), 'mirrors');
  const oracle = await oracleStates({
    environments: config.environments.map((env) => ({ name: env.name, branch: env.branch, from: env.from })),
    repositories: config.repositories.flatMap((repository) =>
      repository.source.kind === 'path'
        ? [{ name: repository.name, path: repository.source.path }]
        : repository.source.kind === 'url'
          ? [{ name: repository.name, path: path.join(mirrors, `${repository.name}.git`) }]
          : [],
    ),
    ticketPattern: config.tickets.pattern,
    projects: config.tickets.projects,
    trailers: config.tickets.trailers,
  });
  console.log(`oracle: ${oracle.size} tickets in ${seconds(performance.now() - started)}`);

  const gigTickets = app.stores.index.ownedTickets(config.repositories.map((repository) => repository.name));
  const all = [...new Set([...gigTickets, ...oracle.keys()])].sort();
  const chosen = values.tickets ? values.tickets.split(',').map((ticket) => ticket.trim().toUpperCase()) : values.sample ? sample(all, Number(values.sample), Number(values.seed)) : all;

  started = performance.now();
  const cells: Cell[] = [];
  for (const ticket of chosen) {
    const status = computeTicketStatus((await readTickets(app.context, [ticket])).facts(ticket));
    const mine = new Map(status.repositories.map((repository) => [repository.name, new Map(repository.environments.map((env) => [env.name, env.state as string]))]));
    const theirs = oracle.get(ticket) ?? new Map<string, Map<string, OracleState>>();
    for (const repository of new Set([...mine.keys(), ...theirs.keys()])) {
      for (const env of config.environments.map((candidate) => candidate.name)) {
        cells.push({ ticket, repository, environment: env, gig: mine.get(repository)?.get(env) ?? NOT_OWNED, oracle: theirs.get(repository)?.get(env) ?? NOT_OWNED });
      }
    }
  }
  const evaluated = performance.now() - started;

  const disagreements = cells.filter((cell) => cell.gig !== cell.oracle);
  const ticketsWrong = new Set(disagreements.map((cell) => cell.ticket));
  const percent = (part: number, whole: number): string => (whole === 0 ? '—' : `${((100 * part) / whole).toFixed(2)} %`);
  console.log(
    `compared ${chosen.length} tickets (${all.length} known), ${cells.length} (ticket, repository, environment) cells in ${seconds(evaluated)}:`,
  );
  console.log(`  cells agreeing:   ${cells.length - disagreements.length} of ${cells.length} (${percent(cells.length - disagreements.length, cells.length)})`);
  console.log(`  tickets agreeing: ${chosen.length - ticketsWrong.size} of ${chosen.length} (${percent(chosen.length - ticketsWrong.size, chosen.length)})`);

  const patterns = new Map<string, number>();
  for (const cell of disagreements) patterns.set(`gig ${cell.gig} / oracle ${cell.oracle}`, (patterns.get(`gig ${cell.gig} / oracle ${cell.oracle}`) ?? 0) + 1);
  if (patterns.size > 0) {
    console.log('disagreements by kind:');
    for (const [pattern, count] of [...patterns].sort((a, b) => b[1] - a[1])) console.log(`  ${String(count).padStart(5)}  ${pattern}`);
    const show = Number(values.show);
    console.log(`disagreements${disagreements.length > show ? ` (first ${show} of ${disagreements.length}; --show to see more)` : ''}:`);
    for (const cell of disagreements.slice(0, show)) console.log(`  ${cell.ticket} ${cell.repository} ${cell.environment}: gig ${cell.gig}, oracle ${cell.oracle}`);
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ tickets: chosen, cells, disagreements }, null, 2)}\n`);
} finally {
  app.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

/** A reproducible sample: the same seed picks the same tickets. */
function sample<T>(items: T[], count: number, seed: number): T[] {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy.slice(0, count).sort();
}
