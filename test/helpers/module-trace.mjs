// Records every module a Node process loads, for test/startup.test.ts:
//
//   GIG_MODULE_TRACE=<file> node --import <this file> <program> …
//
// appends one URL a line to <file>: each ES module and CommonJS module the loader hooks see, and at
// exit every file in the CommonJS cache (on Node 20 the hooks do not see a require() made inside
// CommonJS code; the cache does). Plain JavaScript, so that it runs without tsx.
import { appendFileSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

let traceFile = process.env.GIG_MODULE_TRACE;

const record = (url) => {
  if (traceFile) appendFileSync(traceFile, `${url}\n`);
};

// The asynchronous hooks of module.register() (Node 20, 22) run on a thread of their own, which
// imports this file again and is handed the trace file here.
export function initialize(data) {
  traceFile = data?.traceFile;
}

export async function load(url, context, nextLoad) {
  record(url);
  return nextLoad(url, context);
}

if (isMainThread && traceFile) {
  if (typeof module.registerHooks === 'function') {
    // Node 22.15+: synchronous hooks on this thread, which also see require().
    module.registerHooks({
      load(url, context, nextLoad) {
        record(url);
        return nextLoad(url, context);
      },
    });
  } else {
    module.register(import.meta.url, { data: { traceFile } });
  }
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    for (const file of Object.keys(cache)) record(pathToFileURL(file).href);
  });
}
