import { Option } from 'commander';
import type { Verdict } from '../engine/verdict.js';

/**
 * Verdicts as exit codes, so a pipeline can stop a promotion without parsing JSON. Each verdict has
 * its own code, above the error codes of docs/json.md (1–7), so a job can tell "blocked" from "gig
 * could not answer". `--fail-on <verdict>` sets the least severe verdict that fails the run.
 */
// Ordered as the verdicts' severity (engine/verdict.ts), so comparing codes compares verdicts.
const VERDICT_EXIT: Record<Exclude<Verdict, 'safe'>, number> = { risky: 10, 'manual-only': 11, blocked: 12 };

export type FailOn = Exclude<Verdict, 'safe'> | 'never';

/** The `--fail-on` option of a verb, with its default (`never` for status, `blocked` for check and release). */
export function failOnOption(fallback: FailOn): Option {
  return new Option('--fail-on <verdict>', 'exit with the verdict\'s code (risky 10, manual-only 11, blocked 12) when the verdict is this or worse')
    .choices(['blocked', 'manual-only', 'risky', 'never'])
    .default(fallback);
}

/** The exit code of a verdict under `--fail-on`: 0 when it is less severe than the threshold. */
export function verdictExitCode(verdict: Verdict, failOn: FailOn): number {
  if (verdict === 'safe' || failOn === 'never') return 0;
  return VERDICT_EXIT[verdict] >= VERDICT_EXIT[failOn] ? VERDICT_EXIT[verdict] : 0;
}
