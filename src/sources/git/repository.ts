import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { GigError } from '../../errors.js';
import { LOG_DIFF_ARGS, LOG_FORMAT, LogParser, parseNumstatTotals, PatchIdParser, PatchLineCounter, unquotePath, type LoggedCommit } from './log-parser.js';
import type { GitRunner, TimeLimit } from './runner.js';

/**
 * Reads one git repository with a fixed number of git processes, whatever the number of commits:
 * refs in one call, commits in one streamed log, patch-ids in one log|patch-id pipe, and branch
 * membership in one rev-list per changed branch. Revisions are SHAs gig resolved itself, passed
 * after --end-of-options; branch names from the configuration are checked by check-ref-format.
 */
export class GitRepository {
  constructor(
    private readonly git: GitRunner,
    readonly dir: string,
  ) {}

  /**
   * Clones a mirror of `url` into `dir` the first time, and fetches it afterwards. The runner limits
   * transports and stalls and stops git after `timeoutMs` (its default for remote operations unless
   * given); a clone stopped that way removes its half-made mirror.
   */
  static async mirror(git: GitRunner, url: string, dir: string, options: TimeLimit = {}): Promise<GitRepository> {
    if (url.startsWith('-')) throw new GigError('CONFIG_INVALID', `The repository url "${url}" must not start with "-".`);
    const remote = { remote: { url }, timeoutMs: options.timeoutMs };
    if (existsSync(path.join(dir, 'HEAD'))) {
      await git.run(dir, ['fetch', '--prune', '--quiet', 'origin'], remote);
    } else {
      mkdirSync(path.dirname(dir), { recursive: true });
      await git.run(path.dirname(dir), ['clone', '--mirror', '--quiet', '--', url, dir], remote);
    }
    return new GitRepository(git, dir);
  }

  static async open(git: GitRunner, dir: string): Promise<GitRepository> {
    if (!existsSync(dir)) {
      throw new GigError('CONFIG_INVALID', `The repository path ${dir} does not exist.`, {
        hint: 'Clone the repository there, or fix its "path" in the configuration (relative paths start at the config file).',
      });
    }
    // Whether it is a git repository at all is learnt from the first command run in it (refs()).
    return new GitRepository(git, dir);
  }

  /** Every local branch and remote-tracking branch, as ref → SHA. */
  async refs(): Promise<Map<string, string>> {
    const { stdout } = await this.git.run(this.dir, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/remotes']).catch((cause: unknown) => {
      throw new GigError('CONFIG_INVALID', `${this.dir} is not a git repository.`, {
        hint: 'Point "path" at a working clone or a bare repository, or use "url" to let gig mirror it.',
        cause,
      });
    });
    const refs = new Map<string, string>();
    for (const line of stdout.split('\n')) {
      const space = line.indexOf(' ');
      if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
    }
    return refs;
  }

  /** Which of the given SHAs name commits that still exist here. */
  async existingCommits(shas: string[]): Promise<Set<string>> {
    if (shas.length === 0) return new Set();
    const { stdout } = await this.git.run(this.dir, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], { input: `${shas.join('\n')}\n` });
    const present = new Set<string>();
    for (const line of stdout.split('\n')) {
      const [sha, type] = line.split(' ');
      if (sha && type === 'commit') present.add(sha);
    }
    return present;
  }

  /** Streams the commits reachable from `include` and not from `exclude`, parents before children. */
  async log(include: string[], exclude: string[], onCommit: (commit: LoggedCommit) => void): Promise<void> {
    if (include.length === 0) return;
    const parser = new LogParser(onCommit);
    await this.git.stream(
      this.dir,
      ['log', LOG_FORMAT, ...LOG_DIFF_ARGS, '--topo-order', '--reverse', '--end-of-options', ...revisions(include, exclude)],
      (chunk) => parser.push(chunk),
    );
    parser.end();
  }

  /**
   * The non-merge commits reachable from some of `tips` but not from all of them: the only ones a
   * promotion can carry or a copy can stand for, so the only ones worth a diff. Commits every
   * environment holds are behind every merge base of all the tips. With `known`, only the commits
   * none of those reaches (what a sync after fast-forwards has not looked at yet).
   */
  async notOnEveryBranch(tips: string[], known: string[] = []): Promise<string[]> {
    const distinct = [...new Set(tips)];
    if (distinct.length < 2) return [];
    const { stdout, exitCode } = await this.git.run(this.dir, ['merge-base', '--octopus', '--all', '--end-of-options', ...revisions(distinct, [])], { okExitCodes: [0, 1] });
    const bases = exitCode === 0 ? stdout.split('\n').filter((line) => line.length > 0) : [];
    // `known`: tips indexed before, whose commits were looked at then.
    const { stdout: listed } = await this.git.run(this.dir, ['rev-list', '--no-merges', '--end-of-options', ...revisions(distinct, [...bases, ...known])]);
    return listed.split('\n').filter((line) => line.length > 0);
  }

  /**
   * Reads each commit's patch once, in one `diff-tree --stdin -p | patch-id --stable` pair, and
   * counts the lines it adds and deletes on the way. The diff is pinned (myers, 3 lines of context,
   * no renames) so that a repository's own diff settings cannot change a patch-id.
   */
  async diffs(shas: string[], onPatchId: (commit: string, patchId: string) => void, onLines: (commit: string, additions: number, deletions: number) => void): Promise<void> {
    if (shas.length === 0) return;
    const parser = new PatchIdParser(onPatchId);
    const counter = new PatchLineCounter(onLines);
    await this.git.pipe(
      this.dir,
      ['diff-tree', '--stdin', '-p', '--no-renames', '--diff-algorithm=myers', '--unified=3', '--no-ext-diff', '--no-textconv'],
      ['patch-id', '--stable'],
      (chunk) => parser.push(chunk),
      { input: `${revisions(shas, []).join('\n')}\n`, onProducerData: (chunk) => counter.push(chunk) },
    );
    parser.end();
    counter.end();
  }

  /** Lines added and deleted per commit with renames detected: a moved file counts what changed in it. */
  async lineCountsWithRenames(shas: string[]): Promise<Map<string, { additions: number; deletions: number }>> {
    if (shas.length === 0) return new Map();
    const { stdout } = await this.git.run(this.dir, ['diff-tree', '--stdin', '--numstat', '-z', '--find-renames', '--no-ext-diff', '--no-textconv'], {
      input: `${revisions(shas, []).join('\n')}\n`,
    });
    return parseNumstatTotals(stdout);
  }

  /** Every file of a commit's tree: path → blob. */
  async tree(sha: string): Promise<Map<string, string>> {
    const { stdout } = await this.git.run(this.dir, ['ls-tree', '-r', '--full-tree', '--end-of-options', ...revisions([sha], [])]);
    const files = new Map<string, string>();
    for (const line of stdout.split('\n')) {
      const match = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
      if (match) files.set(unquotePath(match[2]!), match[1]!);
    }
    return files;
  }

  /** What changed between two trees: path → new blob, or null when the file was deleted. */
  async treeChanges(from: string, to: string): Promise<Map<string, string | null>> {
    const { stdout } = await this.git.run(this.dir, ['diff-tree', '-r', '--no-renames', '--no-abbrev', '--no-ext-diff', '--end-of-options', ...revisions([from, to], [])]);
    const changes = new Map<string, string | null>();
    for (const line of stdout.split('\n')) {
      const match = /^:\d+ (\d+) [0-9a-f]+ ([0-9a-f]+) ([A-Z])\d*\t(.+)$/.exec(line);
      if (!match) continue;
      const isFile = match[1] !== '160000' && match[1] !== '000000';
      changes.set(unquotePath(match[4]!), match[3] === 'D' || !isFile ? null : match[2]!);
    }
    return changes;
  }

  /** How many commits are reachable from `include` and not from `exclude`: what a log of them will read. */
  async count(include: string[], exclude: string[]): Promise<number> {
    if (include.length === 0) return 0;
    const { stdout } = await this.git.run(this.dir, ['rev-list', '--count', '--end-of-options', ...revisions(include, exclude)]);
    return Number(stdout.trim());
  }

  /** The SHAs reachable from `include` and not from `exclude`. */
  async revList(include: string[], exclude: string[]): Promise<string[]> {
    if (include.length === 0) return [];
    const { stdout } = await this.git.run(this.dir, ['rev-list', '--end-of-options', ...revisions(include, exclude)]);
    return stdout.split('\n').filter((line) => line.length > 0);
  }
}

function revisions(include: string[], exclude: string[]): string[] {
  for (const sha of [...include, ...exclude]) {
    if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new GigError('INTERNAL', `not a commit id: ${sha}`);
  }
  return [...include, ...exclude.map((sha) => `^${sha}`)];
}

/** Validates branch names with git itself, once per distinct name. */
export class RefNameChecker {
  private readonly verdicts = new Map<string, boolean>();

  constructor(private readonly git: GitRunner) {}

  async isValidBranch(cwd: string, branch: string): Promise<boolean> {
    const known = this.verdicts.get(branch);
    if (known !== undefined) return known;
    const { exitCode } = await this.git.run(cwd, ['check-ref-format', `refs/heads/${branch}`], { okExitCodes: [0, 1] });
    const valid = exitCode === 0 && !branch.startsWith('-');
    this.verdicts.set(branch, valid);
    return valid;
  }
}

/**
 * The ref a configured branch name resolves to. In a working clone, origin's branch is what the team
 * shares (a local branch may be stale or hold unpushed work), so it comes first; bare repositories
 * and mirrors have local branches only.
 */
export function resolveBranch(refs: Map<string, string>, branch: string): { ref: string; sha: string } | null {
  for (const ref of [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`]) {
    const sha = refs.get(ref);
    if (sha) return { ref, sha };
  }
  return null;
}
