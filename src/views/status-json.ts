import type { TicketEvaluation } from '../engine/evaluate.js';
import type { Dependency } from '../engine/dependencies.js';
import type { WordedStep } from '../engine/manual-steps.js';
import type { WordedRisk } from '../engine/risks.js';

/**
 * The `gig status --json` contract (docs/json.md). Keys are written in a fixed order so the output
 * diffs cleanly; fields are only ever added, never renamed.
 */
export function statusJson(evaluation: TicketEvaluation): unknown {
  const { status } = evaluation;
  return {
    ticket: status.ticket,
    asOf: status.asOf,
    // Null, or the branches another replica has seen move since this index synced them.
    behind: status.behind,
    environments: status.environments,
    feeders: status.topology.feeder,
    target: evaluation.target,
    source: evaluation.source,
    // A ticket no commit belongs to has no verdict: there is nothing to judge.
    verdict: status.repositories.length === 0 ? null : evaluation.verdict,
    reasons: evaluation.reasons,
    repositories: status.repositories.map((repository) => ({
      name: repository.name,
      environments: repository.environments.map((env) => ({ name: env.name, branch: env.branch, state: env.state })),
      commits: repository.commits.map((commit) => ({
        sha: commit.sha,
        subject: commit.subject,
        author: commit.author,
        committedAt: commit.committedAt,
        files: commit.files,
        presence: commit.presence,
        evidence: commit.evidence,
        expected: commit.expected,
        locations: commit.locations,
        deployment: commit.deployment,
        copies: commit.copies,
        copyEvidence: commit.copyEvidence,
        branchLocal: commit.branchLocal,
        ...(commit.revertedBy === undefined ? {} : { revertedBy: commit.revertedBy }),
      })),
    })),
    mentions: status.mentions,
    risks: evaluation.risks.map(riskJson),
    manualSteps: evaluation.manualSteps.map(manualStepJson),
    dependencies: evaluation.dependencies.map(dependencyJson),
    anomalies: evaluation.anomalies.map((anomaly) => ({ kind: anomaly.kind, repository: anomaly.repository, sha: anomaly.sha, environments: anomaly.environments, message: anomaly.message })),
    lastRejection: evaluation.lastRejection
      ? { stage: evaluation.lastRejection.stage, at: evaluation.lastRejection.at, reason: evaluation.lastRejection.reason, by: evaluation.lastRejection.by }
      : null,
    sinceRejection: evaluation.sinceRejection,
    tracker: evaluation.tracker,
    warnings: evaluation.warnings,
  };
}

/** `gig check --json`. */
export function checkJson(evaluation: TicketEvaluation): unknown {
  return {
    ticket: evaluation.ticket,
    from: evaluation.source,
    to: evaluation.target,
    verdict: evaluation.verdict,
    reasons: evaluation.reasons,
    missing: evaluation.toPromote.map((commit) => ({ repository: commit.repository, sha: commit.sha, change: commit.change, kind: commit.kind, subject: commit.subject })),
    notInSource: evaluation.notInSource.map((commit) => ({ repository: commit.repository, sha: commit.change, subject: commit.subject, presentIn: commit.presentIn })),
    risks: evaluation.risks.map(riskJson),
    manualSteps: evaluation.manualSteps.map(manualStepJson),
    dependencies: evaluation.dependencies.map(dependencyJson),
  };
}

export function riskJson(risk: WordedRisk): unknown {
  return { code: risk.code, level: risk.level, repository: risk.repository, files: risk.files, summary: risk.summary };
}

export function manualStepJson(step: WordedStep): unknown {
  return {
    id: step.id,
    source: step.source,
    repository: step.repository,
    summary: step.summary,
    owner: step.owner,
    status: step.status,
    ...(step.status === 'done' ? { doneBy: step.doneBy, doneAt: step.doneAt } : {}),
  };
}

export function dependencyJson(dependency: Dependency): unknown {
  return { ticket: dependency.ticket, kind: dependency.kind, direction: dependency.direction, status: dependency.status, ...(dependency.via ? { via: dependency.via } : {}) };
}
