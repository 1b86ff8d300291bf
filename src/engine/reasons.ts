import type { Anomaly } from './anomalies.js';
import type { ManualStep } from './manual-steps.js';
import type { DependencyKind } from './model.js';
import type { Risk } from './risks.js';

/**
 * Why a ticket is not safe, as data: what each finding is about (repository, commit, environments,
 * dates as ISO), never how it is said. views/reasons.ts words every kind; the verdict weighs them
 * (verdict.ts) by the policy rule they fall under.
 */
export type Reason =
  /** No indexed commit names the ticket. */
  | { kind: 'not-found'; ticket: string }
  /** A repository of the ticket has no branch for the source or the target. */
  | { kind: 'missing-branch'; repository: string; branch: string; environment: string }
  /** An anomaly; `beyond` is the target when the anomaly lies past it (a later promotion's). */
  | { kind: 'anomaly'; anomaly: Anomaly; beyond: string | null }
  /** The source holds nothing of the ticket, so promoting it to the target carries nothing. */
  | { kind: 'not-in-source'; ticket: string; source: string; target: string }
  /** A change made on `origin` (not a root) that the environments before it lack, root first. */
  | { kind: 'backflow'; repository: string; sha: string; subject: string; origin: string; missingFrom: string[] }
  /** A ticket this one needs that is not where it should be; `target` null means the last environment. */
  | { kind: 'missing-dependency'; ticket: string; link: DependencyKind; via: string | null; status: 'missing' | 'unknown'; target: string | null }
  /** Tickets that need each other, the first repeated at the end. */
  | { kind: 'dependency-cycle'; tickets: string[] }
  /** The last rejection is newer than every commit of the ticket. */
  | { kind: 'open-rejection'; stage: string; at: string; reason: string | null }
  /** A change the source reverted (by `revert`, when known) that the target still has. */
  | { kind: 'revert-not-in-target'; repository: string; sha: string; revert: string | null; source: string; target: string }
  /** A risk of level `warning` or `blocking`. */
  | { kind: 'risk'; risk: Risk }
  /** A manual step of the promotion that is not done. */
  | { kind: 'open-manual-step'; step: ManualStep };
