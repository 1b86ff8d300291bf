import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { runDeployed, runReject } from '../../src/commands/record.js';
import { openApp, type App } from '../../src/main.js';
import type { GitBuilder} from './workspace.js';
import { envRepository, nov, workspace, type Workspace } from './workspace.js';

/**
 * The seed's failure loop, on real repositories (dev=develop → qa=test → uat=uat → prod=main):
 *
 * PAY-7  api, batch and db. QA rejects it on Nov 4, a follow-up in api goes to QA; UAT gets api and
 *        batch but not the SQL script; the client rejects it on Nov 8 and a batch follow-up reaches
 *        QA only. QA's server still runs the api build from before the api follow-up.
 * PAY-8  api reached QA, its ui part never left dev.
 * PAY-9  Depends-On: PAY-7, in QA.
 * PAY-10 a Mendix-only change, in QA.
 * PAY-11 a config change, in QA.
 * PAY-12 cherry-picked (api, without -x) and squash-merged (batch) into QA.
 * PAY-13 a change and its revert, on develop.
 * PAY-14 a subject that starts like a spreadsheet formula.
 */
export interface FailureLoop {
  workspace: Workspace;
  app: App;
  repos: Record<'api' | 'batch' | 'db' | 'ui' | 'mendix', GitBuilder>;
  shas: Record<string, string>;
}

export async function buildFailureLoop(root: string): Promise<FailureLoop> {
  const api = envRepository(root, 'api');
  const batch = envRepository(root, 'batch');
  const db = envRepository(root, 'db');
  const ui = envRepository(root, 'ui');
  const mendix = envRepository(root, 'mendix');
  const shas: Record<string, string> = {};
  const toTest = (repo: GitBuilder, sha: string, day: number, hour = 12): string => {
    repo.checkout('test');
    const copy = repo.cherryPick(sha, { record: true, date: nov(day, hour) });
    repo.checkout('develop');
    return copy;
  };
  const toUat = (repo: GitBuilder, sha: string, day: number, hour = 12): string => {
    repo.checkout('uat');
    const copy = repo.cherryPick(sha, { record: true, date: nov(day, hour) });
    repo.checkout('develop');
    return copy;
  };

  // PAY-7, first version, everywhere; QA gets it on Nov 3.
  shas.apiV1 = api.commit('PAY-7 compute payment totals', { 'src/main/java/Totals.java': 'v1\n' }, { date: nov(2) });
  shas.batchV1 = batch.commit('PAY-7 nightly totals job', { 'jobs/totals.py': 'v1\n' }, { date: nov(2, 11) });
  shas.dbV1 = db.commit('PAY-7 add totals column', { 'db/V7__payment_totals.sql': 'ALTER TABLE payments ADD total NUMERIC;\n' }, { date: nov(2, 12) });
  shas.apiV1qa = toTest(api, shas.apiV1, 3);
  shas.batchV1qa = toTest(batch, shas.batchV1, 3);
  shas.dbV1qa = toTest(db, shas.dbV1, 3);
  // QA rejects on Nov 4; the api follow-up reaches QA on Nov 5.
  shas.apiFix = api.commit('PAY-7 round totals half-up', { 'src/main/java/Totals.java': 'v2\n' }, { date: nov(5) });
  shas.apiFixQa = toTest(api, shas.apiFix, 5, 15);
  // UAT on Nov 6: api and batch, not the SQL script.
  toUat(api, shas.apiV1qa, 6);
  toUat(api, shas.apiFixQa, 6, 13);
  toUat(batch, shas.batchV1qa, 6);
  // The client rejects on Nov 8; the batch follow-up reaches QA on Nov 9.
  shas.batchFix = batch.commit('PAY-7 skip cancelled payments', { 'jobs/totals.py': 'v2\n' }, { date: nov(9) });
  shas.batchFixQa = toTest(batch, shas.batchFix, 9, 15);

  // PAY-8: api in QA, ui never left dev.
  shas.pay8api = api.commit('PAY-8 expose refunds endpoint', { 'src/main/java/Refunds.java': 'v1\n' }, { date: nov(10) });
  toTest(api, shas.pay8api, 10, 15);
  shas.pay8ui = ui.commit('PAY-8 refunds screen', { 'src/app/refunds.component.ts': 'v1\n' }, { date: nov(10, 11) });

  // PAY-9 depends on PAY-7.
  shas.pay9 = api.commit('PAY-9 show totals on invoices\n\nDepends-On: PAY-7', { 'src/main/java/Invoice.java': 'v1\n' }, { date: nov(11) });
  toTest(api, shas.pay9, 11, 15);

  // PAY-10: Mendix only. PAY-11: config only.
  shas.pay10 = mendix.commit('PAY-10 approval form', { 'Payments.mpr': 'model v2\n' }, { date: nov(12) });
  toTest(mendix, shas.pay10, 12, 15);
  shas.pay11 = api.commit('PAY-11 raise the payment timeout', { 'src/main/resources/application.yml': 'timeout: 30\n' }, { date: nov(12, 11) });
  toTest(api, shas.pay11, 12, 16);

  // PAY-12: a plain cherry-pick in api; a squash merge into test in batch.
  shas.pay12api = api.commit('PAY-12 export format', { 'src/main/java/Export.java': 'v1\n' }, { date: nov(13) });
  api.checkout('test');
  api.cherryPick(shas.pay12api, { date: nov(13, 15) });
  api.checkout('develop');
  batch.branch('feature/PAY-12');
  batch.checkout('feature/PAY-12');
  shas.pay12a = batch.commit('PAY-12 export job', { 'jobs/export.py': 'v1\n' }, { date: nov(13, 11) });
  shas.pay12b = batch.commit('PAY-12 export job: retry', { 'jobs/export.py': 'v2\n', 'jobs/retry.py': 'v1\n' }, { date: nov(13, 12) });
  batch.checkout('develop');
  batch.merge('feature/PAY-12', "Merge branch 'feature/PAY-12' into develop", { date: nov(13, 13) });
  batch.checkout('test');
  shas.pay12squash = batch.commit('PAY-12 export job (#31)', { 'jobs/export.py': 'v2\n', 'jobs/retry.py': 'v1\n' }, { date: nov(13, 16) });
  batch.checkout('develop');

  // PAY-14: a subject a spreadsheet would run as a formula.
  shas.pay14 = api.commit('=HYPERLINK("https://example.com") PAY-14 export links', { 'src/main/java/Links.java': 'v1\n' }, { date: nov(13, 18) });
  toTest(api, shas.pay14, 13, 19);

  // PAY-13: done and undone on develop.
  shas.pay13 = api.commit('PAY-13 cache rates', { 'src/main/java/Rates.java': 'v1\n' }, { date: nov(14) });
  shas.pay13revert = api.revert(shas.pay13, { date: nov(14, 15) });

  const ws = workspace(root, ['api', 'batch', 'db', 'ui', 'mendix'], 'projects: [PAY]\n');
  // Opened without the per-test cleanup: the loop is built once per file and closed by its caller.
  const app = openApp({ configFile: ws.configFile, dbFile: ws.dbFile, now: () => new Date('2026-11-20T09:00:00Z') });
  await app.context.sync();
  await runReject(app.context, { ticket: 'PAY-7', stage: 'qa', reason: 'totals off by a cent', at: '2026-11-04T10:00:00Z', by: 'Quinn' });
  await runReject(app.context, { ticket: 'PAY-7', stage: 'client', reason: 'cancelled payments counted', at: '2026-11-08T10:00:00Z', by: 'Client' });
  await runDeployed(app.context, { repository: 'api', environment: 'qa', sha: shas.apiV1qa, at: '2026-11-03T13:00:00Z' });
  return { workspace: ws, app, repos: { api, batch, db, ui, mendix }, shas };
}

export const repoDir = (root: string, name: string): string => path.join(root, 'repos', name);

/**
 * The loop built once for a whole test file (building it is the slow part) and removed after it:
 * `const shared = sharedFailureLoop('gig-cards-')`, then `shared.loop` and `shared.root` in tests.
 */
export function sharedFailureLoop(prefix: string): { readonly loop: FailureLoop; readonly root: string } {
  const state: { loop?: FailureLoop; root?: string } = {};
  beforeAll(async () => {
    state.root = mkdtempSync(path.join(tmpdir(), prefix));
    state.loop = await buildFailureLoop(state.root);
  });
  afterAll(() => {
    state.loop?.app.close();
    if (state.root) rmSync(state.root, { recursive: true, force: true });
  });
  return {
    get loop() {
      return state.loop!;
    },
    get root() {
      return state.root!;
    },
  };
}
