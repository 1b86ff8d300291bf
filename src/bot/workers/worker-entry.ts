import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** How to start an evaluation worker: what `new Worker` runs. */
export interface WorkerEntry {
  /** The worker's module, or (from the TypeScript sources) code that loads it; see locateWorkerEntry. */
  script: URL | string;
  /** Whether `script` is code (`new Worker(code, { eval: true })`). */
  eval: boolean;
}

const NAME = 'evaluation-worker';

/**
 * Finds the worker's entry module, wherever this module ended up:
 *
 * - from tsc's `dist/`: `dist/bot/workers/evaluation-worker.js`, beside this file;
 * - from an esbuild bundle with code splitting, where this module lives in a chunk (`dist/` or
 *   `dist/chunks/`): `bot/workers/evaluation-worker.js` or `evaluation-worker.js` in this folder or
 *   up to three folders above it. The build emits src/bot/workers/evaluation-worker.ts as an entry
 *   point of its own, at `dist/bot/workers/evaluation-worker.js`;
 * - from the TypeScript sources (vitest, `tsx`, `node --import tsx`): `evaluation-worker.ts` beside
 *   this file. A worker thread cannot load it by itself: the main thread's TypeScript loading is
 *   vitest's module runner (which worker threads do not have) or tsx's hooks, and on Node 20 a
 *   worker whose entry is a `.ts` file fails even with `--import tsx` in its options. So the worker
 *   runs a two-line bootstrap instead: register tsx's ESM hooks in the worker
 *   (`tsx/esm/api`), then import the entry. This works on Node 20, 22 and 24, whatever the main
 *   thread was started with; tsx (a devDependency) is needed only there, never by the built gig.
 */
export function locateWorkerEntry(moduleUrl: string = import.meta.url): WorkerEntry {
  const fromSource = moduleUrl.endsWith('.ts');
  const file = `${NAME}${fromSource ? '.ts' : '.js'}`;
  let dir = path.dirname(fileURLToPath(moduleUrl));
  const tried: string[] = [];
  for (let level = 0; level < 4; level += 1) {
    for (const candidate of [path.join(dir, file), path.join(dir, 'bot', 'workers', file)]) {
      tried.push(candidate);
      if (!existsSync(candidate)) continue;
      const url = pathToFileURL(candidate);
      return fromSource ? { script: typeScriptBootstrap(moduleUrl, url), eval: true } : { script: url, eval: false };
    }
    dir = path.dirname(dir);
  }
  throw new Error(`the evaluation worker's module is missing (looked for ${tried.join(', ')})`);
}

/** Code for a worker that registers tsx's loader, then imports the TypeScript entry. */
function typeScriptBootstrap(moduleUrl: string, entry: URL): string {
  // Resolved from this module, not from the working directory, which may be anywhere.
  const require = createRequire(moduleUrl);
  const manifestFile = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };
  const api = manifest.exports['./esm/api']?.import?.default;
  if (!api) throw new Error('tsx has no ESM API (tsx/esm/api) to load the evaluation worker from the TypeScript sources');
  const apiUrl = pathToFileURL(path.resolve(path.dirname(manifestFile), api)).href;
  return `import(${JSON.stringify(apiUrl)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
}
