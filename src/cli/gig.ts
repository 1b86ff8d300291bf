#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code between runs (in the OS temp folder), so that a start parses
// almost nothing; older Node has no such cache and goes on without it.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// Under GIG_DEBUG, and in `gig serve`, whose logs carry stack traces, these point into src/ (the
// build ships source maps): turned on before the rest of gig is loaded, so that every module loaded
// after this line is mapped. Other commands print no stack and do not pay for reading the maps.
if (process.env.GIG_DEBUG || process.argv.slice(2).includes('serve')) process.setSourceMapsEnabled(true);

const [{ processIo }, { runCli }] = await Promise.all([import('./io.js'), import('./program.js')]);
process.exitCode = await runCli(process.argv.slice(2), processIo());
