import { readFileSync } from 'node:fs';

// The build (scripts/build.mjs) writes the version in as a literal, so the installed program reads
// no file for it; run from source (tsx, tests) it comes from package.json.
declare const __GIG_VERSION__: string | undefined;

/** gig's version, as package.json states it. */
export function gigVersion(): string {
  if (typeof __GIG_VERSION__ === 'string') return __GIG_VERSION__;
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
