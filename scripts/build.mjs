// Builds the `gig` program into dist/ with esbuild: one ESM entry (dist/cli/gig.js) and chunks for
// what the verbs import lazily (dist/chunks/). Small hot dependencies (commander, zod, yaml, …) are
// inlined so that starting gig reads a few files instead of hundreds; better-sqlite3 (a native
// addon) and the heavy SDKs stay external, loaded from node_modules the first time a chunk imports
// them. Type checking is `npm run typecheck` (tsc --noEmit); this only transpiles and bundles.
//
//   node scripts/build.mjs [--outdir <dir>] [--metafile <file>]
//
// (default dist/; test/startup.test.ts builds elsewhere and reads the metafile to tell which source
// modules each output file holds)
import { chmodSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The programs: the CLI, and the module `gig serve` starts its evaluation worker threads from
 * (src/bot/workers/worker-entry.ts looks for it at bot/workers/evaluation-worker.js).
 */
const ENTRY_POINTS = {
  'cli/gig': 'src/cli/gig.ts',
  'bot/workers/evaluation-worker': 'src/bot/workers/evaluation-worker.ts',
};

/** Dependencies bundled into gig: small, and imported by every verb (or most). */
export const INLINED = ['@eslint-community/regexpp', 'commander', 'cron-parser', 'csv-parse', 'csv-stringify', 'picocolors', 'picomatch', 'string-width', 'yaml', 'zod'];

/**
 * Every other runtime dependency stays external: better-sqlite3 cannot be bundled (native addon),
 * and the SDKs (jira.js, @octokit/*, @slack/*, botbuilder, express, pino, node-cron, cli-progress)
 * are loaded only by the verbs that need them.
 */
export function externals() {
  const { dependencies } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  return Object.keys(dependencies)
    .filter((name) => !INLINED.includes(name))
    .flatMap((name) => [name, `${name}/*`]);
}

/**
 * zod's namespace re-exports all of its ~60 locales (half of zod's size), which every verb would
 * parse at start. gig speaks English only and never calls `z.locales.*`: keep `en` (zod's default,
 * registered by zod itself), drop the others.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js';\n",
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }));
  },
};

export async function buildGig({ outdir = path.join(ROOT, 'dist'), quiet = false } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(ENTRY_POINTS).filter(([, source]) => existsSync(path.join(ROOT, source)))),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    external: externals(),
    sourcemap: true,
    // Whitespace and syntax are minified (about a tenth off every start: less to read and parse),
    // identifiers are not, and functions and classes keep their names; with the source maps, stack
    // traces (GIG_DEBUG=1, which turns source maps on) point into src/.
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: false,
    keepNames: true,
    // Inlined CommonJS packages (commander, yaml, …) call require() for Node's built-ins.
    banner: { js: "import { createRequire as __gigCreateRequire } from 'node:module';\nconst require = __gigCreateRequire(import.meta.url);" },
    plugins: [zodEnglishOnly],
    // `gig --version` (src/cli/version.ts) without reading package.json at run time.
    define: { __GIG_VERSION__: JSON.stringify(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version) },
    metafile: true,
    logLevel: quiet ? 'warning' : 'info',
  });
  // Each store finds its SQL migrations in a folder next to its own module (SQLite: ./migrations/,
  // PostgreSQL: ./pg-migrations/): copy them next to whichever output files the store was bundled into.
  const copyNextTo = (source, folder, target) => {
    const outputs = Object.entries(result.metafile.outputs)
      .filter(([file, output]) => file.endsWith('.js') && Object.keys(output.inputs).some((input) => input.replaceAll('\\', '/') === source))
      .map(([file]) => path.resolve(ROOT, file));
    if (outputs.length === 0) throw new Error(`build: no output contains ${source}`);
    for (const dir of new Set(outputs.map((file) => path.dirname(file)))) cpSync(folder, path.join(dir, target), { recursive: true });
  };
  copyNextTo('src/store/database.ts', path.join(ROOT, 'src', 'store', 'migrations'), 'migrations');
  copyNextTo('src/store/postgres/connection.ts', path.join(ROOT, 'src', 'store', 'postgres', 'pg-migrations'), 'pg-migrations');
  const entry = path.join(outdir, 'cli', 'gig.js');
  chmodSync(entry, 0o755);
  return { entry, metafile: result.metafile };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' }, metafile: { type: 'string' } } });
  const { metafile } = await buildGig(values.outdir ? { outdir: path.resolve(values.outdir) } : {});
  if (values.metafile) writeFileSync(values.metafile, JSON.stringify(metafile));
}
