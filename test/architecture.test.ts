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

function layerOf(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = path.relative(SRC, path.resolve(path.dirname(file), specifier));
  return target.split(path.sep)[0] ?? null;
}

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

    it(`${layer}/ does not reach into store, sources, bots or the CLI`, () => {
      const offenders = sourceFiles(path.join(SRC, layer)).flatMap((file) =>
        importsOf(file)
          .filter((specifier) => ['store', 'sources', 'bot', 'cli', 'indexer', 'main.ts', 'demo'].includes(layerOf(file, specifier) ?? ''))
          .map((specifier) => `${path.relative(SRC, file)} → ${specifier}`),
      );
      expect(offenders).toEqual([]);
    });
  }

  it('views/ and engine/ do not depend on commands/', () => {
    const offenders = ['views', 'engine'].flatMap((layer) =>
      sourceFiles(path.join(SRC, layer)).flatMap((file) =>
        importsOf(file)
          .filter((specifier) => layerOf(file, specifier) === 'commands')
          .map((specifier) => `${path.relative(SRC, file)} → ${specifier}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

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
   * (a sync or `gig doctor` that has them configured), the digest scheduler (the server).
   */
  const SDK_BOUND = ['bot/', 'sources/jira/', 'sources/github/', 'schedule/', 'indexer/github-sync.ts'];

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
