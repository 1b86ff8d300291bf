import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Builds real git repositories with fixed authors and dates, for the demo workspace and for tests.
 * One git process per operation is fine here: this writes history, it does not index it.
 */
export interface Author {
  name: string;
  email: string;
}

export interface CommitOptions {
  date: string;
  author?: Author;
}

const DEFAULT_AUTHOR: Author = { name: 'Ana Lima', email: 'ana@example.com' };

export class GitBuilder {
  private constructor(readonly dir: string) {}

  static init(dir: string, initialBranch = 'main'): GitBuilder {
    mkdirSync(dir, { recursive: true });
    const builder = new GitBuilder(dir);
    builder.git(['init', '--quiet', `--initial-branch=${initialBranch}`]);
    return builder;
  }

  /** A builder over an existing repository. */
  static open(dir: string): GitBuilder {
    return new GitBuilder(dir);
  }

  /** Writes (or, with null, deletes) files, stages everything and commits. */
  commit(message: string, files: Record<string, string | null>, options: CommitOptions): string {
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(this.dir, file);
      if (content === null) {
        rmSync(target, { force: true });
      } else {
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
    }
    this.git(['add', '--all']);
    this.git(['commit', '--quiet', '--allow-empty', '-m', message], options);
    return this.head();
  }

  branch(name: string, from = 'HEAD'): void {
    this.git(['branch', '--force', name, from]);
  }

  checkout(name: string): void {
    this.git(['checkout', '--quiet', name]);
  }

  /** Creates a merge commit even when a fast-forward were possible. */
  merge(branch: string, message: string, options: CommitOptions): string {
    this.git(['merge', '--quiet', '--no-ff', '-m', message, branch], options);
    return this.head();
  }

  /** `git cherry-pick`, with `-x` when `record` is true. */
  cherryPick(sha: string, options: CommitOptions & { record?: boolean }): string {
    this.git(['cherry-pick', ...(options.record ? ['-x'] : []), sha], options);
    return this.head();
  }

  revert(sha: string, options: CommitOptions): string {
    this.git(['revert', '--no-edit', sha], options);
    return this.head();
  }

  /** Moves a branch to another commit, as a force-push would. */
  forceBranch(name: string, sha: string): void {
    this.git(['update-ref', `refs/heads/${name}`, sha]);
  }

  deleteBranch(name: string): void {
    this.git(['branch', '--quiet', '-D', name]);
  }

  head(): string {
    return this.git(['rev-parse', 'HEAD']).trim();
  }

  git(args: string[], options?: CommitOptions): string {
    const author = options?.author ?? DEFAULT_AUTHOR;
    return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
        ...(options ? { GIT_AUTHOR_DATE: options.date, GIT_COMMITTER_DATE: options.date } : {}),
      },
    });
  }
}
