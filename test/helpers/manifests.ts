import type { Manifest } from '../../src/engine/manifest.js';

/** A release far larger than any chat message allows, built on a real manifest's shape. */
export function oversizeManifest(base: Manifest, options: { repositories: number; commits: number; dbScripts: number; manualSteps: number }): Manifest {
  const many = (count: number): number[] => Array.from({ length: count }, (_, index) => index);
  return {
    ...base,
    repositories: many(options.repositories).map((repo) => ({
      name: `repository-${repo}`,
      commitsToPromote: many(options.commits).map((index) => ({
        sha: (repo * 1000 + index).toString(16).padStart(40, '0'),
        change: (repo * 1000 + index).toString(16).padStart(40, '0'),
        kind: 'change' as const,
        ticket: 'PAY-10',
        tickets: ['PAY-10'],
        subject: `PAY-10 change number ${index} with a subject long enough to matter`,
        author: 'Ana <ana@example.com>',
        committedAt: '2026-11-20T10:00:00.000Z',
      })),
      cherryPick: 'git cherry-pick -x …',
      dbScripts: many(options.dbScripts).map((index) => `db/V${index}__script.sql`),
    })),
    manualSteps:
      options.manualSteps === 0
        ? base.manualSteps
        : many(options.manualSteps).map((index) => ({ ...base.manualSteps[0]!, id: `m${index.toString(16).padStart(6, '0')}`, summary: `Step ${index}` })),
  };
}
