import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/**
 * Generates a large repository in one `git fast-import` process, for benchmarks and for tests that
 * need many commits: a linear `develop` of `commits` commits, each touching one of a handful of
 * files and naming a ticket every few commits, with `test`, `uat` and `main` cut at 90 %, 70 % and
 * 50 % of the way.
 */
export interface SyntheticOptions {
  commits: number;
  project?: string;
  /** Branches cut part-way along develop: name → fraction of the history it holds. */
  cuts?: Record<string, number>;
}

export function generateSyntheticRepository(dir: string, options: SyntheticOptions): void {
  mkdirSync(dir, { recursive: true });
  run(dir, ['init', '--quiet', '--initial-branch=develop']);
  const project = options.project ?? 'ABC';
  const cuts = options.cuts ?? { test: 0.9, uat: 0.7, main: 0.5 };
  const chunks: string[] = [];
  const start = Date.UTC(2026, 0, 1) / 1000;
  for (let index = 1; index <= options.commits; index += 1) {
    const ticket = `${project}-${1 + Math.floor(index / 5)}`;
    const message = index % 3 === 0 ? `Tidy up after review ${index}\n` : `${ticket} change ${index}\n`;
    const file = `src/module${index % 17}/File${index % 101}.java`;
    const content = `// revision ${index}\nclass File${index % 101} { int v = ${index}; }\n`;
    chunks.push(
      `commit refs/heads/develop\nmark :${index}\n`,
      `author Dev ${index % 7} <dev${index % 7}@example.com> ${start + index * 60} +0000\n`,
      `committer Dev ${index % 7} <dev${index % 7}@example.com> ${start + index * 60} +0000\n`,
      `data ${Buffer.byteLength(message)}\n${message}`,
      index > 1 ? `from :${index - 1}\n` : '',
      `M 100644 inline ${file}\ndata ${Buffer.byteLength(content)}\n${content}\n`,
    );
  }
  for (const [branch, fraction] of Object.entries(cuts)) {
    chunks.push(`reset refs/heads/${branch}\nfrom :${Math.max(1, Math.floor(options.commits * fraction))}\n\n`);
  }
  const result = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, input: chunks.join(''), maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`git fast-import failed: ${result.stderr.toString()}`);
}

function run(cwd: string, args: string[]): void {
  const result = spawnSync('git', args, { cwd });
  if (result.status !== 0) throw new Error(`git ${args[0]} failed: ${result.stderr.toString()}`);
}
