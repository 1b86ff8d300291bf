import type { Evidence, IndexedCommit } from './model.js';
import { normaliseSubject, revertedSubject } from './subjects.js';
import { depthOf, type Topology } from './topology.js';

/**
 * One change of a ticket (docs/history.md §3): a commit, its copies (cherry-picks, re-applied
 * patches, backports re-done by hand) and the reverts that undo it, in one repository.
 */
export interface Change {
  canonical: IndexedCommit;
  members: ChangeMember[];
}

export interface ChangeMember {
  commit: IndexedCommit;
  /** +1 applies the change, -1 removes it (a revert; a revert of a revert applies it again). */
  sign: 1 | -1;
  /** How the member is known to be this change; null for the canonical commit. */
  evidence: Evidence | null;
}

interface Link {
  a: string;
  b: string;
  evidence: Evidence | 'revert';
}

/**
 * Groups the ticket's commits and their relatives into changes. `owned` are the ticket's own
 * commits; relatives (same patch-id, a cherry-pick line, a revert) join a change only through
 * such evidence. Only groups holding an application owned by the ticket are its changes.
 */
export function groupChanges(owned: IndexedCommit[], relatives: IndexedCommit[], topology: Topology): Change[] {
  const all = dedupe([...owned, ...relatives]);
  const ownedShas = new Set(owned.map((commit) => commit.sha));
  const bySha = new Map(all.map((commit) => [commit.sha, commit]));
  const groups = new UnionFind(all.map((commit) => commit.sha));
  const links: Link[] = [];
  const link = (a: string, b: string, evidence: Link['evidence']): void => {
    links.push({ a, b, evidence });
    groups.union(a, b);
  };

  // Copies by content and by provenance, whoever owns them.
  const byPatchId = new Map<string, string>();
  for (const commit of all) {
    if (commit.patchId === null) continue;
    const first = byPatchId.get(commit.patchId);
    if (first === undefined) byPatchId.set(commit.patchId, commit.sha);
    else link(first, commit.sha, 'patch');
  }
  for (const commit of all) {
    for (const origin of commit.cherryPickedFrom) {
      const target = resolvePrefix(origin, all);
      if (target !== undefined && target !== commit.sha) link(target, commit.sha, 'cherry-pick');
    }
  }

  const revertTargets = findRevertTargets(all);
  const isRevert = (sha: string): boolean => revertTargets.has(sha);

  // Re-done by hand: the ticket's own commits with one normalised subject, never two on one branch.
  const environmentsOf = new Map<string, Set<string>>();
  const groupEnvironments = (sha: string): Set<string> => {
    const root = groups.find(sha);
    let envs = environmentsOf.get(root);
    if (!envs) {
      envs = new Set(all.filter((commit) => groups.find(commit.sha) === root && !isRevert(commit.sha)).flatMap((commit) => commit.environments));
      environmentsOf.set(root, envs);
    }
    return envs;
  };
  const bySubject = new Map<string, IndexedCommit[]>();
  for (const commit of [...owned].sort(compareSourceOrder)) {
    if (isRevert(commit.sha)) continue;
    const key = normaliseSubject(commit.subject);
    if (key === '') continue;
    const earlier = bySubject.get(key) ?? [];
    for (const candidate of earlier) {
      if (groups.find(candidate.sha) === groups.find(commit.sha)) break;
      const mine = groupEnvironments(commit.sha);
      const theirs = groupEnvironments(candidate.sha);
      if ([...mine].some((env) => theirs.has(env))) continue;
      const merged = new Set([...mine, ...theirs]);
      link(candidate.sha, commit.sha, 'subject');
      environmentsOf.set(groups.find(commit.sha), merged);
      break;
    }
    bySubject.set(key, [...earlier, commit]);
  }

  // A revert joins the change it undoes when that change is the ticket's; otherwise it is a change of its own.
  const ownsApplication = (sha: string): boolean => {
    const root = groups.find(sha);
    return all.some((commit) => groups.find(commit.sha) === root && ownedShas.has(commit.sha) && !isRevert(commit.sha));
  };
  for (const [revert, target] of [...revertTargets].sort(([a], [b]) => compareSourceOrder(bySha.get(a)!, bySha.get(b)!))) {
    if (ownsApplication(target)) link(target, revert, 'revert');
  }

  const members = new Map<string, IndexedCommit[]>();
  for (const commit of all) {
    const root = groups.find(commit.sha);
    members.set(root, [...(members.get(root) ?? []), commit]);
  }
  const changes: Change[] = [];
  for (const group of members.values()) {
    const signs = assignSigns(group, links);
    const candidates = group.filter((commit) => ownedShas.has(commit.sha) && signs.get(commit.sha) === 1);
    if (candidates.length === 0) continue;
    const nearestRoot = (commit: IndexedCommit): number => Math.min(Number.POSITIVE_INFINITY, ...commit.environments.map((env) => depthOf(topology, env)));
    const canonical = [...candidates].sort((a, b) => nearestRoot(a) - nearestRoot(b) || compareSourceOrder(a, b))[0]!;
    const evidence = evidenceFrom(canonical.sha, group, links);
    changes.push({
      canonical,
      members: group.sort(compareSourceOrder).map((commit) => ({
        commit,
        sign: signs.get(commit.sha) ?? 1,
        evidence: commit === canonical ? null : (evidence.get(commit.sha) ?? 'patch'),
      })),
    });
  }
  return changes.sort((a, b) => compareSourceOrder(a.canonical, b.canonical));
}

/** Source order: ancestors before descendants, then by commit time (ISO strings and SHAs compare as plain text). */
export function compareSourceOrder(a: IndexedCommit, b: IndexedCommit): number {
  return a.generation - b.generation || compareText(a.committedAt, b.committedAt) || compareText(a.sha, b.sha);
}

/** Code-unit order: for ASCII text the same as localeCompare's, without loading the ICU collator. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * revert → the commit it undoes: named by `This reverts commit <sha>`, or, when the message names
 * none, the newest earlier commit whose subject the `Revert "<subject>"` line repeats (one on the
 * same branch first).
 */
function findRevertTargets(all: IndexedCommit[]): Map<string, string> {
  const targets = new Map<string, string>();
  for (const commit of all) {
    const named = commit.reverts.map((prefix) => resolvePrefix(prefix, all)).find((sha) => sha !== undefined && sha !== commit.sha);
    if (named !== undefined) {
      targets.set(commit.sha, named);
      continue;
    }
    if (commit.reverts.length > 0) continue;
    const subject = revertedSubject(commit.subject);
    if (subject === null) continue;
    const shares = (other: IndexedCommit): boolean => other.environments.some((env) => commit.environments.includes(env));
    const candidate = all
      .filter((other) => other.subject === subject && compareSourceOrder(other, commit) < 0)
      .sort((a, b) => Number(shares(b)) - Number(shares(a)) || compareSourceOrder(b, a))[0];
    if (candidate) targets.set(commit.sha, candidate.sha);
  }
  return targets;
}

/**
 * Signs from the links: copies share a sign, a revert has the opposite one. The walk starts from an
 * application (a member that reverts nothing), so the change's own commits read +1.
 */
function assignSigns(group: IndexedCommit[], links: Link[]): Map<string, 1 | -1> {
  const inGroup = new Set(group.map((commit) => commit.sha));
  const relevant = links.filter((entry) => inGroup.has(entry.a) && inGroup.has(entry.b));
  const reverting = new Set(relevant.filter((entry) => entry.evidence === 'revert').map((entry) => entry.b));
  const start = [...group].sort(compareSourceOrder).find((commit) => !reverting.has(commit.sha)) ?? group[0]!;
  const signs = new Map<string, 1 | -1>([[start.sha, 1]]);
  const queue = [start.sha];
  while (queue.length > 0) {
    const sha = queue.shift()!;
    for (const entry of relevant) {
      const other = entry.a === sha ? entry.b : entry.b === sha ? entry.a : null;
      if (other === null || signs.has(other)) continue;
      const sign = signs.get(sha)!;
      signs.set(other, entry.evidence === 'revert' ? (-sign as 1 | -1) : sign);
      queue.push(other);
    }
  }
  return signs;
}

/**
 * The evidence each member rests on, seen from the canonical commit: `patch` when it has the
 * canonical commit's patch-id, `cherry-pick` when provenance lines (or patch-ids) connect them,
 * `subject` when only a re-typed subject does, `revert` never (reverts are told apart by sign).
 */
function evidenceFrom(canonical: string, group: IndexedCommit[], links: Link[]): Map<string, Evidence> {
  const evidence = new Map<string, Evidence>();
  const canonicalPatch = group.find((commit) => commit.sha === canonical)?.patchId ?? null;
  const reach = (allowed: ReadonlySet<Link['evidence']>): Set<string> => {
    const seen = new Set([canonical]);
    const queue = [canonical];
    while (queue.length > 0) {
      const sha = queue.shift()!;
      for (const entry of links) {
        if (!allowed.has(entry.evidence)) continue;
        const other = entry.a === sha ? entry.b : entry.b === sha ? entry.a : null;
        if (other !== null && !seen.has(other)) {
          seen.add(other);
          queue.push(other);
        }
      }
    }
    return seen;
  };
  const byProvenance = reach(new Set(['patch', 'cherry-pick']));
  const bySubject = reach(new Set(['patch', 'cherry-pick', 'subject', 'revert']));
  for (const commit of group) {
    if (commit.sha === canonical) continue;
    if (canonicalPatch !== null && commit.patchId === canonicalPatch) evidence.set(commit.sha, 'patch');
    else if (byProvenance.has(commit.sha)) evidence.set(commit.sha, 'cherry-pick');
    else if (bySubject.has(commit.sha)) evidence.set(commit.sha, 'subject');
  }
  return evidence;
}

function resolvePrefix(prefix: string, commits: IndexedCommit[]): string | undefined {
  const matches = commits.filter((commit) => commit.sha.startsWith(prefix));
  return matches.length === 1 ? matches[0]!.sha : undefined;
}

function dedupe(commits: IndexedCommit[]): IndexedCommit[] {
  const seen = new Map<string, IndexedCommit>();
  for (const commit of commits) if (!seen.has(commit.sha)) seen.set(commit.sha, commit);
  return [...seen.values()];
}

class UnionFind {
  private readonly parent = new Map<string, string>();

  constructor(keys: string[]) {
    for (const key of keys) this.parent.set(key, key);
  }

  find(key: string): string {
    if (!this.parent.has(key)) this.parent.set(key, key);
    let root = key;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    for (let node = key; node !== root; ) {
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
