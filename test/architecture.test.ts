import { readdirSync, readFileSync } from 'node:fs';
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
  });
});
