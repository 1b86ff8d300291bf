import { findAnomalies, type WordedAnomaly } from './anomalies.js';
import { resolveDependencies, type Dependency, type DependencyGraph } from './dependencies.js';
import { findingsOf, type Backflow } from './findings.js';
import { historyRisks } from './history-risks.js';
import { manualSteps, type WordedStep } from './manual-steps.js';
import type { RejectionFact, StaleSource, TicketFacts, TicketStatus, TrackerFact } from './model.js';
import { pathRisks } from './path-risks.js';
import { promotion, type PromotionCommit } from './promotion.js';
import type { WordedRisk } from './risks.js';
import type { RiskRule } from './risk-rules.js';
import { computeTicketStatus } from './status.js';
import { defaultSource, defaultTarget } from './targets.js';
import { decide, type Verdict, type VerdictPolicy, type WeighedFinding } from './verdict.js';
import type { Wording } from './wording.js';

export interface TicketEvaluation {
  ticket: string;
  status: TicketStatus;
  source: string | null;
  target: string | null;
  verdict: Verdict;
  /** What the verdict rests on, most severe first: each finding's rule, weight and data. */
  findings: WeighedFinding[];
  /** The findings in words, in the same order. */
  reasons: string[];
  anomalies: WordedAnomaly[];
  risks: WordedRisk[];
  manualSteps: WordedStep[];
  dependencies: Dependency[];
  lastRejection: RejectionFact | null;
  /** Changes committed after the last rejection, source order. */
  sinceRejection: string[];
  /** In the source environment and missing in the target, source order. */
  toPromote: PromotionCommit[];
  /** Missing in the target and not in the source either: not ready to promote. */
  notInSource: PromotionCommit[];
  tracker: TrackerFact | null;
  /** Sources whose data is older than it should be. */
  staleSources: StaleSource[];
  /** The stale sources in words. */
  warnings: string[];
}

export interface EvaluationSettings {
  rules: RiskRule[];
  policy: VerdictPolicy;
  largeChange: { lines: number; files: number };
  /** Per environment; environments not listed use `warn`. */
  backflow?: Record<string, Backflow>;
  /** The words for the text fields (views/reasons.ts); nothing decided depends on them. */
  wording: Wording;
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

/** Everything a release captain asks about one ticket, towards one target (DESIGN §4.3–4.6). */
export function evaluateTicket(request: EvaluationRequest, settings: EvaluationSettings): TicketEvaluation {
  const { facts } = request;
  const { wording } = settings;
  const status = computeTicketStatus(facts);
  const target = request.target === undefined ? defaultTarget(status) : request.target;
  const source = request.source === undefined ? defaultSource(status.topology, target) : request.source;
  const lastRejection = facts.rejections.at(-1) ?? null;

  const anomalies = findAnomalies(status, target);
  const risks = [
    ...pathRisks(status.repositories, target, source, settings.rules),
    ...historyRisks({ repositories: status.repositories, source, target, lastRejection, lastApproval: facts.lastApproval ?? null, largeChange: settings.largeChange }),
  ];
  const steps = manualSteps(facts, status.repositories, target, source, settings.rules);
  const { dependencies, cycles } = resolveDependencies(facts.ticket, request.graph, target, request.travellingTogether ?? new Set());
  const { toPromote, notInSource } = promotion(status, source, target);
  const sinceRejection = lastRejection
    ? status.repositories.flatMap((repository) => repository.commits.filter((commit) => commit.committedAt > lastRejection.at).map((commit) => commit.sha))
    : [];
  const decided = decide(
    findingsOf({ ticket: facts.ticket, status, source, target, anomalies, risks, steps, dependencies, cycles, toPromote, notInSource, lastRejection, backflow: settings.backflow }),
    settings.policy,
  );
  const staleSources = facts.staleSources ?? [];
  return {
    ticket: facts.ticket,
    status,
    source,
    target,
    verdict: decided.verdict,
    findings: decided.findings,
    reasons: decided.findings.map((finding) => wording.reason(finding.reason)),
    anomalies: anomalies.map((anomaly) => ({ ...anomaly, message: wording.anomaly(anomaly) })),
    risks: risks.map((risk) => ({ ...risk, summary: wording.risk(risk) })),
    manualSteps: steps.map((step) => ({ ...step, summary: wording.manualStep(step) })),
    dependencies,
    lastRejection,
    sinceRejection,
    toPromote,
    notInSource,
    tracker: facts.tracker ?? null,
    staleSources,
    warnings: staleSources.map((source) => wording.staleSource(source)),
  };
}
