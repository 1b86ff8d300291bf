import type { Anomaly } from '../engine/anomalies.js';
import type { Drift } from '../engine/drift.js';
import type { ManualStep } from '../engine/manual-steps.js';
import type { Suggestion } from '../engine/manifest.js';
import type { StaleSource } from '../engine/model.js';
import type { Reason } from '../engine/reasons.js';
import type { Risk } from '../engine/risks.js';
import type { Wording } from '../engine/wording.js';
import { firstFew, day, humanTime, shortSha, shortTime } from './format.js';

/**
 * Every sentence about what the engine finds, in one place: reasons, anomalies, risks, manual
 * steps, stale sources, suggested tickets and drift. The CLI, JSON `reasons`/`summary`/`message`,
 * cards, packets and digests all say these words; the engine hands over data only (engine/wording.ts).
 */

export function reasonText(reason: Reason): string {
  switch (reason.kind) {
    case 'not-found':
      return `${reason.ticket} is not named by any indexed commit`;
    case 'missing-branch':
      return `${reason.repository} has no branch "${reason.branch}" for ${reason.environment}`;
    case 'anomaly':
      return reason.beyond === null ? anomalyText(reason.anomaly) : `beyond ${reason.beyond}: ${anomalyText(reason.anomaly)}`;
    case 'not-in-source':
      return `${reason.ticket} has not reached ${reason.source}: there is nothing of it to promote to ${reason.target}`;
    case 'backflow':
      return `${reason.repository}: ${shortSha(reason.sha)} "${reason.subject}" was made on ${reason.origin} and is not in ${reason.missingFrom.join(', ')}: it has not flowed back`;
    case 'missing-dependency': {
      const how = reason.link === 'companion' ? 'is named in the same commits' : reason.via ? `is needed through ${reason.via}` : 'is a declared dependency';
      return reason.status === 'unknown'
        ? `${reason.ticket} ${how} but no indexed commit names it`
        : `${reason.ticket} ${how} and is not in ${reason.target ?? 'the last environment'}`;
    }
    case 'dependency-cycle':
      return `dependency cycle ${reason.tickets.join(' → ')}: these tickets must travel together`;
    case 'open-rejection':
      return `rejected at ${reason.stage} on ${day(reason.at)}${reason.reason ? ` ("${reason.reason}")` : ''} and no commit since`;
    case 'revert-not-in-target':
      return `${reason.repository}: ${shortSha(reason.sha)} was reverted in ${reason.source} by ${shortSha(reason.revert ?? '')}, but ${reason.target} still has it`;
    case 'risk':
      return `${reason.risk.repository ? `${reason.risk.repository}: ` : ''}${riskText(reason.risk)}`;
    case 'open-manual-step':
      return `manual step ${reason.step.id} open: ${manualStepText(reason.step)}`;
  }
}

export function anomalyText(anomaly: Anomaly): string {
  switch (anomaly.kind) {
    case 'out-of-order': {
      const [env, ...skipped] = anomaly.environments;
      return `${anomaly.repository}: ${shortSha(anomaly.sha)} "${anomaly.subject}" is in ${env} but not in ${skipped.join(', ')} (promoted out of order)`;
    }
    case 'late-follow-up': {
      const [env, feeder] = anomaly.environments;
      return `${anomaly.repository}: ${env} lacks ${shortSha(anomaly.sha)} "${anomaly.subject}" (${day(anomaly.committedAt)}), which ${feeder} has: a follow-up was missed`;
    }
    case 'missed-repository': {
      const [env] = anomaly.environments;
      const arrived = `${anomaly.arrived.join(' and ')} already ${anomaly.arrived.length === 1 ? 'is' : 'are'}`;
      return `${anomaly.repository} has none of the ticket in ${env}, where ${arrived}: a repository was missed`;
    }
  }
}

/** A risk without its repository (surfaces put that in a column of its own). */
export function riskText(risk: Risk): string {
  switch (risk.kind) {
    case 'path':
      return `${risk.label}: ${firstFew(risk.files)}`;
    case 'late-follow-up': {
      const review = risk.after.kind === 'approval' ? `approval of release ${risk.after.release} by ${risk.after.by}` : `${risk.after.stage} rejection`;
      return `${risk.commits.length} commit${risk.commits.length === 1 ? '' : 's'} after the ${review} of ${day(risk.after.at)}: ${risk.commits.map(shortSha).join(', ')}`;
    }
    case 'revert':
      return `reverted work: ${risk.reverts.map((revert) => `${shortSha(revert.sha)} reverted by ${shortSha(revert.revertedBy)}`).join(', ')}`;
    case 'large-change':
      return `large change to promote: ${risk.lines} lines in ${risk.fileCount} files`;
    case 'not-deployed':
      return `merged to ${risk.environment} but not deployed there (running ${shortSha(risk.running.sha)} since ${shortTime(risk.running.since)}): ${risk.commits.map(shortSha).join(', ')}`;
  }
}

/** What a manual step asks: a rule's template filled in, a commit's Manual-Step line for its target, or what a person wrote. */
export function manualStepText(step: ManualStep): string {
  const instruction = step.instruction;
  switch (instruction.kind) {
    case 'template':
      return instruction.template
        .replaceAll('{file}', instruction.file ?? '')
        .replaceAll('{files}', instruction.files.join(', '))
        .replaceAll('{repository}', instruction.repository)
        .replaceAll('{target}', instruction.target ?? 'the next environment')
        .replaceAll('{ticket}', instruction.ticket);
    case 'trailer':
      return instruction.target ? `${instruction.text} (${instruction.target})` : instruction.text;
    case 'text':
      return instruction.text;
  }
}

export function staleSourceText(source: StaleSource): string {
  const since = source.okAt ? `its data is as of ${humanTime(source.okAt)}` : 'it never answered';
  return `${source.source} is stale: ${since}${source.error ? ` (${source.error})` : ''}`;
}

export function suggestionText(suggestion: Suggestion): string {
  const where = suggestion.status === 'unknown' ? 'unknown to the index' : `not in ${suggestion.target}`;
  return `${suggestion.neededBy} needs it (${suggestion.kind}${suggestion.via ? ` via ${suggestion.via}` : ''}) and it is ${where}`;
}

export function driftText(drift: Drift): string {
  switch (drift.kind) {
    case 'verdict':
      return `${drift.ticket}: verdict ${drift.before} → ${drift.after}`;
    case 'new-commit':
      return `${drift.repository}: new commit to promote ${shortSha(drift.sha)} ${drift.ticket} "${drift.subject}"`;
    case 'commit-gone':
      return `${drift.repository}: ${shortSha(drift.sha)} "${drift.subject}" no longer needs promoting`;
    case 'new-db-script':
      return `${drift.repository}: new DB script ${drift.script}`;
    case 'new-manual-step':
      return `new manual step ${drift.step.id}: ${manualStepText(drift.step)}`;
    case 'new-dependency':
      return `new dependency outside the release: ${drift.ticket}`;
    case 'other':
      return 'the manifest changed (risks or readiness)';
  }
}

/** "a.sql, b.sql, c.sql and 4 more": a risk names a few of its files, not all. */

/** The wording the engine's text fields are filled with (engine/wording.ts). */
export const WORDING: Wording = {
  reason: reasonText,
  anomaly: anomalyText,
  risk: riskText,
  manualStep: manualStepText,
  staleSource: staleSourceText,
  suggestion: suggestionText,
};
