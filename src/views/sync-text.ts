import type { SyncProgress, SyncResult } from '../engine/ports.js';
import { plural } from './format.js';

/** The one-line summary of a sync, followed by a line per repository that failed. */
export function renderSyncSummary(result: SyncResult): string {
  const ok = result.repositories.filter((repo) => repo.ok);
  const failed = result.repositories.filter((repo) => !repo.ok);
  const added = ok.reduce((sum, repo) => sum + repo.newCommits, 0);
  const removed = ok.reduce((sum, repo) => sum + repo.removedCommits, 0);
  const changed = ok.filter((repo) => repo.changedBranches.length > 0).length;
  const parts = [
    `synced ${plural(ok.length, 'repository', 'repositories')}`,
    `${plural(added, 'new commit')}`,
    ...(removed > 0 ? [`${plural(removed, 'commit')} dropped after force-push`] : []),
    `${changed} with branches that moved`,
    `${result.gitProcesses} git processes`,
    `${(result.durationMs / 1000).toFixed(1)} s`,
  ];
  const lines = [parts.join(', ')];
  for (const repo of ok) {
    if (repo.missingBranches.length > 0) lines.push(`  note: ${repo.repository} has no branch for ${repo.missingBranches.join(', ')}`);
  }
  for (const source of result.sources ?? []) {
    lines.push(source.ok ? `  ${source.source}: ${plural(source.items, 'ticket')} updated` : `  failed: ${source.source}: ${source.error?.message ?? 'unknown error'} (its last good data stays in use)`);
  }
  for (const repo of failed) {
    lines.push(`  failed: ${repo.repository}: ${repo.error?.message ?? 'unknown error'}`);
    if (repo.error?.hint) lines.push(`          ${repo.error.hint}`);
  }
  return lines.join('\n');
}

export function describeProgress(event: SyncProgress): string {
  switch (event.kind) {
    case 'repository':
      return `${event.repository} (${event.index + 1}/${event.total})`;
    case 'commits':
      return `${event.repository}: ${event.commits} commits read`;
    case 'patches':
      return `${event.repository}: ${event.done} of ${event.total} patches read`;
    case 'done':
      return `${event.repository}: ${event.result.ok ? 'done' : 'failed'}`;
  }
}

export function syncJson(result: SyncResult): unknown {
  return {
    repositories: result.repositories.map((repo) => ({
      name: repo.repository,
      ok: repo.ok,
      newCommits: repo.newCommits,
      removedCommits: repo.removedCommits,
      changedEnvironments: repo.changedBranches,
      missingBranches: repo.missingBranches,
      ...(repo.error ? { error: { code: repo.error.code, message: repo.error.message, hint: repo.error.hint ?? null } } : {}),
    })),
    sources: (result.sources ?? []).map((source) => ({
      source: source.source,
      ok: source.ok,
      items: source.items,
      ...(source.error ? { error: { code: source.error.code, message: source.error.message, hint: source.error.hint ?? null } } : {}),
    })),
    gitProcesses: result.gitProcesses,
    durationMs: result.durationMs,
  };
}
