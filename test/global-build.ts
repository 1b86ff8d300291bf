import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Builds gig once for the whole run, as `npm run build` does, for the tests that run it as a child
 * process (`gig serve` killed mid-request, a sync or digest killed at a failpoint). Running the
 * bundle instead of the TypeScript through tsx starts each child in a fraction of the time, and
 * tests what users run.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const root = path.resolve(import.meta.dirname, '..');
  // Inside the project, so that the build's external imports resolve to its node_modules.
  mkdirSync(path.join(root, 'node_modules', '.cache'), { recursive: true });
  const outdir = mkdtempSync(path.join(root, 'node_modules', '.cache', 'gig-test-build-'));
  const { buildGig } = (await import(path.join(root, 'scripts', 'build.mjs'))) as { buildGig(options: { outdir: string; quiet: boolean }): Promise<unknown> };
  const { metafile } = (await buildGig({ outdir, quiet: true })) as { metafile: unknown };
  // test/startup.test.ts reads which source modules each output file holds.
  writeFileSync(path.join(outdir, 'meta.json'), JSON.stringify(metafile));
  project.provide('gigBuild', outdir);
  return () => rmSync(outdir, { recursive: true, force: true });
}

/** The program of this run's build: `node <gigProgram()> …` runs gig as users run it. */
export function gigProgram(build: string): string {
  return path.join(build, 'cli', 'gig.js');
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of this run's build of gig: `<gigBuild>/cli/gig.js` is the program. */
    gigBuild: string;
  }
}
