import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { GitBuilder } from '../../src/demo/git-builder.js';
import { openApp, type App } from '../../src/main.js';

export { GitBuilder };

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

/** A fresh temporary folder, removed after the test. */
export function tempDir(prefix = 'gig-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export { CHAIN_YAML as ENVIRONMENTS_YAML } from '../../src/demo/workspace.js';
import { CHAIN_YAML as ENVIRONMENTS_YAML } from '../../src/demo/workspace.js';

/** A day in November 2026 at a given hour, as git dates: tests read as a timeline. */
export const nov = (day: number, hour = 10): string => `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

/** A repository with a base commit on main and develop, test and uat cut from it; develop checked out. */
export function envRepository(root: string, name: string): GitBuilder {
  const repo = GitBuilder.init(path.join(root, 'repos', name), 'main');
  repo.commit('Initial commit', { 'README.md': `${name}\n` }, { date: nov(1, 8) });
  for (const branch of ['develop', 'test', 'uat']) repo.branch(branch);
  repo.checkout('develop');
  return repo;
}

export interface Workspace {
  root: string;
  configFile: string;
  dbFile: string;
  /** Opens the app on the workspace's config and database; closed after the test. */
  open(now?: () => Date): App;
}

/**
 * Writes a config listing `repositories` under ./repos and returns the workspace; `extra` is YAML
 * put first, `environments` replaces the dev → qa → uat → prod chain.
 */
export function workspace(root: string, repositories: string[], extra = 'projects: [ABC, PAY]\n', environments = ENVIRONMENTS_YAML): Workspace {
  const configFile = path.join(root, 'gig.config.yaml');
  writeFileSync(
    configFile,
    `${extra}${environments}repositories:\n${repositories.map((name) => `  - { name: ${name}, path: ./repos/${name} }`).join('\n')}\n`,
  );
  const dbFile = path.join(root, '.gig', 'gig.db');
  return {
    root,
    configFile,
    dbFile,
    open(now) {
      const app = openApp({ configFile, dbFile, ...(now ? { now } : {}) });
      cleanups.push(() => app.close());
      return app;
    },
  };
}

/** Replaces SHAs with stable placeholders (in order of first appearance) and the sync time with <asOf>. */
export function normalise(text: string): string {
  const names = new Map<string, string>();
  const full = text.replace(/(?<![0-9a-f])[0-9a-f]{40}(?![0-9a-f])/g, (sha) => {
    if (!names.has(sha)) names.set(sha, `<sha${names.size + 1}>`);
    return names.get(sha)!;
  });
  const short = full.replace(/\b[0-9a-f]{8}\b/g, (prefix) => {
    const match = [...names.entries()].find(([sha]) => sha.startsWith(prefix));
    if (match) return match[1];
    if (!names.has(prefix)) names.set(prefix, `<sha${names.size + 1}>`);
    return names.get(prefix)!;
  });
  return short
    .replace(/\b[0-9a-f]{64}\b/g, '<hash>')
    .replace(/manifest (`?)[0-9a-f]{12}\b/g, 'manifest $1<hash>')
    .replace(/"asOf": "[^"]+"/g, '"asOf": "<asOf>"')
    .replace(/as of \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/g, 'as of <asOf>')
    .replace(/\d+ git processes, [\d.]+ s/g, '<n> git processes, <t> s');
}
