import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../../src/engine/anomalies.js';
import type { ManualStep } from '../../src/engine/manual-steps.js';
import type { Reason } from '../../src/engine/reasons.js';
import type { Risk } from '../../src/engine/risks.js';
import { anomalyText, driftText, manualStepText, reasonText, riskText, staleSourceText, suggestionText } from '../../src/views/reasons.js';
import { sha, short } from './facts.js';

/**
 * The words of every kind of finding (views/reasons.ts), from literal data: the sentences
 * docs/verdicts.md quotes, and the ones goldens hold, stay as they are whatever the engine computes.
 */

const fix = sha('fix');
const outOfOrder: Anomaly = { kind: 'out-of-order', repository: 'api', sha: fix, subject: 'PAY-5 hotfix', environments: ['uat', 'qa'] };
const step = (instruction: ManualStep['instruction']): ManualStep => ({ id: 'm1f6a39', source: 'rule', repository: 'db', instruction, owner: null, status: 'open', doneBy: null, doneAt: null });
const dbStep = step({ kind: 'template', template: 'Run {file} on {target}', ticket: 'PAY-7', repository: 'db', file: 'db/V7__payment_totals.sql', files: ['db/V7__payment_totals.sql'], target: 'uat' });
const configRisk: Risk = { kind: 'path', code: 'config', level: 'warning', repository: 'api', files: ['src/main/resources/application.yml'], label: 'configuration change' };

describe('the words of a reason', () => {
  const cases: Array<{ reason: Reason; words: string }> = [
    { reason: { kind: 'not-found', ticket: 'PAY-99' }, words: 'PAY-99 is not named by any indexed commit' },
    { reason: { kind: 'missing-branch', repository: 'ui', branch: 'uat', environment: 'uat' }, words: 'ui has no branch "uat" for uat' },
    { reason: { kind: 'anomaly', anomaly: outOfOrder, beyond: null }, words: `api: ${short('fix')} "PAY-5 hotfix" is in uat but not in qa (promoted out of order)` },
    { reason: { kind: 'anomaly', anomaly: outOfOrder, beyond: 'qa' }, words: `beyond qa: api: ${short('fix')} "PAY-5 hotfix" is in uat but not in qa (promoted out of order)` },
    { reason: { kind: 'not-in-source', ticket: 'ABC-15', source: 'qa', target: 'uat' }, words: 'ABC-15 has not reached qa: there is nothing of it to promote to uat' },
    {
      reason: { kind: 'backflow', repository: 'api', sha: fix, subject: 'ABC-9 hotfix: timeout 30 s', origin: 'prod', missingFrom: ['dev', 'qa', 'uat'] },
      words: `api: ${short('fix')} "ABC-9 hotfix: timeout 30 s" was made on prod and is not in dev, qa, uat: it has not flowed back`,
    },
    { reason: { kind: 'missing-dependency', ticket: 'PAY-7', link: 'declared', via: null, status: 'missing', target: 'uat' }, words: 'PAY-7 is a declared dependency and is not in uat' },
    { reason: { kind: 'missing-dependency', ticket: 'PAY-7', link: 'tracker', via: null, status: 'missing', target: null }, words: 'PAY-7 is a declared dependency and is not in the last environment' },
    { reason: { kind: 'missing-dependency', ticket: 'PAY-6', link: 'declared', via: 'PAY-7', status: 'unknown', target: 'uat' }, words: 'PAY-6 is needed through PAY-7 but no indexed commit names it' },
    { reason: { kind: 'missing-dependency', ticket: 'PAY-2', link: 'companion', via: null, status: 'missing', target: 'uat' }, words: 'PAY-2 is named in the same commits and is not in uat' },
    { reason: { kind: 'dependency-cycle', tickets: ['PAY-1', 'PAY-2', 'PAY-1'] }, words: 'dependency cycle PAY-1 → PAY-2 → PAY-1: these tickets must travel together' },
    { reason: { kind: 'open-rejection', stage: 'qa', at: '2026-11-19T16:30:00.000Z', reason: 'timeout too long' }, words: 'rejected at qa on 2026-11-19 ("timeout too long") and no commit since' },
    { reason: { kind: 'open-rejection', stage: 'client', at: '2026-11-19T16:30:00.000Z', reason: null }, words: 'rejected at client on 2026-11-19 and no commit since' },
    {
      reason: { kind: 'revert-not-in-target', repository: 'api', sha: fix, revert: sha('revert'), source: 'dev', target: 'qa' },
      words: `api: ${short('fix')} was reverted in dev by ${short('revert')}, but qa still has it`,
    },
    { reason: { kind: 'risk', risk: configRisk }, words: 'api: configuration change: src/main/resources/application.yml' },
    { reason: { kind: 'open-manual-step', step: dbStep }, words: 'manual step m1f6a39 open: Run db/V7__payment_totals.sql on uat' },
  ];
  it.each(cases)('$reason.kind: $words', ({ reason, words }) => expect(reasonText(reason)).toBe(words));
});

describe('the words of anomalies, risks and steps', () => {
  it('words each anomaly', () => {
    expect(anomalyText({ kind: 'late-follow-up', repository: 'batch', sha: fix, subject: 'PAY-7 skip cancelled payments', committedAt: '2026-11-09T23:59:00.000Z', environments: ['uat', 'qa'] })).toBe(
      `batch: uat lacks ${short('fix')} "PAY-7 skip cancelled payments" (2026-11-09), which qa has: a follow-up was missed`,
    );
    expect(anomalyText({ kind: 'missed-repository', repository: 'ui', sha: null, environments: ['qa'], arrived: ['api'] })).toBe(
      'ui has none of the ticket in qa, where api already is: a repository was missed',
    );
    expect(anomalyText({ kind: 'out-of-order', repository: 'api', sha: fix, subject: 'x', environments: ['prod', 'qa', 'uat'] })).toBe(`api: ${short('fix')} "x" is in prod but not in qa, uat (promoted out of order)`);
  });

  it('words each risk without its repository, naming at most three files', () => {
    const base = { level: 'warning' as const, repository: 'api', files: [] };
    expect(riskText({ ...base, kind: 'path', code: 'db-script', files: ['a.sql', 'b.sql', 'c.sql', 'd.sql', 'e.sql'], label: 'database change' })).toBe('database change: a.sql, b.sql, c.sql and 2 more');
    expect(riskText({ ...base, kind: 'late-follow-up', code: 'late-follow-up', commits: [fix, sha('two')], after: { kind: 'rejection', stage: 'client', at: '2026-11-08T12:00:00.000Z' } })).toBe(
      `2 commits after the client rejection of 2026-11-08: ${short('fix')}, ${short('two')}`,
    );
    expect(riskText({ ...base, kind: 'revert', code: 'revert', reverts: [{ sha: fix, revertedBy: sha('undo') }] })).toBe(`reverted work: ${short('fix')} reverted by ${short('undo')}`);
    expect(riskText({ ...base, kind: 'large-change', code: 'large-change', lines: 1840, fileCount: 12 })).toBe('large change to promote: 1840 lines in 12 files');
    expect(
      riskText({ ...base, kind: 'not-deployed', code: 'not-deployed', environment: 'qa', running: { sha: sha('build'), since: '2026-11-03T13:00:59.000Z' }, commits: [fix] }),
    ).toBe(`merged to qa but not deployed there (running ${short('build')} since 2026-11-03 13:00): ${short('fix')}`);
  });

  it('fills a rule template, words a Manual-Step line for its target, and keeps what a person wrote', () => {
    expect(manualStepText(dbStep)).toBe('Run db/V7__payment_totals.sql on uat');
    expect(
      manualStepText(step({ kind: 'template', template: 'Deploy the Mendix package of {repository} ({files}) to {target} for {ticket}', ticket: 'PAY-10', repository: 'mendix', file: null, files: ['A.mpr', 'B.mpk'], target: null })),
    ).toBe('Deploy the Mendix package of mendix (A.mpr, B.mpk) to the next environment for PAY-10');
    expect(manualStepText(step({ kind: 'trailer', text: 'Switch the flag on', target: 'uat' }))).toBe('Switch the flag on (uat)');
    expect(manualStepText(step({ kind: 'trailer', text: 'Switch the flag on', target: null }))).toBe('Switch the flag on');
    expect(manualStepText(step({ kind: 'text', text: 'Tell finance the form moved' }))).toBe('Tell finance the form moved');
  });

  it('words stale sources, suggested tickets and drift', () => {
    expect(staleSourceText({ source: 'jira', okAt: '2026-11-21T09:00:00.000Z', error: 'HTTP 503' })).toBe('jira is stale: its data is as of 2026-11-21 09:00 UTC (HTTP 503)');
    expect(suggestionText({ ticket: 'PAY-7', neededBy: 'PAY-9', kind: 'declared', via: null, status: 'missing', target: 'uat' })).toBe('PAY-9 needs it (declared) and it is not in uat');
    expect(suggestionText({ ticket: 'PAY-6', neededBy: 'PAY-9', kind: 'tracker', via: 'PAY-7', status: 'unknown', target: 'uat' })).toBe('PAY-9 needs it (tracker via PAY-7) and it is unknown to the index');
    expect(
      [
        driftText({ kind: 'verdict', ticket: 'PAY-10', before: 'manual-only', after: 'safe' }),
        driftText({ kind: 'new-commit', repository: 'batch', sha: fix, ticket: 'PAY-7', subject: 'PAY-7 log skipped payments' }),
        driftText({ kind: 'commit-gone', repository: 'batch', sha: fix, subject: 'PAY-7 log skipped payments' }),
        driftText({ kind: 'new-db-script', repository: 'db', script: 'db/V8__more.sql' }),
        driftText({ kind: 'new-manual-step', step: dbStep }),
        driftText({ kind: 'new-dependency', ticket: 'PAY-6' }),
        driftText({ kind: 'other' }),
      ],
    ).toEqual([
      'PAY-10: verdict manual-only → safe',
      `batch: new commit to promote ${short('fix')} PAY-7 "PAY-7 log skipped payments"`,
      `batch: ${short('fix')} "PAY-7 log skipped payments" no longer needs promoting`,
      'db: new DB script db/V8__more.sql',
      'new manual step m1f6a39: Run db/V7__payment_totals.sql on uat',
      'new dependency outside the release: PAY-6',
      'the manifest changed (risks or readiness)',
    ]);
  });
});
