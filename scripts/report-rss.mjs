// Loaded with `node --import` by scripts/bench.ts: reports the process's peak resident memory
// (kilobytes) on standard error as it exits, so the bench measures a whole `gig` process.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\ngig-bench-maxrss ${process.resourceUsage().maxRSS}\n`);
});
