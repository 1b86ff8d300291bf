import { findAnomalies, onTheWay, type Anomaly } from './anomalies.js';
import { resolveDependencies, type Dependency, type DependencyGraph } from './dependencies.js';
import type { RejectionFact, TicketFacts, TicketStatus, TrackerFact } from './model.js';
import { historyRisks, manualSteps, pathRisks, type ManualStep, type Risk } from './risks.js';
import type { RiskRule } from './risk-rules.js';
import { computeTicketStatus, isMissing, isPresent } from './status.js';
import { defaultSource, defaultTarget } from './targets.js';
import { ancestorsOf } from './topology.js';
import { decide, type Finding, type Verdict, type VerdictPolicy } from './verdict.js';

/** Whether a change made directly on a later environment must flow back to the ones before it. */
export type Backflow = 'warn' | 'block' | 'ignore';
const BACKFLOW_VERDICT: Record<Backflow, Verdict> = { warn: 'risky', block: 'blocked', ignore: 'safe' };

/** One change a promotion must carry: the SHA to cherry-pick is the copy in the source environment. */
export interface PromotionCommit {
  repository: string;
  ticket: string;
  sha: string;
  /** The change's SHA as `status` lists it (the copy that stands first in the chain). */
  change: string;
  /** `revert` when what must travel is the revert that undid the change in the source. */
  kind: 'change' | 'revert';
  /** The environments that hold the change (for what is not in the source yet). */
  presentIn: string[];
  subject: string;
  author: string;
  committedAt: string;
  files: string[];
}

export interface TicketEvaluation {
  ticket: string;
  status: TicketStatus;
  source: string | null;
  target: string | null;
  verdict: Verdict;
  reasons: string[];
  anomalies: Anomaly[];
  risks: Risk[];
  manualSteps: ManualStep[];
  dependencies: Dependency[];
  lastRejection: RejectionFact | null;
  /** Changes committed after the last rejection, source order. */
  sinceRejection: string[];
  /** In the source environment and missing in the target, source order. */
  toPromote: PromotionCommit[];
  /** Missing in the target and not in the source either: not ready to promote. */
  notInSource: PromotionCommit[];
  tracker: TrackerFact | null;
  /** Sources whose data is older than it should be, in words. */
  warnings: string[];
}

export interface EvaluationSettings {
  rules: RiskRule[];
  policy: VerdictPolicy;
  largeChange: { lines: number; files: number };
  /** Per environment; environments not listed use `warn`. */
  backflow?: Record<string, Backflow>;
}

export interface EvaluationRequest {
  facts: TicketFacts;
  /** Defaults: the first environment still owed part of the ticket whose feeder owes nothing; its feeder. */
  target?: string | null;
  source?: string | null;
  graph: DependencyGraph;
  /** Tickets promoted in the same release: dependencies on them are satisfied. */
  travellingTogether?: ReadonlySet<string>;
}

const short = (sha: string): string => sha.slice(0, 8);

/** Everything a release captain asks about one ticket, towards one target (DESIGN §4.3–4.6). */
export function evaluateTicket(request: EvaluationRequest, settings: EvaluationSettings): TicketEvaluation {
  const { facts } = request;
  const status = computeTicketStatus(facts);
  const target = request.target === undefined ? defaultTarget(status) : request.target;
  const source = request.source === undefined ? defaultSource(status.topology, target) : request.source;
  const lastRejection = facts.rejections.at(-1) ?? null;

  const anomalies = findAnomalies(status, target);
  const risks = [
    ...pathRisks(status.repositories, target, source, settings.rules),
    ...historyRisks({ ticket: facts.ticket, repositories: status.repositories, source, target, lastRejection, lastApproval: facts.lastApproval ?? null, largeChange: settings.largeChange }),
  ];
  const steps = manualSteps(facts, status.repositories, target, source, settings.rules);
  const { dependencies, cycles } = resolveDependencies(facts.ticket, request.graph, target, request.travellingTogether ?? new Set());
  const { toPromote, notInSource } = promotion(status, source, target);
  const sinceRejection = lastRejection
    ? status.repositories.flatMap((repository) => repository.commits.filter((commit) => commit.committedAt > lastRejection.at).map((commit) => commit.sha))
    : [];

  const findings: Finding[] = [];
  if (status.repositories.length === 0) findings.push({ rule: 'notFound', reason: `${facts.ticket} is not named by any indexed commit` });
  for (const repository of status.repositories) {
    for (const env of [source, target].filter((candidate): candidate is string => candidate !== null)) {
      if (repository.environments.find((candidate) => candidate.name === env)?.state === 'no-branch') {
        const branch = repository.environments.find((candidate) => candidate.name === env)?.branch;
        findings.push({ rule: 'missingBranch', reason: `${repository.name} has no branch "${branch}" for ${env}` });
      }
    }
  }
  for (const anomaly of anomalies) {
    if (onTheWay(anomaly, status, target)) findings.push({ rule: 'anomaly', reason: anomaly.message });
    else findings.push({ rule: 'anomalyElsewhere', reason: `beyond ${target}: ${anomaly.message}` });
  }
  if (source !== null && target !== null && toPromote.length === 0 && notInSource.length > 0) {
    findings.push({ rule: 'notInSource', reason: `${facts.ticket} has not reached ${source}: there is nothing of it to promote to ${target}` });
  }
  for (const repository of status.repositories) {
    for (const commit of repository.commits) {
      for (const origin of commit.branchLocal) {
        const setting = settings.backflow?.[origin] ?? 'warn';
        const before = ancestorsOf(status.topology, origin).filter((env) => repository.environments.find((candidate) => candidate.name === env)?.state !== 'no-branch');
        if (setting === 'ignore' || before.length === 0) continue;
        findings.push({
          rule: 'backflow',
          verdict: BACKFLOW_VERDICT[setting],
          reason: `${repository.name}: ${short(commit.sha)} "${commit.subject}" was made on ${origin} and is not in ${before.reverse().join(', ')}: it has not flowed back`,
        });
      }
    }
  }
  for (const dependency of dependencies.filter((candidate) => candidate.direction === 'needs' && candidate.status !== 'satisfied')) {
    const where = target ?? 'the last environment';
    const how = dependency.kind === 'companion' ? 'is named in the same commits' : dependency.via ? `is needed through ${dependency.via}` : 'is a declared dependency';
    findings.push({
      rule: 'missingDependency',
      reason: dependency.status === 'unknown' ? `${dependency.ticket} ${how} but no indexed commit names it` : `${dependency.ticket} ${how} and is not in ${where}`,
    });
  }
  for (const cycle of cycles) findings.push({ rule: 'warning', reason: `dependency cycle ${cycle.join(' → ')}: these tickets must travel together` });
  const newestCommit = status.repositories.flatMap((repository) => repository.commits.map((commit) => commit.committedAt)).sort().at(-1);
  if (lastRejection && newestCommit !== undefined && lastRejection.at > newestCommit) {
    findings.push({
      rule: 'openRejection',
      reason: `rejected at ${lastRejection.stage} on ${lastRejection.at.slice(0, 10)}${lastRejection.reason ? ` ("${lastRejection.reason}")` : ''} and no commit since`,
    });
  }
  for (const repository of status.repositories) {
    if (source === null || target === null) continue;
    for (const commit of repository.commits.filter((candidate) => candidate.presence[source] === 'reverted' && isPresent(candidate, target))) {
      findings.push({
        rule: 'revertNotInTarget',
        reason: `${repository.name}: ${short(commit.sha)} was reverted in ${source} by ${short(commit.locations[source] ?? commit.revertedBy ?? '')}, but ${target} still has it`,
      });
    }
  }
  for (const risk of risks) {
    const where = risk.repository ? `${risk.repository}: ` : '';
    if (risk.level === 'blocking') findings.push({ rule: 'blockingRisk', reason: `${where}${risk.summary}` });
    if (risk.level === 'warning') findings.push({ rule: 'warning', reason: `${where}${risk.summary}` });
  }
  for (const step of steps.filter((candidate) => candidate.status === 'open')) {
    findings.push({ rule: 'openManualStep', reason: `manual step ${step.id} open: ${step.summary}` });
  }
  const { verdict, reasons } = decide(findings, settings.policy);
  return {
    ticket: facts.ticket,
    status,
    source,
    target,
    verdict,
    reasons,
    anomalies,
    risks,
    manualSteps: steps,
    dependencies,
    lastRejection,
    sinceRejection,
    toPromote,
    notInSource,
    tracker: facts.tracker ?? null,
    warnings: (facts.staleSources ?? []).map(
      (source) => `${source.source} is stale: ${source.okAt ? `its data is as of ${source.okAt.slice(0, 16).replace('T', ' ')} UTC` : 'it never answered'}${source.error ? ` (${source.error})` : ''}`,
    ),
  };
}

/**
 * What a promotion from `source` to `target` carries: each change the target lacks that the source
 * has (the source's copy is what to cherry-pick), and each revert the source made of a change the
 * target still holds. Changes the target owes that the source does not have yet are `notInSource`.
 */
function promotion(status: TicketStatus, source: string | null, target: string | null): { toPromote: PromotionCommit[]; notInSource: PromotionCommit[] } {
  const toPromote: PromotionCommit[] = [];
  const notInSource: PromotionCommit[] = [];
  if (target === null) return { toPromote, notInSource };
  for (const repository of status.repositories) {
    for (const commit of repository.commits) {
      const entry = (sha: string, kind: PromotionCommit['kind']): PromotionCommit => ({
        repository: repository.name,
        ticket: status.ticket,
        sha,
        change: commit.sha,
        kind,
        presentIn: status.environments.filter((env) => isPresent(commit, env)),
        subject: commit.subject,
        author: commit.author,
        committedAt: commit.committedAt,
        files: commit.files,
      });
      const lacking = commit.presence[target] === 'absent';
      if (source !== null && lacking && isPresent(commit, source)) toPromote.push(entry(commit.locations[source] ?? commit.sha, 'change'));
      else if (source !== null && commit.presence[source] === 'reverted' && isPresent(commit, target) && commit.locations[source]) {
        toPromote.push(entry(commit.locations[source]!, 'revert'));
      } else if (isMissing(commit, target)) notInSource.push(entry(commit.sha, 'change'));
    }
  }
  return { toPromote, notInSource };
}
