import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/engine/verdict.js';
import { commit, evaluate, findingsOf, repository, sha, short, ticket } from './facts.js';

/** Verdicts over literal facts (docs/verdicts.md, "Policy rules"), on the chain dev → qa → uat → prod. */

describe('the verdict of a ticket', () => {
  it('is safe when the source has all of it and the promotion carries nothing risky', () => {
    const evaluation = evaluate(ticket('PAY-1', [repository('api', [commit('safe-1', ['dev', 'qa'])])]));
    expect([evaluation.source, evaluation.target, evaluation.verdict]).toEqual(['qa', 'uat', 'safe']);
    expect(evaluation.findings).toEqual([]);
    expect(evaluation.toPromote.map((entry) => entry.sha)).toEqual([sha('safe-1')]);
  });

  it('is blocked when no indexed commit names the ticket', () => {
    const evaluation = evaluate(ticket('PAY-99', []));
    expect(evaluation.verdict).toBe('blocked');
    expect(evaluation.findings).toEqual([{ rule: 'notFound', verdict: 'blocked', reason: { kind: 'not-found', ticket: 'PAY-99' } }]);
    expect(evaluation.reasons).toEqual(['PAY-99 is not named by any indexed commit']);
  });

  it('is blocked when a repository has no branch for the target', () => {
    const evaluation = evaluate(ticket('PAY-1', [repository('ui', [commit('branchless', ['dev', 'qa'])], { missingBranches: ['uat'] })]), { source: 'qa', target: 'uat' });
    expect(evaluation.findings[0]).toEqual({ rule: 'missingBranch', verdict: 'blocked', reason: { kind: 'missing-branch', repository: 'ui', branch: 'uat', environment: 'uat' } });
    expect(evaluation.reasons[0]).toBe('ui has no branch "uat" for uat');
  });

  it('is blocked when the source holds nothing of the ticket', () => {
    const evaluation = evaluate(ticket('ABC-15', [repository('api', [commit('dev-only', ['dev'])])]), { source: 'qa', target: 'uat' });
    expect(evaluation.verdict).toBe('blocked');
    expect(findingsOf(evaluation)).toEqual([['notInSource', 'not-in-source']]);
    expect(evaluation.reasons).toEqual(['ABC-15 has not reached qa: there is nothing of it to promote to uat']);
    expect(evaluation.notInSource.map((entry) => entry.presentIn)).toEqual([['dev']]);
  });

  it('is blocked by a rejection newer than every commit, and no longer once a commit follows it', () => {
    const rejection = { stage: 'qa', at: '2026-11-19T10:00:00.000Z', reason: 'timeout too long', by: 'Ben', source: 'cli' };
    const before = evaluate(ticket('PAY-1', [repository('api', [commit('rejected', ['dev', 'qa'], { at: '2026-11-18T10:00:00.000Z' })])], { rejections: [rejection] }));
    expect(before.verdict).toBe('blocked');
    expect(before.reasons).toEqual(['rejected at qa on 2026-11-19 ("timeout too long") and no commit since']);

    const after = evaluate(
      ticket('PAY-1', [repository('api', [commit('rejected-2', ['dev', 'qa'], { at: '2026-11-18T10:00:00.000Z' }), commit('fixed', ['dev', 'qa'], { at: '2026-11-20T10:00:00.000Z' })])], {
        rejections: [rejection],
      }),
    );
    expect(findingsOf(after)).toEqual([['warning', 'risk']]);
    expect(after.reasons).toEqual([`api: 1 commit after the qa rejection of 2026-11-19: ${short('fixed')}`]);
    expect(after.sinceRejection).toEqual([sha('fixed')]);
  });

  it('is blocked when the source reverted a change the target still has, and carries the revert', () => {
    const change = commit('reverted', ['dev', 'qa', 'uat']);
    const revert = commit('the-revert', ['qa'], { subject: 'Revert "PAY-1 reverted"', reverts: ['reverted'] });
    const evaluation = evaluate(ticket('PAY-1', [repository('api', [change, revert])]), { source: 'qa', target: 'uat' });
    expect(evaluation.verdict).toBe('blocked');
    expect(evaluation.findings[0]?.reason).toEqual({ kind: 'revert-not-in-target', repository: 'api', sha: sha('reverted'), revert: sha('the-revert'), source: 'qa', target: 'uat' });
    expect(evaluation.reasons[0]).toBe(`api: ${short('reverted')} was reverted in qa by ${short('the-revert')}, but uat still has it`);
    expect(evaluation.toPromote.map((entry) => [entry.kind, entry.sha])).toEqual([['revert', sha('the-revert')]]);
  });

  it('is manual-only while a DB script step is open, and safe once it is done', () => {
    const repositories = [repository('db', [commit('script', ['dev', 'qa'], { files: ['db/V7__payment_totals.sql'] })])];
    const open = evaluate(ticket('PAY-7', repositories));
    expect(open.verdict).toBe('manual-only');
    expect(open.risks.map((risk) => [risk.kind, risk.code, risk.level, risk.files])).toEqual([['path', 'db-script', 'manual', ['db/V7__payment_totals.sql']]]);
    const [step] = open.manualSteps;
    expect(step).toMatchObject({ source: 'rule', repository: 'db', owner: 'Ana Lima', status: 'open', summary: 'Run db/V7__payment_totals.sql on uat' });
    expect(step?.instruction).toEqual({ kind: 'template', template: 'Run {file} on {target}', ticket: 'PAY-7', repository: 'db', file: 'db/V7__payment_totals.sql', files: ['db/V7__payment_totals.sql'], target: 'uat' });
    expect(open.reasons).toEqual([`manual step ${step!.id} open: Run db/V7__payment_totals.sql on uat`]);

    const done = evaluate(ticket('PAY-7', repositories, { doneSteps: [step!.id] }));
    expect(done.verdict).toBe('safe');
    expect(done.manualSteps[0]).toMatchObject({ id: step!.id, status: 'done', doneBy: 'Ben' });
  });

  it('is risky for a configuration change, naming the repository and the file', () => {
    const evaluation = evaluate(ticket('PAY-11', [repository('api', [commit('config', ['dev', 'qa'], { files: ['src/main/resources/application.yml'] })])]));
    expect(evaluation.verdict).toBe('risky');
    expect(evaluation.reasons).toEqual(['api: configuration change: src/main/resources/application.yml']);
  });

  it('follows the policy: a team may make open steps risky and warnings safe', () => {
    const facts = ticket('PAY-7', [repository('db', [commit('policy', ['dev', 'qa'], { files: ['db/V1__a.sql', 'config/app.yml'] })])]);
    expect(evaluate(facts).verdict).toBe('manual-only');
    expect(evaluate(facts, { settings: { policy: { ...DEFAULT_POLICY, openManualStep: 'risky' } } }).verdict).toBe('risky');
    expect(evaluate(facts, { settings: { policy: { ...DEFAULT_POLICY, openManualStep: 'safe', warning: 'safe' } } }).verdict).toBe('safe');
  });

  it('weighs a hotfix made on prod by the backflow setting of prod', () => {
    const facts = ticket('ABC-9', [repository('api', [commit('hotfix', ['prod'], { subject: 'ABC-9 hotfix: timeout 30 s' })])]);
    const warned = evaluate(facts);
    expect([warned.target, warned.verdict]).toEqual([null, 'risky']);
    expect(warned.findings[0]?.reason).toMatchObject({ kind: 'backflow', origin: 'prod', missingFrom: ['dev', 'qa', 'uat'] });
    expect(warned.reasons).toEqual([`api: ${short('hotfix')} "ABC-9 hotfix: timeout 30 s" was made on prod and is not in dev, qa, uat: it has not flowed back`]);
    expect(evaluate(facts, { settings: { backflow: { prod: 'block' } } }).verdict).toBe('blocked');
    expect(evaluate(facts, { settings: { backflow: { prod: 'ignore' } } }).verdict).toBe('safe');
  });

  it('is risky for a large change and for commits merged but not deployed', () => {
    const large = evaluate(ticket('PAY-1', [repository('api', [commit('large', ['dev', 'qa'], { lines: 1840 })])]));
    expect(large.risks).toEqual([expect.objectContaining({ kind: 'large-change', lines: 1840, fileCount: 1, summary: 'large change to promote: 1840 lines in 1 files' })]);
    expect(large.verdict).toBe('risky');

    const deployments = { qa: { sha: sha('old-build'), at: '2026-11-03T13:00:00.000Z', source: 'cli', notRunning: [sha('waiting')] } };
    const waiting = evaluate(ticket('PAY-1', [repository('api', [commit('waiting', ['dev', 'qa'])], { deployments })]));
    expect(waiting.risks[0]).toMatchObject({ kind: 'not-deployed', environment: 'qa', running: { sha: sha('old-build'), since: '2026-11-03T13:00:00.000Z' }, commits: [sha('waiting')] });
    expect(waiting.reasons).toEqual([`api: merged to qa but not deployed there (running ${short('old-build')} since 2026-11-03 13:00): ${short('waiting')}`]);
  });

  it('counts commits after an approval of a release holding the ticket as not reviewed', () => {
    const facts = ticket('PAY-1', [repository('api', [commit('late', ['dev', 'qa'], { at: '2026-11-19T10:00:00.000Z' })])], {
      lastApproval: { release: 'R-LATE', at: '2026-11-18T10:00:00.000Z', by: 'Ben' },
    });
    const evaluation = evaluate(facts);
    expect(evaluation.risks[0]).toMatchObject({ kind: 'late-follow-up', after: { kind: 'approval', release: 'R-LATE', by: 'Ben', at: '2026-11-18T10:00:00.000Z' } });
    expect(evaluation.risks[0]?.summary).toBe(`1 commit after the approval of release R-LATE by Ben of 2026-11-18: ${short('late')}`);
  });

  it('lists the most severe findings first', () => {
    const facts = ticket('PAY-1', [
      repository('api', [commit('severity-config', ['dev', 'qa'], { files: ['config/app.yml'] })]),
      repository('db', [commit('severity-script', ['dev', 'qa'], { files: ['db/V2__b.sql'] })], { missingBranches: ['uat'] }),
    ]);
    const evaluation = evaluate(facts, { source: 'qa', target: 'uat' });
    expect(evaluation.findings.map((finding) => finding.verdict)).toEqual(['blocked', 'manual-only', 'risky']);
    expect(findingsOf(evaluation)).toEqual([
      ['missingBranch', 'missing-branch'],
      ['openManualStep', 'open-manual-step'],
      ['warning', 'risk'],
    ]);
  });

  it('words stale sources as warnings and keeps them as data', () => {
    const evaluation = evaluate(
      ticket('PAY-1', [repository('api', [commit('stale', ['dev', 'qa'])])], {
        staleSources: [
          { source: 'jira', okAt: '2026-11-21T09:00:00.000Z', error: 'HTTP 503' },
          { source: 'github', okAt: null, error: null },
        ],
      }),
    );
    expect(evaluation.staleSources.map((source) => source.source)).toEqual(['jira', 'github']);
    expect(evaluation.warnings).toEqual(['jira is stale: its data is as of 2026-11-21 09:00 UTC (HTTP 503)', 'github is stale: it never answered']);
  });
});
