import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', 'src');
const SDKS = [/^@slack\//, /^botbuilder/, /^@octokit\//, /^jira\.js/, /^better-sqlite3/];
const IO_MODULES = [/^node:(fs|child_process|net|http|https|dgram|worker_threads)/, /^(fs|child_process|net|http|https)$/];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [],
  );
}

/** Every module specifier a file imports or re-exports, type-only imports included. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1]!,
  );
}

/**
 * The specifiers a file imports in a way that loads them when the file loads: neither `import type`
 * / `export type` (erased) nor `import()` (loaded when that line runs). `import { type A } from`
 * counts: under verbatimModuleSyntax it stays an import.
 */
export function staticImportsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s+(?!type\s)[^;]*?from\s+['"]([^'"]+)['"]/g),
    ...text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g),
  ].map((match) => match[1]!);
}

/** The packages a source file loads, directly or through the source files it statically imports. */
function packagesLoadedBy(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  for (const specifier of staticImportsOf(file)) {
    if (specifier.startsWith('.')) {
      const target = path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts');
      if (existsSync(target)) for (const name of packagesLoadedBy(target, seen)) packages.add(name);
    } else if (!specifier.startsWith('node:')) {
      packages.add(specifier);
    }
  }
  return packages;
}

/** The room of src/ a file lies in: its top folder (`bot`), or its own name for a file at the top (`main.ts`). */
function roomOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!.replace(/\.js$/, '.ts');
}

/** The room a relative specifier of `file` points into; null for packages and node: modules. */
function targetRoom(file: string, specifier: string): string | null {
  return specifier.startsWith('.') ? roomOf(path.resolve(path.dirname(file), specifier)) : null;
}

/** Modules every room above the engine may use: configuration, errors, test failpoints. */
const LEAVES = ['config.ts', 'errors.ts', 'failpoints.ts'];

/**
 * The house: every room of src/ and the rooms it may import. Every import counts, `import type`
 * and `import()` included. Drawn top-down, every arrow runs down (the table is checked to have no
 * cycle, and every import to be in it):
 *
 *   cli/                   the program, one verb each; composes `gig serve` from bot/ and schedule/
 *    │
 *   bot/      schedule/    the surfaces, side by side and blind to each other. bot/ answers HTTP
 *    │         │           and chat (Slack, Teams) and hands out chat senders; schedule/ runs the
 *    │         │           periodic sync and the digests through the senders it is given
 *   main.ts    │           builds the App: configuration, store, sources, indexer, command context
 *    │         │
 *   indexer/   │           the sync pipeline, the index's only writer
 *    │         │
 *   store/  sources/       adapters that implement engine/ports.ts (SQLite; git, Jira, GitHub);
 *    │         │           bot/ opens the store itself only in its worker threads and replay guard
 *   commands/ ─┘           the use cases, over the engine's ports
 *    │
 *   views/                 every word and every card
 *    │
 *   engine/                the pure model: facts in, verdicts out
 *
 * Beside the stack: config.ts, errors.ts and failpoints.ts (LEAVES) for every room above the engine
 * (engine/ has errors.ts only); log.ts for the long-running rooms; demo/ for the CLI's `gig demo`.
 * A new room gets its line here, below everything that imports it.
 */
const HOUSE: Record<string, readonly string[]> = {
  cli: ['bot', 'schedule', 'main.ts', 'demo', 'store', 'sources', 'commands', 'views', 'engine', 'log.ts', ...LEAVES],
  bot: ['main.ts', 'store', 'commands', 'views', 'engine', 'log.ts', ...LEAVES],
  schedule: ['commands', 'engine', 'log.ts', ...LEAVES],
  'main.ts': ['indexer', 'store', 'sources', 'commands', 'engine', ...LEAVES],
  demo: ['commands', 'engine', ...LEAVES],
  indexer: ['store', 'sources', 'engine', ...LEAVES],
  store: ['engine', ...LEAVES],
  sources: ['engine', ...LEAVES],
  commands: ['views', 'engine', ...LEAVES],
  views: ['engine', ...LEAVES],
  engine: ['errors.ts'],
  'config.ts': ['engine', 'errors.ts'],
  'errors.ts': [],
  'failpoints.ts': [],
  'log.ts': [],
};

/** Every import from one room into another: `from → to (file: specifier)`. */
function crossings(): Array<{ from: string; to: string; where: string }> {
  return sourceFiles(SRC).flatMap((file) =>
    importsOf(file).flatMap((specifier) => {
      const [from, to] = [roomOf(file), targetRoom(file, specifier)];
      return to === null || to === from ? [] : [{ from, to, where: `${path.relative(SRC, file)}: ${specifier}` }];
    }),
  );
}

/** A cycle in the table, as a path of rooms; null when there is none. */
function cycleIn(house: Record<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (room: string, trail: string[]): string[] | null => {
    if (state.get(room) === 'done') return null;
    if (state.get(room) === 'open') return [...trail.slice(trail.indexOf(room)), room];
    state.set(room, 'open');
    for (const next of house[room] ?? []) {
      const cycle = visit(next, [...trail, room]);
      if (cycle) return cycle;
    }
    state.set(room, 'done');
    return null;
  };
  for (const room of Object.keys(house)) {
    const cycle = visit(room, []);
    if (cycle) return cycle;
  }
  return null;
}

describe('the house: every import runs down (issue #13)', () => {
  it('the house itself has no arrow running back up (no cycle)', () => {
    expect(cycleIn(HOUSE)).toBeNull();
    expect(cycleIn({ a: ['b'], b: ['c'], c: ['a'] })).toEqual(['a', 'b', 'c', 'a']);
  });

  it('every file of src/ lies in a room of the house', () => {
    const homeless = [...new Set(sourceFiles(SRC).map(roomOf))].filter((room) => !(room in HOUSE));
    expect(homeless, 'add the room to HOUSE in this file, below everything that imports it').toEqual([]);
  });

  it('every import between rooms is an arrow of the house', () => {
    const upward = crossings()
      .filter(({ from, to }) => !(HOUSE[from] ?? []).includes(to))
      .map(({ from, to, where }) => `${from} → ${to} (${where})`);
    expect(upward).toEqual([]);
  });

  it('bot/ and schedule/ do not know each other; schedule/ reaches chat only through the senders it is given', () => {
    const between = crossings()
      .filter(({ from, to }) => (from === 'bot' && to === 'schedule') || (from === 'schedule' && to === 'bot'))
      .map(({ where }) => where);
    expect(between).toEqual([]);
    const chat = sourceFiles(path.join(SRC, 'schedule')).flatMap((file) =>
      [...packagesLoadedBy(file)].filter((name) => /^@slack\/|^botbuilder|^express$/.test(name)).map((name) => `${path.relative(SRC, file)} → ${name}`),
    );
    expect(chat).toEqual([]);
  });

  it('the scanner sees an upward arrow where there is one', () => {
    // schedule/ used to take its logger from bot/: that import would be refused today.
    expect((HOUSE.schedule ?? []).includes('bot')).toBe(false);
    expect(targetRoom(path.join(SRC, 'schedule', 'digests.ts'), '../bot/log.js')).toBe('bot');
    expect(targetRoom(path.join(SRC, 'bot', 'server.ts'), '../main.js')).toBe('main.ts');
    expect(crossings().some(({ from, to }) => from === 'bot' && to === 'commands')).toBe(true);
  });
});

describe('the dependency rule (DESIGN §3)', () => {
  for (const layer of ['engine', 'commands', 'views']) {
    it(`${layer}/ imports no SDK`, () => {
      const offenders = sourceFiles(path.join(SRC, layer)).flatMap((file) =>
        importsOf(file)
          .filter((specifier) => SDKS.some((sdk) => sdk.test(specifier)))
          .map((specifier) => `${path.relative(SRC, file)} → ${specifier}`),
      );
      expect(offenders).toEqual([]);
    });
  }

  it('engine/ is pure: no file, process or network I/O', () => {
    const offenders = sourceFiles(path.join(SRC, 'engine')).flatMap((file) =>
      importsOf(file)
        .filter((specifier) => IO_MODULES.some((module) => module.test(specifier)))
        .map((specifier) => `${path.relative(SRC, file)} → ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the import scanner sees the imports it is meant to catch', () => {
    const probe = path.join(SRC, 'store', 'database.ts');
    expect(importsOf(probe)).toContain('better-sqlite3');
    expect(staticImportsOf(path.join(SRC, 'main.ts'))).not.toContain('./sources/jira/jira-source.js');
    expect(packagesLoadedBy(path.join(SRC, 'bot', 'server.ts'))).toContain('@slack/bolt');
  });
});

describe('load only what a verb needs (issue #12)', () => {
  /** Heavy packages that only the verbs using them may load; test/startup.test.ts checks the built CLI. */
  const LAZY = [/^jira\.js$/, /^@octokit\//, /^@slack\//, /^botbuilder/, /^express$/, /^pino/, /^node-cron$/, /^cli-progress$/];
  /**
   * Where these may be imported statically, each loaded by the rest of gig only through import():
   * the bots (`gig serve`, `gig digest run`), the Jira and GitHub clients and the GitHub indexer
   * (a sync or `gig doctor` that has them configured), the schedules and the logger (`gig serve`).
   */
  const SDK_BOUND = ['bot/', 'sources/jira/', 'sources/github/', 'schedule/', 'log.ts', 'indexer/github-sync.ts'];

  it('no module outside the SDK-bound ones loads an SDK when it is loaded', () => {
    const offenders = sourceFiles(SRC)
      .filter((file) => !SDK_BOUND.some((bound) => path.relative(SRC, file).split(path.sep).join('/').startsWith(bound)))
      .flatMap((file) =>
        [...packagesLoadedBy(file)].filter((name) => LAZY.some((sdk) => sdk.test(name))).map((name) => `${path.relative(SRC, file)} → ${name}`),
      );
    expect(offenders).toEqual([]);
  });

  it('the verb table (cli/program.ts) loads neither the store nor the configuration parser', () => {
    const loaded = [...packagesLoadedBy(path.join(SRC, 'cli', 'program.ts'))];
    expect(loaded.filter((name) => !['commander'].includes(name))).toEqual([]);
  });
});
