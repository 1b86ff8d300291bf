import { describe, expect, it } from 'vitest';
import { findAnomalies } from '../../src/engine/anomalies.js';
import { computeTicketStatus } from '../../src/engine/status.js';
import { BACKPORTS, commit, evaluate, findingsOf, RELEASE_LINES, repository, sha, short, ticket } from './facts.js';

/**
 * The three anomalies of docs/history.md §7 over literal facts, on the chain dev → qa → uat → prod
 * and on release lines: blocking on the way to the target, a warning beyond it.
 */

describe('anomalies on the chain', () => {
  it('finds a change promoted out of order: in uat, not in qa, though dev has it', () => {
    const facts = ticket('PAY-5', [repository('api', [commit('skipped', ['dev', 'uat'], { subject: 'PAY-5 hotfix' })])]);
    expect(findAnomalies(computeTicketStatus(facts), 'qa')).toEqual([
      { kind: 'out-of-order', repository: 'api', sha: sha('skipped'), subject: 'PAY-5 hotfix', environments: ['uat', 'qa'] },
    ]);
    const towardsProd = evaluate(facts, { target: 'prod' });
    expect(findingsOf(towardsProd)).toContainEqual(['anomaly', 'anomaly']);
    expect(towardsProd.reasons).toContain(`api: ${short('skipped')} "PAY-5 hotfix" is in uat but not in qa (promoted out of order)`);

    const towardsQa = evaluate(facts);
    expect(towardsQa.target).toBe('qa');
    expect(towardsQa.findings).toEqual([expect.objectContaining({ rule: 'anomalyElsewhere', verdict: 'risky' })]);
    expect(towardsQa.reasons).toEqual([`beyond qa: api: ${short('skipped')} "PAY-5 hotfix" is in uat but not in qa (promoted out of order)`]);
  });

  it('finds a missed follow-up: qa complete, uat partial; not when uat is the target', () => {
    const facts = ticket('PAY-7', [
      repository('batch', [commit('job', ['dev', 'qa', 'uat']), commit('follow-up', ['dev', 'qa'], { subject: 'PAY-7 skip cancelled payments', at: '2026-11-09T08:00:00.000Z' })]),
    ]);
    const towardsProd = evaluate(facts, { target: 'prod' });
    expect(towardsProd.anomalies).toEqual([
      {
        kind: 'late-follow-up',
        repository: 'batch',
        sha: sha('follow-up'),
        subject: 'PAY-7 skip cancelled payments',
        committedAt: '2026-11-09T08:00:00.000Z',
        environments: ['uat', 'qa'],
        message: `batch: uat lacks ${short('follow-up')} "PAY-7 skip cancelled payments" (2026-11-09), which qa has: a follow-up was missed`,
      },
    ]);
    expect(towardsProd.verdict).toBe('blocked');

    const towardsUat = evaluate(facts);
    expect(towardsUat.target).toBe('uat');
    expect(towardsUat.anomalies).toEqual([]);
    expect(towardsUat.toPromote.map((entry) => entry.sha)).toEqual([sha('follow-up')]);
  });

  it('finds a missed repository, naming the ones that arrived', () => {
    const facts = ticket('PAY-7', [
      repository('api', [commit('api-part', ['dev', 'qa', 'uat'])]),
      repository('batch', [commit('batch-part', ['dev', 'qa', 'uat'])]),
      repository('db', [commit('db-part', ['dev', 'qa'])]),
    ]);
    const evaluation = evaluate(facts, { target: 'prod' });
    expect(evaluation.anomalies).toEqual([
      expect.objectContaining({ kind: 'missed-repository', repository: 'db', sha: null, environments: ['uat'], arrived: ['api', 'batch'] }),
    ]);
    expect(evaluation.reasons).toEqual(['db has none of the ticket in uat, where api and batch already are: a repository was missed']);
  });

  it('finds nothing for a ticket that moved along the chain in step', () => {
    const facts = ticket('PAY-1', [
      repository('api', [commit('in-step-1', ['dev', 'qa', 'uat']), commit('in-step-2', ['dev', 'qa', 'uat'])]),
      repository('db', [commit('in-step-3', ['dev', 'qa', 'uat'])]),
    ]);
    expect(findAnomalies(computeTicketStatus(facts), 'prod')).toEqual([]);
  });
});

describe('anomalies on release lines', () => {
  it('does not call a fix on two sibling lines out of order (it is branch-local), but does on a chain of backports', () => {
    const siblings = ticket('ABC-12', [repository('core', [commit('line-fix', ['2.3', '2.2'], { subject: 'ABC-12 fix race' })], { environments: RELEASE_LINES.order })], {
      topology: RELEASE_LINES,
    });
    expect(findAnomalies(computeTicketStatus(siblings), null)).toEqual([]);

    const chained = ticket('ABC-12', [repository('core', [commit('chain-fix', ['main', '2.2'], { subject: 'ABC-12 fix race' })], { environments: BACKPORTS.order })], {
      topology: BACKPORTS,
    });
    const evaluation = evaluate(chained, { target: '2.2' });
    expect(evaluation.anomalies.map((anomaly) => [anomaly.kind, anomaly.environments])).toEqual([['out-of-order', ['2.2', '2.3']]]);
    expect(evaluation.reasons).toEqual([`core: ${short('chain-fix')} "ABC-12 fix race" is in 2.2 but not in 2.3 (promoted out of order)`]);
  });

  it('reports a follow-up missed on one line as a warning when another line is the target', () => {
    const facts = ticket(
      'ABC-20',
      [repository('core', [commit('line-change', ['main', '2.3']), commit('line-follow-up', ['main'], { at: '2026-11-12T10:00:00.000Z' })], { environments: RELEASE_LINES.order })],
      { topology: RELEASE_LINES },
    );
    expect(evaluate(facts).target).toBe('2.3');
    expect(evaluate(facts).anomalies).toEqual([]);

    const towards22 = evaluate(facts, { target: '2.2' });
    expect(towards22.findings).toEqual([expect.objectContaining({ rule: 'anomalyElsewhere', reason: expect.objectContaining({ beyond: '2.2' }) })]);
    expect(towards22.reasons).toEqual([`beyond 2.2: core: 2.3 lacks ${short('line-follow-up')} "PAY-1 line-follow-up" (2026-11-12), which main has: a follow-up was missed`]);
    expect(towards22.verdict).toBe('risky');
  });

  it('finds a repository missed on a release line', () => {
    const facts = ticket(
      'ABC-21',
      [
        repository('core', [commit('core-part', ['main', '2.3'])], { environments: RELEASE_LINES.order }),
        repository('docs', [commit('docs-part', ['main'])], { environments: RELEASE_LINES.order }),
      ],
      { topology: RELEASE_LINES },
    );
    const evaluation = evaluate(facts, { target: '2.2' });
    expect(evaluation.anomalies.map((anomaly) => [anomaly.kind, anomaly.repository, anomaly.environments])).toEqual([['missed-repository', 'docs', ['2.3']]]);
    expect(evaluation.reasons).toEqual(['beyond 2.2: docs has none of the ticket in 2.3, where core already is: a repository was missed']);
  });
});
