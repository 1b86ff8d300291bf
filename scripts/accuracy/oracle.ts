/**
 * An independent, plain-git reading of docs/history.md: for every ticket, per repository and per
 * environment, the environment state of §6.
 *
 * The accuracy harness compares gig's engine against this module, so it deliberately shares no code
 * with src/: it talks to git directly (argument arrays, never a shell) and re-implements the rules
 * from the document. Where it is simpler than the engine (no GitHub pull requests, no canonical
 * commit), the simplification cannot change a state; see the notes at each step.
 *
 * Git processes per repository: one for-each-ref, one rev-list per environment branch, one
 * `git log` for messages and written files, one `git log -p | git patch-id --stable` pipe, one
 * rev-list per merge that names a ticket, and (only when needed) one ls-tree per branch.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface OracleEnvironment {
  name: string;
  branch: string;
  /** The environment this one is fed from; absent/undefined: the previous one in the list (the first is a root); null: a root. */
  from?: string | null;
}

/** A git dir or working clone; a branch resolves refs/remotes/origin/<b> first, then refs/heads/<b>. */
export interface OracleRepository {
  name: string;
  path: string;
}

export interface OracleConfig {
  environments: OracleEnvironment[];
  repositories: OracleRepository[];
  /** e.g. '[A-Z][A-Z0-9]+-[0-9]+': matched case-insensitively, as an exact token. */
  ticketPattern: string;
  /** Allow-list of project keys (e.g. ['ORC']); null: every key. */
  projects: string[] | null;
  /** Owning trailer keys, e.g. ['Ticket', 'Jira', 'Issue', 'Fixes']. */
  trailers: string[];
}

export type OracleState = 'complete' | 'partial' | 'absent' | 'reverted' | 'no-branch';

/** ticket -> repository -> environment -> state, for every ticket owned by at least one commit reachable from an environment branch (repositories where the ticket owns nothing are left out). */
export async function oracleStates(config: OracleConfig): Promise<Map<string, Map<string, Map<string, OracleState>>>> {
  const environments = resolveEnvironments(config.environments);
  const tickets = ticketReader(config);
  const result = new Map<string, Map<string, Map<string, OracleState>>>();
  // Repositories one after another: each already runs its branch walks and two logs side by side.
  for (const repository of config.repositories) {
    const history = await readRepository(repository.path, environments, tickets);
    for (const [ticket, owned] of history.ownedBy) {
      const states = await ticketStates(owned, history, environments);
      if (!result.has(ticket)) result.set(ticket, new Map());
      result.get(ticket)!.set(repository.name, states);
    }
  }
  // Stable output order: by project key, then by number.
  return new Map([...result.entries()].sort(([a], [b]) => compareTickets(a, b)));
}

// ---------------------------------------------------------------------------------------------
// Environments (§1)

interface Environment {
  name: string;
  branch: string;
  /** Feeder, feeder's feeder, … up to the root, nearest first. */
  ancestors: string[];
}

function resolveEnvironments(list: OracleEnvironment[]): Environment[] {
  const byName = new Map<string, Environment>();
  const out: Environment[] = [];
  list.forEach((env, index) => {
    // `from` omitted: fed from the previous one in the list (a plain list is a promotion chain).
    const feeder = env.from === undefined ? (index === 0 ? null : list[index - 1]!.name) : env.from;
    let ancestors: string[] = [];
    if (feeder !== null) {
      const parent = byName.get(feeder);
      if (!parent) throw new Error(`environment ${env.name}: from "${feeder}" must name an environment listed earlier`);
      ancestors = [parent.name, ...parent.ancestors];
    }
    const resolved = { name: env.name, branch: env.branch, ancestors };
    byName.set(env.name, resolved);
    out.push(resolved);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ticket ids and ownership places (§2)

interface TicketReader {
  /** Ticket ids in a piece of text, upper case, limited to the allowed projects, deduplicated. */
  idsIn(text: string): string[];
  /** Tickets owning a commit by its own message: subject and configured trailers (never the rest of the body). */
  ownersOf(subject: string, body: string): Set<string>;
}

function ticketReader(config: OracleConfig): TicketReader {
  // Exact token: no letter or digit directly before or after (ABC-12 is not in ABC-123 or XABC-12).
  const token = new RegExp(`(?<![A-Za-z0-9])(?:${config.ticketPattern})(?![A-Za-z0-9])`, 'gi');
  const projects = config.projects ? new Set(config.projects.map((key) => key.toUpperCase())) : null;
  const trailerKeys = new Set(config.trailers.map((key) => key.toLowerCase()));
  const idsIn = (text: string): string[] => {
    const ids = new Set<string>();
    for (const match of text.matchAll(token)) {
      const id = match[0].toUpperCase();
      const dash = id.lastIndexOf('-');
      const project = dash > 0 ? id.slice(0, dash) : id;
      if (!projects || projects.has(project)) ids.add(id);
    }
    return [...ids];
  };
  return {
    idsIn,
    ownersOf(subject, body) {
      const owners = new Set(idsIn(subject));
      for (const line of body.split('\n')) {
        // A trailer is `Key: value` at the start of a body line; any other mention is only a reference.
        const trailer = /^([A-Za-z0-9][A-Za-z0-9_-]*)[ \t]*:(.*)$/.exec(line);
        if (trailer && trailerKeys.has(trailer[1]!.toLowerCase())) for (const id of idsIn(trailer[2]!)) owners.add(id);
      }
      return owners;
    },
  };
}

/** What a merge subject says was merged (docs/history.md §2): the source branch, not the "into" target. */
function mergedBranch(subject: string): string {
  const quoted = /^Merge (?:remote-tracking )?branch(?:es)? ((?:'[^']*'(?:, | and )?)+)/.exec(subject);
  const pull = /^Merge pull request #\d+ (?:in \S+ )?from (\S+)/.exec(subject);
  return quoted?.[1] ?? pull?.[1] ?? subject;
}

/** The pull-request title of a pull/merge-request merge commit (the first non-empty body line), or null. */
function pullRequestTitle(subject: string, body: string): string | null {
  const github = /^Merge pull request #\d+ from /.test(subject);
  const gitlab = /^Merge branch '[^']*' into '[^']*'/.test(subject);
  if (!github && !gitlab) return null;
  return body.split('\n').find((line) => line.trim() !== '') ?? null;
}

// ---------------------------------------------------------------------------------------------
// Normalised subject (§3)

// A leading [tag] naming a branch or version: [branch-3.9], [3.9], [2.x], [v1.2], [release-2.0], [backport].
const VERSION_TAG = /^\[\s*(?:backport|(?:branch|release)[-_/]?v?\d+(?:\.(?:\d+|x))*|v?\d+(?:\.(?:\d+|x))+|v?\d+\.x)\s*\]\s*/;
// A leading Backport / Backport: / Backport of / Cherry-pick / Cherry-pick of / cherry-pick: (lower case by then).
const BACKPORT_PREFIX = /^(?:backport|cherry-pick)(?:\s+of)?(?![a-z0-9-])\s*:?\s*/;

export function normaliseSubject(subject: string): string {
  let text = subject
    .toLowerCase()
    .replace(/\(#\d+\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // Tags and backport prefixes come in either order ("[2.3] Backport: …", "Backport [2.3] …"): strip until stable.
  for (;;) {
    const before = text;
    text = text.replace(VERSION_TAG, '');
    const prefix = BACKPORT_PREFIX.exec(text);
    if (prefix) {
      text = text.slice(prefix[0].length);
      const quoted = /^"(.*)"$/.exec(text) ?? /^'(.*)'$/.exec(text);
      if (quoted) text = quoted[1]!;
    }
    text = text.trim();
    if (text === before) break;
  }
  return text.replace(/\.$/, '').replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// Reading one repository

interface Commit {
  sha: string;
  /** Position in the topo-ordered log over all environment branches: 0 is the newest. */
  order: number;
  parents: string[];
  subject: string;
  body: string;
  /** Tickets owning it by subject or trailer. */
  owners: Set<string>;
  /** Tickets lent by the merges that brought it in (only when it owns none itself). */
  lent: Set<string>;
  /** `(cherry picked from commit <prefix>)` prefixes. */
  cherryFrom: string[];
  /** `This reverts commit <prefix>` prefixes. */
  revertsLine: string[];
  /** With no revert line: the subject a `Revert "…"` / `Reapply "…"` subject undoes. */
  revertsSubject: string | null;
  patchId: string | null;
  /** What the commit wrote: path -> blob, or null for a deletion. */
  writes: Array<[string, string | null]>;
}

interface History {
  commits: Map<string, Commit>;
  /** Environment name -> branch tip, or null when the branch does not exist here. */
  tips: Map<string, string | null>;
  /** Branch tip -> (commit -> topological position; 0 is the tip). */
  reach: Map<string, Map<string, number>>;
  /** Sorted SHAs, for abbreviated-SHA look-ups. */
  sorted: string[];
  byPatch: Map<string, string[]>;
  /** Target SHA -> commits whose cherry-pick line names it. */
  cherryPickedInto: Map<string, string[]>;
  /** Target SHA -> commits whose revert line names it. */
  revertedBy: Map<string, string[]>;
  /** Subject -> commits (without a revert line) whose subject undoes that subject. */
  revertedBySubject: Map<string, string[]>;
  /** Ticket -> non-merge commits it owns (by subject, trailer, or a lending merge). */
  ownedBy: Map<string, string[]>;
  /** Branch tip -> path -> blob, read lazily for the content check. */
  trees: Map<string, Promise<Map<string, string>>>;
  path: string;
}

async function readRepository(repoPath: string, environments: Environment[], tickets: TicketReader): Promise<History> {
  const refs = new Map<string, string>();
  await git(repoPath, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/remotes/origin/', 'refs/heads/'], lines((line) => {
    const space = line.indexOf(' ');
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }));
  const tips = new Map<string, string | null>();
  for (const env of environments) tips.set(env.name, refs.get(`refs/remotes/origin/${env.branch}`) ?? refs.get(`refs/heads/${env.branch}`) ?? null);
  const distinctTips = [...new Set([...tips.values()].filter((tip): tip is string => tip !== null))];

  const history: History = {
    commits: new Map(),
    tips,
    reach: new Map(),
    sorted: [],
    byPatch: new Map(),
    cherryPickedInto: new Map(),
    revertedBy: new Map(),
    revertedBySubject: new Map(),
    ownedBy: new Map(),
    trees: new Map(),
    path: repoPath,
  };
  if (distinctTips.length === 0) return history;

  const patchIds = new Map<string, string>();
  await Promise.all([
    ...distinctTips.map((tip) => readReach(repoPath, tip).then((reach) => history.reach.set(tip, reach))),
    readMessages(repoPath, distinctTips, tickets, history.commits),
    readPatchIds(repoPath, distinctTips, patchIds),
  ]);

  for (const [sha, patchId] of patchIds) {
    const commit = history.commits.get(sha);
    if (!commit) continue;
    commit.patchId = patchId;
    push(history.byPatch, patchId, sha);
  }
  history.sorted = [...history.commits.keys()].sort();
  for (const commit of history.commits.values()) {
    for (const prefix of commit.cherryFrom) for (const target of resolve(history, prefix)) push(history.cherryPickedInto, target, commit.sha);
    for (const prefix of commit.revertsLine) for (const target of resolve(history, prefix)) push(history.revertedBy, target, commit.sha);
    if (commit.revertsSubject !== null) push(history.revertedBySubject, commit.revertsSubject, commit.sha);
  }

  await lendMergeTickets(repoPath, history, tickets);

  for (const commit of history.commits.values()) {
    if (commit.parents.length > 1 || commit.writes.length === 0) continue; // merges and empty commits are never changes (§2)
    for (const ticket of new Set([...commit.owners, ...commit.lent])) push(history.ownedBy, ticket, commit.sha);
  }
  return history;
}

/** Every commit reachable from a tip, with its topological position (0 = the tip, larger = older). */
async function readReach(repoPath: string, tip: string): Promise<Map<string, number>> {
  const reach = new Map<string, number>();
  await git(repoPath, ['rev-list', '--topo-order', tip], lines((sha) => {
    if (sha) reach.set(sha, reach.size);
  }));
  return reach;
}

/**
 * Messages and written files of every commit reachable from an environment branch, in one log.
 * Records start with \x1e and fields end with \x1f, so multi-line messages need no guessing; -z
 * makes the --raw paths NUL-separated and unquoted.
 */
async function readMessages(repoPath: string, tips: string[], tickets: TicketReader, commits: Map<string, Commit>): Promise<void> {
  const args = ['log', '--topo-order', '-z', '--raw', '--no-abbrev', '-M', '--root', '--no-color', '--no-ext-diff', '--format=%x1e%H%x1f%P%x1f%B%x1f', ...tips, '--'];
  await git(repoPath, args, records('\x1e', (record) => {
    const first = record.indexOf('\x1f');
    const second = record.indexOf('\x1f', first + 1);
    const last = record.lastIndexOf('\x1f');
    if (first < 0 || second < 0 || last <= second) return;
    const sha = record.slice(0, first).trim();
    const parents = record.slice(first + 1, second).split(' ').filter(Boolean);
    const message = record.slice(second + 1, last);
    const newline = message.indexOf('\n');
    const subject = (newline < 0 ? message : message.slice(0, newline)).trim();
    const body = newline < 0 ? '' : message.slice(newline + 1);
    const revertsLine = [...message.matchAll(/This reverts commit ([0-9a-f]{7,40})(?![0-9a-f])/gi)].map((m) => m[1]!.toLowerCase());
    let revertsSubject: string | null = null;
    if (revertsLine.length === 0) {
      const revert = /^Revert "(.*)"$/.exec(subject);
      const reapply = /^Reapply "(.*)"$/.exec(subject);
      // `Reapply "X"` undoes the commit whose subject is `Revert "X"` (how git names a revert of a revert).
      revertsSubject = revert ? revert[1]! : reapply ? `Revert "${reapply[1]!}"` : null;
    }
    commits.set(sha, {
      sha,
      order: commits.size,
      parents,
      subject,
      body,
      owners: tickets.ownersOf(subject, body),
      lent: new Set(),
      cherryFrom: [...message.matchAll(/\(cherry picked from commit ([0-9a-f]{7,40})(?![0-9a-f])/gi)].map((m) => m[1]!.toLowerCase()),
      revertsLine,
      revertsSubject,
      patchId: null,
      writes: parseRaw(record.slice(last + 1)),
    });
  }));
}

/** `--raw -z` entries: ":<modes> <old> <new> <status>\0<path>\0" (two paths for renames and copies). */
function parseRaw(text: string): Array<[string, string | null]> {
  const parts = text.split('\0');
  const writes: Array<[string, string | null]> = [];
  for (let i = 0; i < parts.length; i++) {
    const meta = parts[i]!.replace(/^\n+/, '');
    if (!meta.startsWith(':')) continue;
    const fields = meta.slice(1).split(' ');
    const blob = fields[3]!;
    const status = fields[4] ?? '';
    if (status.startsWith('R') || status.startsWith('C')) {
      const from = parts[i + 1]!;
      const to = parts[i + 2]!;
      i += 2;
      if (status.startsWith('R')) writes.push([from, null]); // a rename also removes the old path
      writes.push([to, blob]);
    } else {
      const file = parts[i + 1]!;
      i += 1;
      writes.push([file, status.startsWith('D') ? null : blob]);
    }
  }
  return writes;
}

/**
 * `git log -p --no-merges … | git patch-id --stable`, as two processes joined by a pipe: the diffs
 * stream through and only the (patch-id, commit) pairs are kept.
 */
async function readPatchIds(repoPath: string, tips: string[], out: Map<string, string>): Promise<void> {
  const log = spawnGit(repoPath, ['log', '-p', '-M', '--no-merges', '--no-color', '--no-ext-diff', '--no-textconv', '--format=commit %H', ...tips, '--'], ['ignore', 'pipe', 'pipe']);
  const patchId = spawnGit(repoPath, ['patch-id', '--stable'], ['pipe', 'pipe', 'pipe']);
  log.stdout!.pipe(patchId.stdin!);
  // If patch-id dies early the pipe breaks; that is reported through its exit code below.
  patchId.stdin!.on('error', () => undefined);
  const handle = lines((line) => {
    const [id, sha] = line.split(' ');
    if (id && sha) out.set(sha, id);
  });
  await Promise.all([finished(log, null, 'git log -p'), finished(patchId, handle, 'git patch-id')]);
}

/**
 * §2 `branch` and `pr`: a merge lends the tickets its subject names (and, for a pull/merge-request
 * merge, the tickets of the pull-request title in its first body line) to the commits it brings in,
 * i.e. those reachable from parents 2..n and not from parent 1, that own no ticket themselves.
 */
async function lendMergeTickets(repoPath: string, history: History, tickets: TicketReader): Promise<void> {
  const merges: Array<{ sha: string; firstParent: string; lends: string[] }> = [];
  for (const commit of history.commits.values()) {
    if (commit.parents.length < 2) continue;
    const title = pullRequestTitle(commit.subject, commit.body);
    const lends = [...new Set([...tickets.idsIn(mergedBranch(commit.subject)), ...(title ? tickets.idsIn(title) : [])])];
    if (lends.length > 0) merges.push({ sha: commit.sha, firstParent: commit.parents[0]!, lends });
  }
  await inBatches(merges, 8, async (merge) => {
    await git(repoPath, ['rev-list', '--no-merges', merge.sha, `^${merge.firstParent}`, '--'], lines((sha) => {
      const commit = history.commits.get(sha);
      if (commit && commit.owners.size === 0) for (const ticket of merge.lends) commit.lent.add(ticket);
    }));
  });
}

// ---------------------------------------------------------------------------------------------
// One ticket in one repository: changes (§3), presence (§4), expected (§5), state (§6)

type Presence = 'present' | 'reverted' | 'absent' | 'no-branch';

async function ticketStates(owned: string[], history: History, environments: Environment[]): Promise<Map<string, OracleState>> {
  const tips = environments.map((env) => history.tips.get(env.name) ?? null);
  // presence[change][environment], computed once: §5 reads the ancestors' presence.
  const presence: Presence[][] = [];
  // Oldest change first: a content match proves nothing where an older change to the same file is missing (§4).
  const oldest = (change: Change): number => Math.max(...change.map((sha) => history.commits.get(sha)!.order));
  const changes = groupChanges(owned, history).sort((a, b) => oldest(b) - oldest(a));
  const missingPaths = tips.map(() => new Set<string>());
  for (const change of changes) {
    const signs = signsOf(change, history);
    const row: Presence[] = [];
    for (const tip of tips) row.push(presenceOn(change, signs, tip, history));
    for (const [e, tip] of tips.entries()) {
      if (row[e] === 'absent' && (await squashedOn(change, signs, tip!, history, missingPaths[e]!))) row[e] = 'present';
      if (row[e] === 'absent') for (const sha of change) if (signs.get(sha)! > 0) for (const [file] of history.commits.get(sha)!.writes) missingPaths[e]!.add(file);
    }
    presence.push(row);
  }
  const index = new Map(environments.map((env, i) => [env.name, i]));
  const states = new Map<string, OracleState>();
  environments.forEach((env, e) => {
    if (tips[e] === null) {
      states.set(env.name, 'no-branch');
      return;
    }
    let present = 0;
    let reverted = 0;
    let missing = 0;
    for (const row of presence) {
      const here = row[e]!;
      if (here === 'present') present++;
      else if (here === 'reverted') reverted++;
      else if (isExpected(env, row, index)) missing++;
    }
    // §6; an environment holding nothing of the ticket is absent, whatever is missing or reverted elsewhere.
    states.set(env.name, present === 0 ? (reverted > 0 && missing === 0 ? 'reverted' : 'absent') : missing > 0 ? 'partial' : 'complete');
  });
  return states;
}

/** §5: the first ancestor where the change has a member (or arrived squashed) decides; present there → expected here. */
function isExpected(env: Environment, row: Presence[], index: Map<string, number>): boolean {
  for (const ancestor of env.ancestors) {
    const there = row[index.get(ancestor)!]!;
    if (there === 'present') return true;
    if (there === 'reverted') return false;
    // 'absent' or 'no-branch': nothing of the change there; keep walking up.
  }
  return false;
}

/** A change: its members (owned copies, non-owned copies, reverts). */
type Change = string[];

/**
 * §3: union-find over the ticket's commits. Patch-id, cherry-pick lines and reverts are followed
 * transitively (they may pull in commits the ticket does not own); the subject rule then joins
 * changes of owned commits, but never two changes that one environment branch both holds.
 */
function groupChanges(owned: string[], history: History): Change[] {
  const parent = new Map<string, string>();
  const find = (sha: string): string => {
    let root = sha;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let node = sha; node !== root; ) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };

  const queue = [...owned];
  for (const sha of owned) parent.set(sha, sha);
  while (queue.length > 0) {
    const sha = queue.pop()!;
    for (const other of linkedTo(sha, history)) {
      const commit = history.commits.get(other);
      if (!commit || commit.parents.length > 1 || commit.writes.length === 0) continue; // merges and empty commits are never changes
      if (!parent.has(other)) {
        parent.set(other, other);
        queue.push(other);
      }
      union(sha, other);
    }
  }

  // Subject rule, oldest first so the outcome does not depend on hash order. The "no branch holds
  // both" check runs against the whole change so far, so two same-subject commits on one branch
  // never end up in one change, not even through a third copy elsewhere.
  const reaches = [...new Set(history.tips.values())].filter((tip): tip is string => tip !== null).map((tip) => history.reach.get(tip)!);
  const groups = new Map<string, string[]>();
  for (const sha of parent.keys()) push(groups, find(sha), sha);
  const holders = (root: string): boolean[] => reaches.map((reach) => groups.get(root)!.some((sha) => reach.has(sha)));
  const bySubject = new Map<string, string[]>();
  for (const sha of [...owned].sort((a, b) => history.commits.get(b)!.order - history.commits.get(a)!.order)) {
    const subject = normaliseSubject(history.commits.get(sha)!.subject);
    if (subject !== '') push(bySubject, subject, sha);
  }
  for (const shas of bySubject.values()) {
    for (let i = 1; i < shas.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = find(shas[j]!);
        const b = find(shas[i]!);
        if (a === b) continue;
        const heldA = holders(a);
        if (holders(b).some((held, k) => held && heldA[k])) continue;
        parent.set(b, a);
        groups.set(a, [...groups.get(a)!, ...groups.get(b)!]);
        groups.delete(b);
      }
    }
  }
  return [...groups.values()];
}

/** Commits linked to one by patch-id, a cherry-pick line (either direction) or a revert of it. */
function linkedTo(sha: string, history: History): string[] {
  const commit = history.commits.get(sha)!;
  const out: string[] = [];
  if (commit.patchId !== null) out.push(...(history.byPatch.get(commit.patchId) ?? []));
  for (const prefix of commit.cherryFrom) out.push(...resolve(history, prefix));
  out.push(...(history.cherryPickedInto.get(sha) ?? []));
  out.push(...(history.revertedBy.get(sha) ?? []));
  out.push(...(history.revertedBySubject.get(commit.subject) ?? []));
  return out.filter((other) => other !== sha);
}

/**
 * +1 for an application, -1 for a removal. A revert takes the opposite sign of what it undoes
 * (so a revert of a revert applies again); a copy of a revert that lost its revert line (patch-id
 * or cherry-pick evidence only) takes that revert's sign; everything else applies.
 */
function signsOf(change: Change, history: History): Map<string, number> {
  const inChange = new Set(change);
  const undoes = new Map<string, string[]>();
  for (const sha of change) {
    const commit = history.commits.get(sha)!;
    const targets = commit.revertsLine.flatMap((prefix) => resolve(history, prefix)).filter((t) => inChange.has(t) && t !== sha);
    if (commit.revertsLine.length === 0 && commit.revertsSubject !== null) {
      targets.push(...change.filter((other) => other !== sha && history.commits.get(other)!.subject === commit.revertsSubject));
    }
    if (targets.length > 0) undoes.set(sha, targets);
  }
  // Does `from` undo `target`, directly or through a chain of reverts?
  const undoesTransitively = (from: string, target: string, seen = new Set<string>()): boolean => {
    if (seen.has(from)) return false;
    seen.add(from);
    return (undoes.get(from) ?? []).some((t) => t === target || undoesTransitively(t, target, seen));
  };
  const signs = new Map<string, number>();
  const visiting = new Set<string>();
  const signOf = (sha: string): number => {
    const known = signs.get(sha);
    if (known !== undefined) return known;
    if (visiting.has(sha)) return 1; // a loop in odd evidence: read it as an application
    visiting.add(sha);
    let sign = 1;
    const targets = undoes.get(sha);
    if (targets) sign = -signOf(targets[0]!);
    else {
      const revertCopy = linkedTo(sha, history).find((other) => inChange.has(other) && undoes.has(other) && !undoesTransitively(other, sha) && isCopyLink(sha, other, history));
      if (revertCopy) sign = signOf(revertCopy);
    }
    visiting.delete(sha);
    signs.set(sha, sign);
    return sign;
  };
  for (const sha of change) signOf(sha);
  return signs;
}

/** Patch-id or cherry-pick evidence between two commits (not a revert link). */
function isCopyLink(a: string, b: string, history: History): boolean {
  const ca = history.commits.get(a)!;
  const cb = history.commits.get(b)!;
  if (ca.patchId !== null && ca.patchId === cb.patchId) return true;
  return ca.cherryFrom.some((prefix) => b.startsWith(prefix)) || cb.cherryFrom.some((prefix) => a.startsWith(prefix));
}

/**
 * §4 on one branch: the newest member reachable decides applied vs reverted; with none there, the
 * change is still present when an application member's written files all hold its content there
 * ('squashed' by content; the pull-request evidence needs GitHub and is out of a plain-git oracle's reach).
 */
function presenceOn(change: Change, signs: Map<string, number>, tip: string | null, history: History): Presence {
  if (tip === null) return 'no-branch';
  const reach = history.reach.get(tip)!;
  let newest: string | null = null;
  let newestPosition = Infinity;
  for (const sha of change) {
    const position = reach.get(sha);
    if (position !== undefined && position < newestPosition) {
      newest = sha;
      newestPosition = position;
    }
  }
  if (newest !== null) return signs.get(newest)! > 0 ? 'present' : 'reverted';
  return 'absent';
}

/** The content check of §4 needs ls-tree; it runs only for (change, branch) pairs that are otherwise absent. */
async function squashedOn(change: Change, signs: Map<string, number>, tip: string, history: History, missingPaths: Set<string>): Promise<boolean> {
  const candidates = change.filter((sha) => {
    const writes = history.commits.get(sha)!.writes;
    return signs.get(sha)! > 0 && writes.some(([, blob]) => blob !== null) && !writes.some(([file]) => missingPaths.has(file));
  });
  if (candidates.length === 0) return false;
  let tree = history.trees.get(tip);
  if (!tree) {
    tree = readTree(history.path, tip);
    history.trees.set(tip, tree);
  }
  const files = await tree;
  // Every file the commit wrote holds that blob on the branch; a file it deleted must be gone too.
  return candidates.some((sha) => history.commits.get(sha)!.writes.every(([file, blob]) => (blob === null ? !files.has(file) : files.get(file) === blob)));
}

async function readTree(repoPath: string, tip: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  await git(repoPath, ['ls-tree', '-r', '-z', '--full-tree', tip], records('\0', (entry) => {
    // "<mode> <type> <object>\t<path>"
    const tab = entry.indexOf('\t');
    if (tab < 0) return;
    const object = entry.slice(0, tab).split(' ')[2];
    if (object) files.set(entry.slice(tab + 1), object);
  }));
  return files;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Commits whose SHA starts with an abbreviated SHA (7+ hex digits). */
function resolve(history: History, prefix: string): string[] {
  const sorted = history.sorted;
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < prefix) low = mid + 1;
    else high = mid;
  }
  const out: string[] = [];
  for (let i = low; i < sorted.length && sorted[i]!.startsWith(prefix); i++) out.push(sorted[i]!);
  return out;
}

function compareTickets(a: string, b: string): number {
  const da = a.lastIndexOf('-');
  const db = b.lastIndexOf('-');
  const ka = a.slice(0, da);
  const kb = b.slice(0, db);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return Number(a.slice(da + 1)) - Number(b.slice(db + 1)) || (a < b ? -1 : a > b ? 1 : 0);
}

async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

// ---------------------------------------------------------------------------------------------
// Running git

// User configuration must not change what the oracle reads (signatures in logs, colours, diff prefixes).
const GIT_OPTIONS = ['-c', 'log.showSignature=false', '-c', 'color.ui=never', '-c', 'diff.noprefix=false', '-c', 'diff.mnemonicPrefix=false', '-c', 'core.quotePath=false'];

type Stdio = Array<'pipe' | 'ignore'>;

function spawnGit(repoPath: string, args: string[], stdio: Stdio): ReturnType<typeof spawn> {
  return spawn('git', ['-C', repoPath, ...GIT_OPTIONS, ...args], { stdio, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
}

/** Runs git, streaming its stdout to `onText`. */
function git(repoPath: string, args: string[], onText: TextSink): Promise<void> {
  const child = spawnGit(repoPath, args, ['ignore', 'pipe', 'pipe']);
  return finished(child, onText, `git ${args[0]}`);
}

interface TextSink {
  write(text: string): void;
  end(): void;
}

/** Resolves when the process exits 0 (after its stdout is drained into `sink`), rejects otherwise. */
function finished(child: ReturnType<typeof spawn>, sink: TextSink | null, label: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let stderr = '';
    const decoder = new StringDecoder('utf8');
    if (sink) child.stdout!.on('data', (chunk: Buffer) => sink.write(decoder.write(chunk)));
    child.stderr!.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${label} failed (exit ${code}): ${stderr.trim()}`));
        return;
      }
      if (sink) {
        sink.write(decoder.end());
        sink.end();
      }
      resolvePromise();
    });
  });
}

/** A sink that calls `onRecord` for each `separator`-terminated record (and a final unterminated one). */
function records(separator: string, onRecord: (record: string) => void): TextSink {
  let pending = '';
  return {
    write(text) {
      // Only the new text can hold a separator: a record spanning many chunks is not rescanned.
      let at = text.indexOf(separator);
      if (at < 0) {
        pending += text;
        return;
      }
      let start = 0;
      for (; at >= 0; at = text.indexOf(separator, start)) {
        const record = pending + text.slice(start, at);
        pending = '';
        if (record !== '') onRecord(record);
        start = at + separator.length;
      }
      pending = text.slice(start);
    },
    end() {
      if (pending !== '') onRecord(pending);
      pending = '';
    },
  };
}

function lines(onLine: (line: string) => void): TextSink {
  return records('\n', (line) => onLine(line.replace(/\r$/, '')));
}
