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
      return `${event.repository}: ${event.commits.toLocaleString('en')} of ${event.total.toLocaleString('en')} commits read`;
    case 'patches':
      return `${event.repository}: ${event.done.toLocaleString('en')} of ${event.total.toLocaleString('en')} patches read`;
    case 'branches':
      return `${event.repository}: reading branch membership`;
    case 'done':
      return `${event.repository}: ${event.result.ok ? 'done' : 'failed'}`;
    case 'publishing':
      return 'publishing the new index';
    case 'source':
      return `reading ${event.source}`;
  }
}

/**
 * The progress line of a sync on a terminal: which repository, which phase, how far. Phases: reading
 * commits, reading patches (only for commits some environment lacks), reading branch membership,
 * publishing; then the trackers.
 */
export interface ProgressLine {
  label: string;
  value: number;
  total: number;
}

export function progressLine(event: SyncProgress, repository: { name: string; index: number; total: number }): ProgressLine | null {
  const where = repository.total > 1 ? `${repository.name} (${repository.index + 1}/${repository.total})` : repository.name;
  switch (event.kind) {
    case 'commits':
      return { label: `${where} · reading commits`, value: event.commits, total: Math.max(event.total, 1) };
    case 'patches':
      return { label: `${where} · reading patches`, value: event.done, total: Math.max(event.total, 1) };
    case 'branches':
      return { label: `${where} · reading branches`, value: 0, total: 1 };
    case 'publishing':
      return { label: 'publishing the new index', value: 1, total: 1 };
    case 'source':
      return { label: `reading ${event.source}`, value: 0, total: 1 };
    default:
      return null;
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
