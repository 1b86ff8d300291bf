import { onTheWay, type Anomaly } from './anomalies.js';
import type { Dependency } from './dependencies.js';
import type { ManualStep } from './manual-steps.js';
import type { RejectionFact, TicketStatus } from './model.js';
import type { PromotionCommit } from './promotion.js';
import type { Risk } from './risks.js';
import { isPresent } from './status.js';
import { ancestorsOf } from './topology.js';
import type { Finding, Verdict } from './verdict.js';

/** Whether a change made directly on a later environment must flow back to the ones before it. */
export type Backflow = 'warn' | 'block' | 'ignore';
const BACKFLOW_VERDICT: Record<Backflow, Verdict> = { warn: 'risky', block: 'blocked', ignore: 'safe' };

/** What an evaluation found, for the policy to weigh (docs/verdicts.md, "Policy rules"). */
export interface FindingsInput {
  ticket: string;
  status: TicketStatus;
  source: string | null;
  target: string | null;
  anomalies: Anomaly[];
  risks: Risk[];
  steps: ManualStep[];
  dependencies: Dependency[];
  cycles: string[][];
  toPromote: PromotionCommit[];
  notInSource: PromotionCommit[];
  lastRejection: RejectionFact | null;
  /** Per environment; environments not listed use `warn`. */
  backflow: Record<string, Backflow> | undefined;
}

/** Every finding, each under its policy rule, in the order the verdict lists equally severe ones. */
export function findingsOf(input: FindingsInput): Finding[] {
  const { status, source, target } = input;
  const findings: Finding[] = [];
  if (status.repositories.length === 0) findings.push({ rule: 'notFound', reason: { kind: 'not-found', ticket: input.ticket } });
  for (const repository of status.repositories) {
    for (const env of [source, target].filter((candidate): candidate is string => candidate !== null)) {
      const environment = repository.environments.find((candidate) => candidate.name === env);
      if (environment?.state === 'no-branch') {
        findings.push({ rule: 'missingBranch', reason: { kind: 'missing-branch', repository: repository.name, branch: environment.branch, environment: env } });
      }
    }
  }
  for (const anomaly of input.anomalies) {
    const onPath = onTheWay(anomaly, status, target);
    findings.push({ rule: onPath ? 'anomaly' : 'anomalyElsewhere', reason: { kind: 'anomaly', anomaly, beyond: onPath ? null : target } });
  }
  if (source !== null && target !== null && input.toPromote.length === 0 && input.notInSource.length > 0) {
    findings.push({ rule: 'notInSource', reason: { kind: 'not-in-source', ticket: input.ticket, source, target } });
  }
  findings.push(...backflowFindings(input));
  for (const dependency of input.dependencies) {
    if (dependency.direction !== 'needs' || dependency.status === 'satisfied') continue;
    findings.push({
      rule: 'missingDependency',
      reason: { kind: 'missing-dependency', ticket: dependency.ticket, link: dependency.kind, via: dependency.via, status: dependency.status, target },
    });
  }
  for (const cycle of input.cycles) findings.push({ rule: 'warning', reason: { kind: 'dependency-cycle', tickets: cycle } });
  const rejection = input.lastRejection;
  const newestCommit = status.repositories.flatMap((repository) => repository.commits.map((commit) => commit.committedAt)).sort().at(-1);
  if (rejection && newestCommit !== undefined && rejection.at > newestCommit) {
    findings.push({ rule: 'openRejection', reason: { kind: 'open-rejection', stage: rejection.stage, at: rejection.at, reason: rejection.reason } });
  }
  if (source !== null && target !== null) {
    for (const repository of status.repositories) {
      for (const commit of repository.commits.filter((candidate) => candidate.presence[source] === 'reverted' && isPresent(candidate, target))) {
        findings.push({
          rule: 'revertNotInTarget',
          reason: { kind: 'revert-not-in-target', repository: repository.name, sha: commit.sha, revert: commit.locations[source] ?? commit.revertedBy ?? null, source, target },
        });
      }
    }
  }
  for (const risk of input.risks) {
    if (risk.level === 'blocking') findings.push({ rule: 'blockingRisk', reason: { kind: 'risk', risk } });
    if (risk.level === 'warning') findings.push({ rule: 'warning', reason: { kind: 'risk', risk } });
  }
  for (const step of input.steps) if (step.status === 'open') findings.push({ rule: 'openManualStep', reason: { kind: 'open-manual-step', step } });
  return findings;
}

/** Branch-local changes the environments before their origin lack, weighed by the origin's backflow setting. */
function backflowFindings(input: FindingsInput): Finding[] {
  const findings: Finding[] = [];
  for (const repository of input.status.repositories) {
    const hasBranch = (env: string): boolean => repository.environments.find((candidate) => candidate.name === env)?.state !== 'no-branch';
    for (const commit of repository.commits) {
      for (const origin of commit.branchLocal) {
        const setting = input.backflow?.[origin] ?? 'warn';
        const before = ancestorsOf(input.status.topology, origin).filter(hasBranch);
        if (setting === 'ignore' || before.length === 0) continue;
        findings.push({
          rule: 'backflow',
          verdict: BACKFLOW_VERDICT[setting],
          reason: { kind: 'backflow', repository: repository.name, sha: commit.sha, subject: commit.subject, origin, missingFrom: before.reverse() },
        });
      }
    }
  }
  return findings;
}
