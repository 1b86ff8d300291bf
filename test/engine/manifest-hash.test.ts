import { describe, expect, it } from 'vitest';
import { approvalState } from '../../src/engine/approvals.js';
import { manifestDrift } from '../../src/engine/drift.js';
import { buildManifest, type Manifest } from '../../src/engine/manifest.js';
import type { TicketFacts } from '../../src/engine/model.js';
import { DEFAULT_RISK_RULES } from '../../src/engine/risk-rules.js';
import type { Wording } from '../../src/engine/wording.js';
import { anomalyText, manualStepText, reasonText, riskText, staleSourceText, WORDING } from '../../src/views/reasons.js';
import { commit, evaluate, graphOf, repository, ticket } from './facts.js';

/**
 * The manifest hash binds approvals to what is promoted: ids and data. Rewording any message (a
 * sentence in views/reasons.ts, a manual step's wording) leaves it, and the approvals on it, as
 * they were; a new commit changes it.
 */

/** Every sentence said differently, as a rewording of views/reasons.ts would. */
const REWORDED: Wording = {
  reason: (reason) => `Because ${reasonText(reason)}`,
  anomaly: (anomaly) => anomalyText(anomaly).toUpperCase(),
  risk: (risk) => `Watch out: ${riskText(risk)}`,
  manualStep: (step) => `Please ${manualStepText(step).toLowerCase()}`,
  staleSource: (source) => `${staleSourceText(source)}!`,
  suggestion: (suggestion) => `${suggestion.neededBy} cannot go without it`,
};

const pay7 = (extra: string[] = [], done: string[] = []): TicketFacts =>
  ticket(
    'PAY-7',
    [
      repository('db', [commit('hash-script', ['dev', 'qa'], { subject: 'PAY-7 add totals column', files: ['db/V7__payment_totals.sql'] })]),
      repository('api', [commit('hash-config', ['dev', 'qa'], { subject: 'PAY-7 totals setting', files: ['config/app.yml'] }), ...extra.map((label) => commit(label, ['dev', 'qa']))]),
    ],
    { doneSteps: done },
  );
const pay9 = ticket('PAY-9', [repository('api', [commit('hash-invoice', ['dev', 'qa'], { subject: 'PAY-9 show totals on invoices' })])]);
const graph = graphOf({ 'PAY-9': { edges: [{ ticket: 'PAY-8', kind: 'declared', direction: 'needs' }] } });

function release(wording: Wording, facts: TicketFacts = pay7()): Manifest {
  const evaluations = [facts, pay9].map((each) => evaluate(each, { source: 'qa', target: 'uat', graph, travellingTogether: new Set(['PAY-7', 'PAY-9']), settings: { wording } }));
  return buildManifest('R-WORDS', 'qa', 'uat', evaluations, DEFAULT_RISK_RULES, ['db', 'api'], wording);
}

describe('the manifest hash', () => {
  it('stays when every message is reworded, and an approval given before stays valid', () => {
    const before = release(WORDING);
    const after = release(REWORDED);
    // The words did change: reasons, risks, steps and suggestions all read differently.
    expect(after.manualSteps.map((step) => step.summary)).toEqual(['Please run db/v7__payment_totals.sql on uat']);
    expect(after.risks.map((risk) => risk.summary)).not.toEqual(before.risks.map((risk) => risk.summary));
    expect(after.tickets[0]!.reasons[0]).toMatch(/^Because /);
    expect(after.suggestedTickets).toEqual([{ ticket: 'PAY-8', reason: 'PAY-9 cannot go without it' }]);
    // What is promoted did not, and neither did the hash.
    expect(after.hash).toBe(before.hash);
    expect(after.tickets.map((each) => each.verdict)).toEqual(before.tickets.map((each) => each.verdict));

    const approval = { releaseId: 'R-WORDS', hash: before.hash, decision: 'approve' as const, by: 'Ben', at: '2026-11-21T09:00:00.000Z', reason: null, platform: 'slack' };
    const state = approvalState([approval], after.hash, 1);
    expect(state).toMatchObject({ approved: true, approvedBy: ['Ben'], flagged: null });
    expect(state.approvals.map((each) => each.stale)).toEqual([false]);
    expect(manifestDrift(before, after)).toEqual([]);
  });

  it('changes with what is promoted, not with a step ticked off', () => {
    const base = release(WORDING);
    const withCommit = release(WORDING, pay7(['hash-late']));
    expect(withCommit.hash).not.toBe(base.hash);
    expect(approvalState([{ releaseId: 'R-WORDS', hash: base.hash, decision: 'approve', by: 'Ben', at: '2026-11-21T09:00:00.000Z', reason: null, platform: 'cli' }], withCommit.hash, 1)).toMatchObject({
      approved: false,
      approvedBy: [],
    });

    const done = release(WORDING, pay7([], [base.manualSteps[0]!.id]));
    expect(done.manualSteps[0]?.status).toBe('done');
    expect(done.hash).toBe(base.hash);
  });

  it('reads a manifest saved by an earlier gig, hashed another way, as the same release when its content is', () => {
    const current = release(WORDING);
    // Saved before issue #13: another hash for the same content, risks and steps without their data.
    const saved = {
      ...current,
      hash: 'f'.repeat(64),
      risks: current.risks.map(({ code, level, repository: name, files, summary, ticket: key }) => ({ code, level, repository: name, files, summary, ticket: key })),
      manualSteps: current.manualSteps.map(({ id, source, repository: name, summary, owner, status, doneBy, doneAt, ticket: key }) => ({ id, source, repository: name, summary, owner, status, doneBy, doneAt, ticket: key })),
    } as unknown as Manifest;
    expect(manifestDrift(saved, current)).toEqual([]);
    expect(manifestDrift(saved, release(WORDING, pay7(['hash-later'])))).toEqual([expect.objectContaining({ kind: 'new-commit', repository: 'api' })]);
  });
});
