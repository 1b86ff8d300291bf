import type { IndexedBranches } from '../engine/ports.js';
import type { Prepare } from './statements.js';

/**
 * The two reads of the index both sides need: where each environment branch was when last
 * indexed, and a commit's place in the graph (its parents and generation). The indexer reads them
 * to sync incrementally, the read side to answer (branches, what a deployment lacks).
 */

export interface StoredTip {
  branch: string;
  ref: string | null;
  sha: string | null;
}

/** The tip gig last indexed for each environment branch of a repository. */
export function storedTips(prepare: Prepare, repositoryId: number): Map<string, StoredTip> {
  const rows = prepare<[number], { environment: string; branch: string; ref: string | null; sha: string | null }>(
    'SELECT environment, branch, ref, sha FROM branch_tips WHERE repository_id = ?',
  ).all(repositoryId);
  return new Map(rows.map((row) => [row.environment, { branch: row.branch, ref: row.ref, sha: row.sha }]));
}

/** Each repository's environment branch tips as last indexed, and when it was synced. */
export function indexedBranches(prepare: Prepare, repositories: readonly string[]): IndexedBranches[] {
  const rows = prepare<[string], { name: string; synced_at: string | null; environment: string | null; sha: string | null }>(
    `SELECT r.name, r.synced_at, t.environment, t.sha FROM repositories r LEFT JOIN branch_tips t ON t.repository_id = r.id
     WHERE r.name IN (SELECT value FROM json_each(?)) ORDER BY r.name, t.environment`,
  ).all(JSON.stringify(repositories));
  const byName = new Map<string, IndexedBranches>();
  for (const row of rows) {
    const entry = byName.get(row.name) ?? { repository: row.name, syncedAt: row.synced_at, tips: {} };
    if (row.environment !== null) entry.tips[row.environment] = row.sha;
    byName.set(row.name, entry);
  }
  return [...byName.values()];
}

/** A commit's parents and generation, if the index holds it. */
export function graphNode(prepare: Prepare, repositoryId: number, sha: string): { parents: string[]; generation: number } | undefined {
  const row = prepare<[number, string], { parents: string; generation: number }>('SELECT parents, generation FROM commits WHERE repository_id = ? AND sha = ?').get(repositoryId, sha);
  return row ? { parents: splitParents(row.parents), generation: row.generation } : undefined;
}

/** `commits.parents` is space-separated, first parent first; a root commit has none. */
export function splitParents(parents: string): string[] {
  return parents === '' ? [] : parents.split(' ');
}
