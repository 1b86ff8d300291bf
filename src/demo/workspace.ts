import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GigError } from '../errors.js';
import { GitBuilder, type Author } from './git-builder.js';
import type { CommandContext } from '../commands/context.js';
import { readTickets } from '../commands/evaluation.js';
import { runDeployed, runReject } from '../commands/record.js';

/**
 * The demo workspace: four repositories of one team living the seed's failure loop. ABC-101 spans
 * a Java service, SQL scripts and an Angular UI, failed QA, got follow-ups, was cherry-picked up the
 * chain, and its follow-up never reached UAT while its SQL script and its UI change stayed behind.
 * ABC-103 is a Mendix change that depends on ABC-101; ABC-104 was reverted; ABC-105 changes config.
 */
export const DEMO_MARKER = '.gig-demo';
export const DEMO_TICKETS = ['ABC-101', 'ABC-103', 'ABC-104'];

const ANA: Author = { name: 'Ana Lima', email: 'ana@example.com' };
const BEN: Author = { name: 'Ben Okafor', email: 'ben@example.com' };
const CHLOE: Author = { name: 'Chloé Martin', email: 'chloe@example.com' };

const at = (day: number, hour = 10): string => `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+01:00`;

/** The promotion chain of the demo, the benchmark and the tests. */
export const CHAIN_YAML = `environments:
  - { name: dev,  branch: develop }
  - { name: qa,   branch: test }
  - { name: uat,  branch: uat }
  - { name: prod, branch: main }
`;

export const DEMO_CONFIG = `# The gig demo workspace: four repositories on a dev → qa → uat → prod chain.
projects: [ABC]
${CHAIN_YAML}repositories:
  - { name: orders-service, path: ./repos/orders-service }
  - { name: db-scripts,     path: ./repos/db-scripts }
  - { name: web-ui,         path: ./repos/web-ui, branches: { dev: dev } }
  - { name: mendix-app,     path: ./repos/mendix-app }
`;

/** Creates the workspace in `dir` (replacing an earlier demo there) and returns the config path. */
export function buildDemoWorkspace(dir: string): string {
  prepareDirectory(dir);
  const repos = path.join(dir, 'repos');
  buildOrdersService(path.join(repos, 'orders-service'));
  buildDbScripts(path.join(repos, 'db-scripts'));
  buildWebUi(path.join(repos, 'web-ui'));
  buildMendixApp(path.join(repos, 'mendix-app'));
  const configFile = path.join(dir, 'gig.config.yaml');
  writeFileSync(configFile, DEMO_CONFIG);
  return configFile;
}

function prepareDirectory(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(path.join(dir, DEMO_MARKER))) {
      throw new GigError('USAGE', `${dir} exists and is not a gig demo workspace; gig will not overwrite it.`, {
        hint: 'Choose another folder with --dir <path>.',
      });
    }
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, DEMO_MARKER), 'Created by `gig demo`; safe to delete.\n');
}

/** A repository with a first commit on main and the environment branches cut from it. */
function baseRepository(dir: string, message: string, files: Record<string, string>, envBranches: string[]): GitBuilder {
  const repo = GitBuilder.init(dir, 'main');
  repo.commit(message, files, { date: at(1, 9), author: BEN });
  for (const branch of envBranches) repo.branch(branch);
  return repo;
}

function buildOrdersService(dir: string): void {
  const repo = baseRepository(
    dir,
    'Initial orders service',
    {
      'pom.xml': '<project><artifactId>orders-service</artifactId></project>\n',
      'src/main/java/com/acme/orders/OrderService.java': 'class OrderService {\n  void place(Order order) {}\n}\n',
      'src/main/resources/application.properties': 'orders.cache=false\n',
    },
    ['develop', 'test', 'uat'],
  );
  repo.checkout('develop');
  repo.branch('feature/ABC-101-order-totals');
  repo.checkout('feature/ABC-101-order-totals');
  const validate = repo.commit(
    'ABC-101 validate order totals',
    {
      'src/main/java/com/acme/orders/OrderValidator.java': 'class OrderValidator {\n  boolean valid(Order o) { return o.total() > 0; }\n}\n',
      'src/main/java/com/acme/orders/OrderService.java': 'class OrderService {\n  void place(Order order) { new OrderValidator().valid(order); }\n}\n',
    },
    { date: at(2), author: ANA },
  );
  const nullCheck = repo.commit(
    'Fix null check in validator',
    { 'src/main/java/com/acme/orders/OrderValidator.java': 'class OrderValidator {\n  boolean valid(Order o) { return o != null && o.total() > 0; }\n}\n' },
    { date: at(3, 9), author: ANA },
  );
  repo.checkout('develop');
  repo.merge('feature/ABC-101-order-totals', "Merge branch 'feature/ABC-101-order-totals' into develop", { date: at(3, 11), author: BEN });

  repo.checkout('test');
  repo.cherryPick(validate, { record: true, date: at(4), author: BEN });
  repo.cherryPick(nullCheck, { record: true, date: at(4, 11), author: BEN });

  // QA rejected the first version on the 5th; the follow-up came the day after.
  repo.checkout('develop');
  const zeroTotals = repo.commit(
    'ABC-101 handle zero-total orders after QA feedback',
    { 'src/main/java/com/acme/orders/OrderValidator.java': 'class OrderValidator {\n  boolean valid(Order o) { return o != null && o.total() >= 0; }\n}\n' },
    { date: at(6), author: ANA },
  );
  repo.checkout('test');
  repo.cherryPick(zeroTotals, { record: true, date: at(6, 15), author: BEN });

  // UAT got the first version only: the follow-up was missed.
  repo.checkout('uat');
  repo.cherryPick(validate, { record: true, date: at(9), author: BEN });
  repo.cherryPick(nullCheck, { record: true, date: at(9, 11), author: BEN });

  repo.checkout('develop');
  const cache = repo.commit(
    'ABC-104 cache customer lookups',
    { 'src/main/java/com/acme/orders/CustomerCache.java': 'class CustomerCache {}\n' },
    { date: at(10), author: CHLOE },
  );
  repo.revert(cache, { date: at(11), author: CHLOE });
  repo.commit(
    'ABC-105 turn on the order cache in production config',
    { 'src/main/resources/application.properties': 'orders.cache=true\n' },
    { date: at(12), author: CHLOE },
  );
}

function buildDbScripts(dir: string): void {
  const repo = baseRepository(dir, 'Baseline schema', { 'db/V1__baseline.sql': 'CREATE TABLE orders (id BIGINT PRIMARY KEY, total NUMERIC);\n' }, ['develop', 'test', 'uat']);
  repo.checkout('develop');
  const check = repo.commit(
    'ABC-101 add order total check constraint',
    { 'db/migrations/V42__order_total_check.sql': 'ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total >= 0);\n' },
    { date: at(2, 14), author: ANA },
  );
  repo.checkout('test');
  repo.cherryPick(check, { record: true, date: at(4, 12), author: BEN });
}

function buildWebUi(dir: string): void {
  const repo = baseRepository(
    dir,
    'Initial Angular app',
    { 'package.json': '{ "name": "web-ui" }\n', 'src/app/app.component.ts': 'export class AppComponent {}\n' },
    ['dev', 'test', 'uat'],
  );
  repo.checkout('dev');
  repo.commit(
    'ABC-101 show order total errors in checkout',
    { 'src/app/checkout/checkout.component.ts': 'export class CheckoutComponent { error = "Order total must be positive"; }\n' },
    { date: at(3, 16), author: CHLOE },
  );
  const badge = repo.commit(
    // A mention, not ownership: this commit is ABC-102's, and ABC-101 lists it under "Mentioned by".
    'ABC-102 add payment method badge\n\nShown next to the total errors of ABC-101.',
    { 'src/app/checkout/payment-badge.component.ts': 'export class PaymentBadgeComponent {}\n' },
    { date: at(8), author: CHLOE },
  );
  repo.checkout('test');
  repo.cherryPick(badge, { record: true, date: at(8, 15), author: BEN });
}

function buildMendixApp(dir: string): void {
  const repo = baseRepository(dir, 'Initial Mendix model', { 'OrderApproval.mpr': 'mendix-model v1\n' }, ['develop', 'test', 'uat']);
  repo.checkout('develop');
  repo.commit(
    'ABC-103 add manager approval step to the order workflow\n\nDepends-On: ABC-101\nManual-Step: Deploy the Mendix package after the merge',
    { 'OrderApproval.mpr': 'mendix-model v2 with manager approval\n' },
    { date: at(7), author: ANA },
  );
  repo.checkout('test');
  repo.merge('develop', "Merge branch 'develop' into test", { date: at(8, 10), author: BEN });
}

/**
 * What the team recorded besides git: QA rejected ABC-101 on the 5th, and each environment of
 * orders-service runs what CI last deployed (QA's server still runs the build of the 4th).
 */
export async function recordDemoHistory(context: CommandContext): Promise<void> {
  await runReject(context, { ticket: 'ABC-101', stage: 'qa', reason: 'orders with a zero total are refused', at: '2026-11-05T15:00:00Z', by: 'Ben Okafor' });
  const tipAt = async (environment: string, when: string): Promise<void> => {
    const facts = (await readTickets(context, ['ABC-101'])).facts('ABC-101');
    const orders = facts.repositories.find((repository) => repository.name === 'orders-service');
    const commits = orders ? [...orders.ticketCommits, ...orders.relatives] : [];
    const running = commits
      .filter((commit) => commit.environments.includes(environment) && commit.committedAt <= when)
      .sort((a, b) => a.committedAt.localeCompare(b.committedAt))
      .at(-1);
    if (running) await runDeployed(context, { repository: 'orders-service', environment, sha: running.sha, at: when, by: 'ci' });
  };
  await tipAt('qa', '2026-11-04T12:00:00Z');
  await tipAt('uat', '2026-11-09T12:00:00Z');
}
