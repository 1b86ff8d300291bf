import type { IndexedCommit, Presence } from './model.js';

/**
 * One change of a ticket: a commit and every copy of it (cherry-picks, re-applied patches) in the
 * same repository. It is listed once, under the member that reached the promotion chain first.
 */
export interface Change {
  canonical: IndexedCommit;
  members: IndexedCommit[];
}

/**
 * Groups the ticket's commits and their relatives into changes (DESIGN §4.2): commits with the same
 * patch-id, or linked by a `(cherry picked from commit …)` line, are one change. Only groups that
 * hold at least one ticket commit are changes of the ticket.
 */
export function groupChanges(ticketCommits: IndexedCommit[], relatives: IndexedCommit[], environments: string[]): Change[] {
  const all = dedupe([...ticketCommits, ...relatives]);
  const ticketShas = new Set(ticketCommits.map((commit) => commit.sha));
  const groups = new UnionFind();
  const byPatchId = new Map<string, string>();
  for (const commit of all) {
    groups.add(commit.sha);
    if (commit.patchId !== null) {
      const first = byPatchId.get(commit.patchId);
      if (first === undefined) byPatchId.set(commit.patchId, commit.sha);
      else groups.union(first, commit.sha);
    }
    for (const origin of commit.cherryPickedFrom) {
      const target = resolveSha(origin, all);
      groups.union(commit.sha, target ?? `cherry-pick:${origin}`);
    }
  }

  const members = new Map<string, IndexedCommit[]>();
  for (const commit of all) {
    const root = groups.find(commit.sha);
    const group = members.get(root);
    if (group) group.push(commit);
    else members.set(root, [commit]);
  }

  const rank = (commit: IndexedCommit): number => {
    const positions = commit.environments.map((env) => environments.indexOf(env)).filter((index) => index >= 0);
    return positions.length === 0 ? environments.length : Math.min(...positions);
  };
  const changes: Change[] = [];
  for (const group of members.values()) {
    const own = group.filter((commit) => ticketShas.has(commit.sha));
    if (own.length === 0) continue;
    const canonical = [...own].sort((a, b) => rank(a) - rank(b) || compareSourceOrder(a, b))[0]!;
    changes.push({ canonical, members: group });
  }
  return changes.sort((a, b) => compareSourceOrder(a.canonical, b.canonical));
}

/** Source order: ancestors before descendants, then by commit time. */
export function compareSourceOrder(a: IndexedCommit, b: IndexedCommit): number {
  return a.generation - b.generation || a.committedAt.localeCompare(b.committedAt) || a.sha.localeCompare(b.sha);
}

/** Where a change is in one environment, by the strongest evidence (DESIGN §4.2 steps 1–2). */
export function changePresence(change: Change, environment: string): Presence {
  if (change.canonical.environments.includes(environment)) return 'reachable';
  if (change.members.some((member) => member !== change.canonical && member.environments.includes(environment))) return 'equivalent';
  return 'absent';
}

function resolveSha(prefix: string, commits: IndexedCommit[]): string | undefined {
  return commits.find((commit) => commit.sha.startsWith(prefix))?.sha;
}

function dedupe(commits: IndexedCommit[]): IndexedCommit[] {
  const seen = new Map<string, IndexedCommit>();
  for (const commit of commits) if (!seen.has(commit.sha)) seen.set(commit.sha, commit);
  return [...seen.values()];
}

class UnionFind {
  private readonly parent = new Map<string, string>();

  add(key: string): void {
    if (!this.parent.has(key)) this.parent.set(key, key);
  }

  find(key: string): string {
    this.add(key);
    let root = key;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    let node = key;
    while (node !== root) {
      const next = this.parent.get(node)!;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  union(a: string, b: string): void {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA !== rootB) this.parent.set(rootB, rootA);
  }
}
