import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../src/commands/check.js';
import { runManualSetState, runReject } from '../src/commands/record.js';
import { buildRelease, runRelease } from '../src/commands/release.js';
import { runStatus } from '../src/commands/status.js';
import type { TicketEvaluation } from '../src/engine/evaluate.js';
import { openApp, type App } from '../src/main.js';
import { sharedFailureLoop } from './helpers/failure-loop.js';
import { nov, tempDir } from './helpers/workspace.js';

const shared = sharedFailureLoop('gig-loop-');

const short = (sha: string | undefined): string => sha!.slice(0, 8);
const commitIn = (evaluation: TicketEvaluation, sha: string | undefined) =>
  evaluation.status.repositories.flatMap((repository) => repository.commits).find((commit) => commit.sha === sha);

describe('the failure loop of PAY-7 (three repositories, rejected by QA and by the client)', () => {
  it('shows the last rejection and the commits made after it', async () => {
    const { evaluation } = await runStatus(shared.loop.app.context, 'PAY-7');
    expect(evaluation.lastRejection).toMatchObject({ stage: 'client', reason: 'cancelled payments counted', by: 'Client' });
    expect(evaluation.sinceRejection).toEqual([shared.loop.shas.batchFix]);
  });

  it('promoting QA → UAT carries the batch follow-up and the SQL script the app change left behind', async () => {
    const evaluation = await runCheck(shared.loop.app.context, 'PAY-7', 'qa', 'uat');
    expect(evaluation.toPromote.map((commit) => [commit.repository, commit.sha])).toEqual([
      ['batch', shared.loop.shas.batchFixQa],
      ['db', shared.loop.shas.dbV1qa],
    ]);
    expect(evaluation.manualSteps.map((step) => step.summary)).toEqual(['Run db/V7__payment_totals.sql on uat']);
    expect(evaluation.risks.map((risk) => [risk.code, risk.level, risk.repository])).toEqual(
      expect.arrayContaining([
        ['db-script', 'manual', 'db'],
        ['late-follow-up', 'warning', 'batch'],
        ['not-deployed', 'warning', 'api'],
      ]),
    );
    expect(evaluation.verdict).toBe('manual-only');
  });

  it('towards prod, blocks on the follow-up missed in UAT and names the commit', async () => {
    const { evaluation } = await runStatus(shared.loop.app.context, 'PAY-7', { to: 'prod' });
    expect(evaluation.verdict).toBe('blocked');
    expect(evaluation.reasons).toContain(`batch: uat lacks ${short(shared.loop.shas.batchFix)} "PAY-7 skip cancelled payments" (2026-11-09), which qa has: a follow-up was missed`);
    expect(evaluation.reasons).toContain('db has none of the ticket in uat, where api and batch already are: a repository was missed');
  });

  it('tells "on the branch" from "deployed": QA still runs the build from before the api follow-up', async () => {
    const { evaluation } = await runStatus(shared.loop.app.context, 'PAY-7');
    expect(commitIn(evaluation, shared.loop.shas.apiV1)?.deployment).toMatchObject({ qa: 'deployed', uat: 'unknown' });
    expect(commitIn(evaluation, shared.loop.shas.apiFix)?.deployment).toMatchObject({ qa: 'not-deployed' });
    expect(commitIn(evaluation, shared.loop.shas.batchV1)?.deployment.qa).toBe('unknown');
  });
});

describe('verdicts of single tickets', () => {
  it('blocks a ticket one of whose repositories never reached QA', async () => {
    const evaluation = await runCheck(shared.loop.app.context, 'PAY-8', 'qa', 'uat');
    expect(evaluation.verdict).toBe('blocked');
    expect(evaluation.reasons[0]).toBe('ui has none of the ticket in qa, where api already is: a repository was missed');
  });

  it('blocks a ticket whose dependency is in QA but not in UAT, and lets it pass when both travel together', async () => {
    const alone = await runCheck(shared.loop.app.context, 'PAY-9', 'qa', 'uat');
    expect(alone.verdict).toBe('blocked');
    expect(alone.reasons).toContain('PAY-7 is a declared dependency and is not in uat');
    expect(alone.dependencies).toEqual([{ ticket: 'PAY-7', kind: 'declared', direction: 'needs', status: 'missing', via: null }]);

    const together = await buildRelease(shared.loop.app.context, { id: 'TOGETHER', from: 'qa', to: 'uat', tickets: ['PAY-9', 'PAY-7'] });
    const pay9 = together.manifest.tickets.find((ticket) => ticket.ticket === 'PAY-9');
    expect(pay9?.reasons.some((reason) => reason.includes('PAY-7'))).toBe(false);
    expect(together.manifest.suggestedTickets).toEqual([]);

    const without = await buildRelease(shared.loop.app.context, { id: 'WITHOUT', from: 'qa', to: 'uat', tickets: ['PAY-9'] });
    expect(without.manifest.suggestedTickets).toEqual([{ ticket: 'PAY-7', reason: 'PAY-9 needs it (declared) and it is not in uat' }]);
  });

  it('makes a Mendix-only change manual-only, with its deployment as a manual step', async () => {
    const evaluation = await runCheck(shared.loop.app.context, 'PAY-10', 'qa', 'uat');
    expect(evaluation.verdict).toBe('manual-only');
    expect(evaluation.manualSteps.map((step) => [step.source, step.summary])).toEqual([['rule', 'Deploy the Mendix package of mendix (Payments.mpr) to uat']]);
  });

  it('makes a config change risky', async () => {
    const evaluation = await runCheck(shared.loop.app.context, 'PAY-11', 'qa', 'uat');
    expect(evaluation.verdict).toBe('risky');
    expect(evaluation.reasons).toContain('api: configuration change: src/main/resources/application.yml');
    expect(evaluation.risks.find((risk) => risk.code === 'config')).toMatchObject({ level: 'warning', files: ['src/main/resources/application.yml'] });
  });

  it('counts a cherry-picked and a squash-merged change as present, not missing', async () => {
    const { evaluation } = await runStatus(shared.loop.app.context, 'PAY-12', { to: 'uat' });
    expect(commitIn(evaluation, shared.loop.shas.pay12api)).toMatchObject({ presence: { qa: 'equivalent' }, evidence: { qa: 'patch' } });
    // The squash commit took the title of the first commit: the same ticket and subject make it that change's copy…
    expect(commitIn(evaluation, shared.loop.shas.pay12a)).toMatchObject({ presence: { qa: 'equivalent' }, evidence: { qa: 'subject' }, copies: [shared.loop.shas.pay12squash] });
    // …and the second commit's own content is what test holds.
    expect(commitIn(evaluation, shared.loop.shas.pay12b)).toMatchObject({ presence: { qa: 'squashed' }, evidence: { qa: 'content' } });
    const states = evaluation.status.repositories.map((repository) => [repository.name, repository.environments.slice(0, 2).map((env) => env.state)]);
    expect(states).toEqual([
      ['api', ['complete', 'complete']],
      ['batch', ['complete', 'complete']],
    ]);
    expect(evaluation.anomalies).toEqual([]);
    expect(evaluation.notInSource).toEqual([]);
    // QA's api server runs a build from before PAY-12: that is the only thing standing in the way.
    expect(evaluation.reasons).toEqual([expect.stringMatching(/^api: merged to qa but not deployed there/)]);
  });

  it('reports a change reverted where it was made as reverted there, owed nowhere, with nothing to promote', async () => {
    const { evaluation } = await runStatus(shared.loop.app.context, 'PAY-13', { to: 'qa' });
    expect(evaluation.status.repositories[0]?.commits.map((commit) => [commit.presence.dev, commit.presence.qa, commit.expected.qa])).toEqual([['reverted', 'absent', false]]);
    expect(evaluation.status.repositories[0]?.environments.map((env) => env.state)).toEqual(['reverted', 'absent', 'absent', 'absent']);
    expect(evaluation.toPromote).toEqual([]);
    expect(evaluation.verdict).toBe('safe');
    expect(evaluation.risks.map((risk) => [risk.code, risk.level])).toEqual([['revert', 'info']]);
  });

  it('blocks a ticket reverted in the source but still live in the target', async () => {
    const dir = tempDir();
    const { envRepository, workspace } = await import('./helpers/workspace.js');
    const repo = envRepository(dir, 'api');
    const change = repo.commit('PAY-20 risky', { 'a.java': 'v1\n' }, { date: nov(2) });
    repo.checkout('test');
    repo.cherryPick(change, { record: true, date: nov(3) });
    repo.checkout('develop');
    repo.revert(change, { date: nov(4) });
    const app = workspace(dir, ['api'], 'projects: [PAY]\n').open();
    await app.context.sync();
    const evaluation = await runCheck(app.context, 'PAY-20', 'dev', 'qa');
    expect(evaluation.verdict).toBe('blocked');
    expect(evaluation.reasons[0]).toMatch(/^api: [0-9a-f]{8} was reverted in dev by [0-9a-f]{8}, but qa still has it$/);
  });

  it('blocks a ticket rejected after its last commit, and records nothing on a dry run', async () => {
    const copy = copyLoop();
    try {
      expect((await runCheck(copy.context, 'PAY-11', 'qa', 'uat')).verdict).toBe('risky');
      await runReject(copy.context, { ticket: 'PAY-11', stage: 'qa', reason: 'timeout too long', at: '2026-11-19T10:00:00Z' }, { dryRun: true });
      expect((await runCheck(copy.context, 'PAY-11', 'qa', 'uat')).verdict).toBe('risky');
      await runReject(copy.context, { ticket: 'PAY-11', stage: 'qa', reason: 'timeout too long', at: '2026-11-19T10:00:00Z' });
      const evaluation = await runCheck(copy.context, 'PAY-11', 'qa', 'uat');
      expect(evaluation.verdict).toBe('blocked');
      expect(evaluation.reasons[0]).toBe('rejected at qa on 2026-11-19 ("timeout too long") and no commit since');
    } finally {
      copy.close();
    }
  });
});

describe('late follow-ups', () => {
  it('flags commits made after a release holding the ticket was approved', async () => {
    const copy = copyLoop();
    try {
      const { manifest } = await runRelease(copy.context, { id: 'R-LATE', from: 'qa', to: 'uat', tickets: ['PAY-11'] });
      await copy.context.ledger.addApproval({ releaseId: 'R-LATE', hash: manifest.hash, decision: 'approve', by: 'Ben', at: '2026-11-18T10:00:00.000Z', reason: null, platform: 'cli' }, 'late-1');
      const { GitBuilder } = await import('./helpers/workspace.js');
      const api = GitBuilder.open(path.join(path.dirname(copy.config.file), 'repos', 'api'));
      api.checkout('develop');
      const late = api.commit('PAY-11 lower the timeout again', { 'src/main/resources/application.yml': 'timeout: 20\n' }, { date: nov(19) });
      api.checkout('test');
      api.cherryPick(late, { record: true, date: nov(19, 12) });
      await copy.context.sync();
      const evaluation = await runCheck(copy.context, 'PAY-11', 'qa', 'uat');
      expect(evaluation.risks.find((risk) => risk.code === 'late-follow-up')?.summary).toBe(`1 commit after the approval of release R-LATE by Ben of 2026-11-18: ${late.slice(0, 8)}`);
    } finally {
      copy.close();
    }
  });
});

describe('policy and manual steps', () => {
  it('follows a configured policy', async () => {
    const configFile = path.join(shared.root, 'policy.config.yaml');
    writeFileSync(
      configFile,
      `projects: [PAY]\npolicy: { openManualStep: risky, warning: safe }\nenvironments:\n  - { name: dev, branch: develop }\n  - { name: qa, branch: test }\n  - { name: uat, branch: uat }\n  - { name: prod, branch: main }\nrepositories:\n${['api', 'batch', 'db', 'ui', 'mendix'].map((name) => `  - { name: ${name}, path: ./repos/${name} }`).join('\n')}\n`,
    );
    shared.loop.app.db.pragma('wal_checkpoint(TRUNCATE)');
    const app = openApp({ configFile, dbFile: shared.loop.workspace.dbFile });
    try {
      expect((await runCheck(app.context, 'PAY-10', 'qa', 'uat')).verdict).toBe('risky');
      expect((await runCheck(app.context, 'PAY-11', 'qa', 'uat')).verdict).toBe('safe');
    } finally {
      app.close();
    }
  });

  it('turns manual-only into safe when the step is done, and keeps the manifest hash', async () => {
    const copy = copyLoop();
    try {
      const before = await runRelease(copy.context, { id: 'MENDIX', from: 'qa', to: 'uat', tickets: ['PAY-10'] });
      const step = before.manifest.manualSteps[0]!;
      await runManualSetState(copy.context, 'PAY-10', step.id, 'done', { by: 'Ana', to: 'uat' });
      const after = await runRelease(copy.context, { id: 'MENDIX' });
      expect(before.manifest.verdict).toBe('manual-only');
      expect(after.manifest.verdict).toBe('safe');
      expect(after.manifest.manualSteps[0]).toMatchObject({ id: step.id, status: 'done', doneBy: 'Ana' });
      expect(after.manifest.hash).toBe(before.manifest.hash);
      expect(after.drift).toEqual(['PAY-10: verdict manual-only → safe']);
    } finally {
      copy.close();
    }
  });
});

describe('releases and their manifests', () => {
  it('lists per repository the commits to promote in source order, with a cherry-pick line of the QA copies', async () => {
    const { manifest } = await buildRelease(shared.loop.app.context, { id: 'R-ORDER', from: 'qa', to: 'uat', tickets: ['PAY-7', 'PAY-9'] });
    const api = manifest.repositories.find((repository) => repository.name === 'api');
    expect(api?.commitsToPromote.map((commit) => commit.ticket)).toEqual(['PAY-9']);
    const batch = manifest.repositories.find((repository) => repository.name === 'batch');
    expect(batch?.cherryPick).toBe(`git cherry-pick -x ${shared.loop.shas.batchFixQa}`);
    expect(manifest.repositories.find((repository) => repository.name === 'db')?.dbScripts).toEqual(['db/V7__payment_totals.sql']);
    expect(manifest.verdict).toBe('manual-only');
  });

  it('gives the same hash on every run, and another once a commit is added; the saved release reports the drift', async () => {
    const copy = copyLoop();
    try {
      const first = await runRelease(copy.context, { id: 'R-DRIFT', from: 'qa', to: 'uat', tickets: ['PAY-7'] });
      const again = await runRelease(copy.context, { id: 'R-DRIFT' });
      expect(again.manifest.hash).toBe(first.manifest.hash);
      expect(again.drift).toEqual([]);

      const { GitBuilder } = await import('./helpers/workspace.js');
      const batch = GitBuilder.open(path.join(path.dirname(copy.config.file), 'repos', 'batch'));
      batch.checkout('develop');
      const original = batch.commit('PAY-7 log skipped payments', { 'jobs/log.py': 'v1\n' }, { date: nov(19) });
      batch.checkout('test');
      const late = batch.cherryPick(original, { record: true, date: nov(19, 12) });
      await copy.context.sync();
      const drifted = await runRelease(copy.context, { id: 'R-DRIFT' });
      expect(drifted.manifest.hash).not.toBe(first.manifest.hash);
      expect(drifted.drift).toEqual([`batch: new commit to promote ${late.slice(0, 8)} PAY-7 "PAY-7 log skipped payments"`]);
    } finally {
      copy.close();
    }
  });

  it('reads tickets from a list or from a CSV column', async () => {
    const { parseTicketList } = await import('../src/commands/release.js');
    expect(parseTicketList(shared.loop.app.context, 'PAY-7\n# comment\npay-9\n')).toEqual(['PAY-7', 'PAY-9']);
    expect(parseTicketList(shared.loop.app.context, 'Summary,Issue key,Status\n"Totals, again",PAY-7,Done\nInvoices,PAY-9,Done\n')).toEqual(['PAY-7', 'PAY-9']);
    expect(() => parseTicketList(shared.loop.app.context, 'Issue key\nPAY-7\nnot a ticket\n')).toThrow(/not ticket ids: not a ticket/);
  });

  it('refuses a release whose source does not come before its target, and an unknown saved release', async () => {
    await expect(runRelease(shared.loop.app.context, { id: 'R-BACK', from: 'uat', to: 'qa', tickets: ['PAY-7'] })).rejects.toThrow(/uat does not come before qa/);
    await expect(runRelease(shared.loop.app.context, { id: 'R-NONE' })).rejects.toThrow(/no saved release R-NONE/);
  });
});

/** A private copy of the loop workspace, for tests that write. */
function copyLoop(): App {
  shared.loop.app.db.pragma('wal_checkpoint(TRUNCATE)');
  const dir = tempDir();
  cpSync(shared.root, dir, { recursive: true });
  return openApp({ configFile: path.join(dir, 'gig.config.yaml'), dbFile: path.join(dir, '.gig', 'gig.db'), now: () => new Date('2026-11-21T09:00:00Z') });
}
