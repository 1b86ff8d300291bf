/**
 * The accuracy oracle (scripts/accuracy/oracle.ts) against small real repositories, one rule of
 * docs/history.md per case. The builder below is deliberately local: the oracle and its tests share
 * nothing with src/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { oracleStates, normaliseSubject, type OracleConfig, type OracleEnvironment, type OracleState } from '../scripts/accuracy/oracle.js';

const temporary: string[] = [];
afterEach(() => {
  while (temporary.length > 0) rmSync(temporary.pop()!, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gig-oracle-'));
  temporary.push(dir);
  return dir;
}

// Git without the user's configuration, with a clock that ticks one minute per commit.
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };
const IDENTITY = ['-c', 'user.name=Oracle Test', '-c', 'user.email=oracle@example.test', '-c', 'commit.gpgsign=false'];

class Repo {
  private clock = Date.UTC(2026, 0, 1);
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.git('init', '-q', '-b', 'main');
  }

  git(...args: string[]): string {
    const date = new Date((this.clock += 60_000)).toISOString();
    return execFileSync('git', [...IDENTITY, ...args], {
      cwd: this.dir,
      env: { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      encoding: 'utf8',
    }).trim();
  }

  /** Writes (or, for null, deletes) files and commits them; returns the SHA. */
  commit(message: string, files: Record<string, string | null>): string {
    for (const [file, content] of Object.entries(files)) {
      const full = path.join(this.dir, file);
      if (content === null) unlinkSync(full);
      else {
        mkdirSync(path.dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD');
  }

  checkout(branch: string, create?: { from: string }): void {
    if (create) this.git('checkout', '-q', '-b', branch, create.from);
    else this.git('checkout', '-q', branch);
  }

  cherryPick(sha: string, x = true): string {
    this.git('cherry-pick', ...(x ? ['-x'] : []), sha);
    return this.head();
  }

  revert(sha: string): string {
    this.git('revert', '--no-edit', sha);
    return this.head();
  }

  merge(branch: string, message: string): string {
    this.git('merge', '-q', '--no-ff', '-m', message, branch);
    return this.head();
  }
}

const RELEASE_LINES: OracleEnvironment[] = [
  { name: 'main', branch: 'main' },
  { name: '2.3', branch: 'branch-2.3', from: 'main' },
  { name: '2.2', branch: 'branch-2.2', from: 'main' },
];
const CHAIN: OracleEnvironment[] = [
  { name: 'dev', branch: 'develop' },
  { name: 'qa', branch: 'test' },
  { name: 'uat', branch: 'uat' },
  { name: 'prod', branch: 'main' },
];

function config(repos: Repo[], environments: OracleEnvironment[], projects: string[] | null = ['ABC']): OracleConfig {
  return {
    environments,
    repositories: repos.map((repo) => ({ name: path.basename(repo.dir), path: repo.dir })),
    ticketPattern: '[A-Z][A-Z0-9]+-[0-9]+',
    projects,
    trailers: ['Ticket', 'Jira', 'Issue', 'Fixes'],
  };
}

/** ticket -> "env=state …" for one repository, easy to read in a failing assertion. */
async function statesOf(repo: Repo, environments: OracleEnvironment[], projects: string[] | null = ['ABC']): Promise<Record<string, string>> {
  const all = await oracleStates(config([repo], environments, projects));
  const out: Record<string, string> = {};
  for (const [ticket, byRepo] of all) {
    const states = byRepo.get(path.basename(repo.dir));
    if (states) out[ticket] = [...states].map(([env, state]) => `${env}=${state}`).join(' ');
  }
  return out;
}

/** A repository with a base commit on main and the two release branches cut from it. */
function releaseRepo(): Repo {
  const repo = new Repo(path.join(tempDir(), 'core'));
  repo.commit('Initial commit', { 'README.md': 'core\n', 'totals.txt': 'a\nb\nc\n' });
  repo.git('branch', 'branch-2.3');
  repo.git('branch', 'branch-2.2');
  return repo;
}

/** A repository with develop, test and uat cut from main's base commit; develop checked out. */
function chainRepo(): Repo {
  const repo = new Repo(path.join(tempDir(), 'app'));
  repo.commit('Initial commit', { 'README.md': 'app\n' });
  for (const branch of ['develop', 'test', 'uat']) repo.git('branch', branch);
  repo.checkout('develop');
  return repo;
}

/** Fast-forwards `target` to `source` (a promotion). */
function promote(repo: Repo, source: string, target: string): void {
  repo.git('branch', '-f', target, source);
}

describe('oracle: ownership (§2)', () => {
  it('the subject and owning trailers own a commit; a body mention does not', async () => {
    const repo = releaseRepo();
    repo.checkout('branch-2.3');
    repo.commit('tidy imports\n\nTicket: ABC-7', { 'imports.txt': 'tidy\n' });
    repo.checkout('main');
    repo.git('merge', '-q', 'branch-2.3'); // main now has the trailer commit too
    repo.commit('refactor parser\n\nsee ABC-7 for context; a follow-up to ABC-9', { 'parser.txt': 'refactored\n' });
    repo.commit('abc-8: lower-case keys count', { 'keys.txt': '1\n' });
    repo.commit('XABC-5 and ABC-55 are other tokens', { 'other.txt': '1\n' });
    repo.commit('FOO-1 outside the project list', { 'foo.txt': '1\n' });
    repo.commit('Depends-On lines are neither\n\nDepends-On: ABC-10\nRefs: ABC-11', { 'dep.txt': '1\n' });

    const states = await statesOf(repo, RELEASE_LINES);
    // If the body mention owned ABC-7, 2.3 would miss "refactor parser" and be partial.
    expect(states['ABC-7']).toBe('main=complete 2.3=complete 2.2=absent');
    expect(states['ABC-8']).toBe('main=complete 2.3=absent 2.2=absent');
    // Exact tokens within the project list: ABC-55 is its own ticket, XABC-5 and FOO-1 are outside, mentions own nothing.
    expect(Object.keys(states).sort()).toEqual(['ABC-55', 'ABC-7', 'ABC-8']);
  });

  it('merge attribution: ticketless commits brought in by a ticket-naming merge belong to its tickets', async () => {
    const repo = chainRepo();
    repo.checkout('feature/ABC-7', { from: 'develop' });
    const validator = repo.commit('add validator', { 'validator.txt': 'v1\n' });
    const tests = repo.commit('fix tests', { 'validator.test.txt': 't1\n' });
    repo.commit('ABC-8 unrelated fix on the same branch', { 'eight.txt': '8\n' });
    repo.checkout('develop');
    repo.merge('feature/ABC-7', "Merge branch 'feature/ABC-7' into develop");
    // A pull-request merge: its first body line is the title, whose ticket lends itself.
    repo.checkout('topic', { from: 'develop' });
    const speed = repo.commit('speed up reader', { 'reader.txt': 'fast\n' });
    repo.checkout('develop');
    repo.merge('topic', 'Merge pull request #42 from org/topic\n\nABC-9 speed up the reader');
    promote(repo, 'develop', 'test');

    // uat gets the two ticketless ABC-7 commits by hand (cherry-picks without -x: patch-id evidence).
    repo.checkout('uat');
    repo.cherryPick(validator, false);
    expect(await statesOf(repo, CHAIN)).toMatchObject({
      'ABC-7': 'dev=complete qa=complete uat=partial prod=absent',
      'ABC-8': 'dev=complete qa=complete uat=absent prod=absent',
      'ABC-9': 'dev=complete qa=complete uat=absent prod=absent',
    });
    repo.cherryPick(tests, false);
    repo.cherryPick(speed, false);
    // The ABC-8 commit on the feature branch is not ABC-7's: without it uat is complete for ABC-7.
    expect(await statesOf(repo, CHAIN)).toMatchObject({
      'ABC-7': 'dev=complete qa=complete uat=complete prod=absent',
      'ABC-8': 'dev=complete qa=complete uat=absent prod=absent',
      'ABC-9': 'dev=complete qa=complete uat=complete prod=absent',
    });
  });
});

describe('oracle: changes (§3)', () => {
  it('normalises subjects', () => {
    expect(normaliseSubject('ABC-1 fix totals (#12)')).toBe('abc-1 fix totals');
    expect(normaliseSubject('[2.3] ABC-1 fix totals (#12) (#15)')).toBe('abc-1 fix totals');
    expect(normaliseSubject('[branch-3.9][backport] ABC-1  fix totals.')).toBe('abc-1 fix totals');
    expect(normaliseSubject('Backport of "ABC-1 fix totals"')).toBe('abc-1 fix totals');
    expect(normaliseSubject('cherry-pick: [2.x] ABC-1 fix totals')).toBe('abc-1 fix totals');
    expect(normaliseSubject('[ABC-1][core] fix totals')).toBe('[abc-1][core] fix totals');
    expect(normaliseSubject('Backports are broken')).toBe('backports are broken');
  });

  it('a hand re-done backport (same normalised subject, different patch) is present on the release line', async () => {
    const repo = releaseRepo();
    repo.checkout('main');
    repo.commit('ABC-1 fix totals (#12)', { 'totals.txt': 'a\nB\nc\n' });
    repo.checkout('branch-2.3');
    repo.commit('[2.3] ABC-1 fix totals (#12) (#15)', { 'totals.txt': 'a\nB\nc\nd\n' });
    expect((await statesOf(repo, RELEASE_LINES))['ABC-1']).toBe('main=complete 2.3=complete 2.2=absent');
  });

  it('an empty commit (a Jira id fixed after the fact) is no change', async () => {
    const repo = releaseRepo();
    repo.checkout('main');
    const fix = repo.commit('ABC-4 fix load (#20)', { 'load.txt': 'fixed\n' });
    repo.commit('ABC-4 fix load (#20) (addendum: empty commit with correct Jira ID)', {});
    repo.checkout('branch-2.3');
    repo.cherryPick(fix);
    expect((await statesOf(repo, RELEASE_LINES))['ABC-4']).toBe('main=complete 2.3=complete 2.2=absent');
  });

  it('two same-subject commits on one branch are two changes, even with a re-done copy elsewhere', async () => {
    const repo = releaseRepo();
    repo.checkout('main');
    repo.commit('ABC-2 bump version', { 'version.txt': '1\n' });
    repo.commit('ABC-2 bump version', { 'version.txt': '2\n' });
    repo.checkout('branch-2.3');
    repo.commit('[2.3] ABC-2 bump version', { 'version.txt': '2.3.1\n' });
    expect((await statesOf(repo, RELEASE_LINES))['ABC-2']).toBe('main=complete 2.3=partial 2.2=absent');
  });

  it('a -x cherry-pick links by its line even when the subject lost the key and the patch differs', async () => {
    const repo = releaseRepo();
    repo.checkout('main');
    const fix = repo.commit('ABC-3 guard against empty input', { 'guard.txt': 'guard\n' });
    repo.checkout('branch-2.3');
    repo.commit(`guard against empty input\n\n(cherry picked from commit ${fix.slice(0, 10)})`, { 'guard.txt': 'guard for 2.3\n' });
    repo.checkout('branch-2.2');
    repo.cherryPick(fix);
    expect((await statesOf(repo, RELEASE_LINES))['ABC-3']).toBe('main=complete 2.3=complete 2.2=complete');
  });
});

describe('oracle: reverts, presence and expectation (§3-§6)', () => {
  it("a revert on a release branch of that branch's copy, then a re-application: present there, nothing changes for main", async () => {
    const repo = releaseRepo();
    repo.checkout('main');
    const change = repo.commit('ABC-4 cache lookups', { 'cache.txt': 'on\n' });
    repo.checkout('branch-2.3');
    const copy = repo.cherryPick(change);
    const revert = repo.revert(copy);
    repo.git('branch', 'after-revert');
    repo.revert(revert); // a revert of the revert applies again
    const at = (branch: string): OracleEnvironment[] => [RELEASE_LINES[0]!, { name: '2.3', branch, from: 'main' }];
    expect((await statesOf(repo, at('after-revert')))['ABC-4']).toBe('main=complete 2.3=reverted');
    expect((await statesOf(repo, at('branch-2.3')))['ABC-4']).toBe('main=complete 2.3=complete');
  });

  it("a revert on main only: main is 'reverted' and a release line that never had it is absent, not owing it", async () => {
    const repo = releaseRepo();
    repo.checkout('main');
    const change = repo.commit('ABC-5 risky change', { 'risky.txt': 'risk\n' });
    repo.revert(change);
    expect((await statesOf(repo, RELEASE_LINES))['ABC-5']).toBe('main=reverted 2.3=absent 2.2=absent');
    // With a second change still on main and backported, the reverted one is not owed by 2.3.
    const kept = repo.commit('ABC-5 safe part', { 'safe.txt': 'safe\n' });
    repo.checkout('branch-2.3');
    repo.cherryPick(kept);
    expect((await statesOf(repo, RELEASE_LINES))['ABC-5']).toBe('main=complete 2.3=complete 2.2=absent');
  });

  it('a release-line-only addendum does not make main partial', async () => {
    const repo = releaseRepo();
    repo.checkout('main');
    const change = repo.commit('ABC-6 new export format', { 'export.txt': 'v2\n' });
    repo.checkout('branch-2.3');
    repo.cherryPick(change);
    repo.commit('ABC-6 addendum: keep the old flag on 2.3', { 'flag.txt': 'old\n' });
    expect((await statesOf(repo, RELEASE_LINES))['ABC-6']).toBe('main=complete 2.3=complete 2.2=absent');
  });

  it('release lines fed from a mainline (from:) owe only what the mainline has', async () => {
    const repo = releaseRepo();
    repo.checkout('main');
    const change = repo.commit('ABC-12 tighten parsing', { 'parse.txt': 'strict\n' });
    repo.checkout('branch-2.3');
    repo.cherryPick(change);
    repo.commit('ABC-12 2.3-only adjustment', { 'parse-2.3.txt': 'lenient\n' });
    repo.checkout('branch-2.2');
    repo.cherryPick(change);
    expect((await statesOf(repo, RELEASE_LINES))['ABC-12']).toBe('main=complete 2.3=complete 2.2=complete');
    // Chained backports (2.2 fed from 2.3) would owe the 2.3 adjustment.
    const chained = [RELEASE_LINES[0]!, RELEASE_LINES[1]!, { name: '2.2', branch: 'branch-2.2', from: '2.3' }];
    expect((await statesOf(repo, chained))['ABC-12']).toBe('main=complete 2.3=complete 2.2=partial');
  });

  it('a missing change makes an environment partial', async () => {
    const repo = releaseRepo();
    repo.checkout('main');
    const first = repo.commit('ABC-13 part one', { 'one.txt': '1\n' });
    repo.commit('ABC-13 part two', { 'two.txt': '2\n' });
    repo.checkout('branch-2.3');
    repo.cherryPick(first);
    expect((await statesOf(repo, RELEASE_LINES))['ABC-13']).toBe('main=complete 2.3=partial 2.2=absent');
  });

  it('a direct hotfix on prod is not owed by dev, qa or uat', async () => {
    const repo = chainRepo();
    repo.commit('ABC-10 add retry', { 'retry.txt': 'retry\n' });
    repo.commit('ABC-11 still in test', { 'eleven.txt': '11\n' });
    promote(repo, 'develop', 'test');
    repo.git('branch', '-f', 'uat', 'develop~1');
    repo.git('branch', '-f', 'main', 'develop~1');
    repo.checkout('main');
    repo.commit('ABC-10 hotfix: cap retries', { 'retry.txt': 'retry max 3\n' });
    expect(await statesOf(repo, CHAIN)).toMatchObject({
      'ABC-10': 'dev=complete qa=complete uat=complete prod=complete',
      'ABC-11': 'dev=complete qa=complete uat=absent prod=absent',
    });
  });

  it('a change reverted upstream is not owed downstream', async () => {
    const repo = chainRepo();
    const kept = repo.commit('ABC-17 keep this', { 'kept.txt': 'kept\n' });
    const dropped = repo.commit('ABC-17 drop this later', { 'dropped.txt': 'dropped\n' });
    promote(repo, 'develop', 'test');
    repo.checkout('test');
    repo.revert(dropped);
    repo.checkout('uat');
    repo.cherryPick(kept);
    // qa decides for uat (its nearest ancestor with a member): reverted there, so uat owes only "keep this".
    expect((await statesOf(repo, CHAIN))['ABC-17']).toBe('dev=complete qa=complete uat=complete prod=absent');
  });

  it('a change squashed onto a branch is present by content; deletions alone never count', async () => {
    const repo = chainRepo();
    repo.commit('ABC-14 add config', { 'config.json': '{"retries":3}\n' });
    repo.commit('ABC-15 drop legacy file', { 'README.md': null });
    // Writes new.txt and deletes old.txt: prod below gets new.txt but keeps old.txt, so not its effect.
    repo.commit('ABC-16 seed old file', { 'old.txt': 'old\n' });
    repo.commit('ABC-16 replace old file', { 'old.txt': null, 'new.txt': 'new\n' });
    repo.checkout('main');
    repo.commit('Release 1.2 (squashed)', { 'config.json': '{"retries":3}\n', 'CHANGES.md': '1.2\n', 'README.md': null, 'old.txt': 'old\n', 'new.txt': 'new\n' });
    const chain = [CHAIN[0]!, CHAIN[3]!];
    expect(await statesOf(repo, chain)).toMatchObject({
      'ABC-14': 'dev=complete prod=complete',
      'ABC-15': 'dev=complete prod=absent',
      'ABC-16': 'dev=complete prod=partial',
    });
  });
});

describe('oracle: repositories and branches', () => {
  it('leaves out repositories where a ticket owns nothing, marks a missing branch no-branch, and prefers origin refs', async () => {
    const root = tempDir();
    const upstream = new Repo(path.join(root, 'upstream'));
    upstream.commit('Initial commit', { 'README.md': 'up\n' });
    upstream.git('branch', 'branch-2.3');
    const clone = path.join(root, 'clone');
    execFileSync('git', ['clone', '-q', upstream.dir, clone], { env: GIT_ENV });
    upstream.commit('ABC-20 only upstream so far', { 'twenty.txt': '20\n' });
    execFileSync('git', ['fetch', '-q'], { cwd: clone, env: GIT_ENV });
    const other = releaseRepo();
    other.commit('ABC-21 elsewhere', { 'x.txt': 'x\n' });

    const environments = [...RELEASE_LINES];
    const all = await oracleStates({ ...config([other], environments), repositories: [{ name: 'clone', path: clone }, { name: 'core', path: other.dir }] });
    const flat = (ticket: string): Record<string, Record<string, OracleState>> =>
      Object.fromEntries([...(all.get(ticket) ?? new Map<string, Map<string, OracleState>>())].map(([repo, states]) => [repo, Object.fromEntries(states)]));
    // The clone's local main lags behind origin/main; the oracle reads origin/main.
    expect(flat('ABC-20')).toEqual({ clone: { main: 'complete', '2.3': 'absent', '2.2': 'no-branch' } });
    expect(flat('ABC-21')).toEqual({ core: { main: 'complete', '2.3': 'absent', '2.2': 'absent' } });
  });
});
