import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { GitRunner } from './runner.js';

/**
 * What `gig init` learns by looking around (issue #14): the git repositories at or under a folder,
 * the branches each one has, and the subjects of its recent commits (to see which ticket keys the
 * team uses). One for-each-ref and one log per repository; nothing is written.
 */
export interface DiscoveredRepository {
  name: string;
  dir: string;
  /** Branch names, local ones and origin's, without the remote prefix. */
  branches: string[];
  /** The branch HEAD points at; null when detached or unborn. */
  head: string | null;
  recentSubjects: string[];
}

const RECENT_COMMITS = 500;

/** `dir` itself when it is a repository (working clone or bare); otherwise the repositories one level below it. */
export function findRepositoryDirs(dir: string): string[] {
  if (isRepository(dir)) return [dir];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries
    .filter((entry) => !entry.startsWith('.') && entry !== 'node_modules')
    .map((entry) => path.join(dir, entry))
    .filter((candidate) => {
      try {
        return statSync(candidate).isDirectory() && isRepository(candidate);
      } catch {
        return false;
      }
    })
    .sort();
}

function isRepository(dir: string): boolean {
  return existsSync(path.join(dir, '.git')) || (existsSync(path.join(dir, 'HEAD')) && existsSync(path.join(dir, 'objects')) && existsSync(path.join(dir, 'refs')));
}

export async function discoverRepository(git: GitRunner, dir: string): Promise<DiscoveredRepository> {
  const { stdout: refs } = await git.run(dir, ['for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/remotes/origin']);
  const branches = [
    ...new Set(
      refs
        .split('\n')
        .filter((ref) => ref.length > 0 && !ref.endsWith('/HEAD'))
        .map((ref) => ref.replace(/^refs\/heads\//, '').replace(/^refs\/remotes\/origin\//, '')),
    ),
  ].sort();
  const { stdout: headRef } = await git.run(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { okExitCodes: [0, 1, 128] });
  const { stdout: subjects } = await git.run(dir, ['log', '--all', '--no-merges', `--max-count=${RECENT_COMMITS}`, '--format=%s'], { okExitCodes: [0, 128] });
  return {
    name: path.basename(path.resolve(dir)).replace(/\.git$/, ''),
    dir,
    branches,
    head: headRef.trim() || null,
    recentSubjects: subjects.split('\n').filter((line) => line.length > 0),
  };
}
