import { createHash } from 'node:crypto';
import type { DependencyGraph } from '../../src/engine/dependencies.js';
import { evaluateTicket, type EvaluationSettings, type TicketEvaluation } from '../../src/engine/evaluate.js';
import type { DependencyEdge, DeploymentFact, IndexedCommit, RejectionFact, RepositoryFacts, TicketFacts } from '../../src/engine/model.js';
import { DEFAULT_RISK_RULES } from '../../src/engine/risk-rules.js';
import { computeTicketStatus } from '../../src/engine/status.js';
import type { Topology } from '../../src/engine/topology.js';
import { DEFAULT_POLICY } from '../../src/engine/verdict.js';
import { WORDING } from '../../src/views/reasons.js';

/**
 * Literal facts for engine tests: what the store would hand the engine, written by hand, so a
 * verdict or an anomaly is checked in microseconds instead of through git and SQLite.
 */

export const CHAIN = ['dev', 'qa', 'uat', 'prod'];
export const BRANCHES: Record<string, string> = { dev: 'develop', qa: 'test', uat: 'uat', prod: 'main', main: 'main', '2.3': 'branch-2.3', '2.2': 'branch-2.2' };

/** A full SHA named after a label, so a test can say `sha('api-fix')` where git would print hex. */
export const sha = (label: string): string => createHash('sha1').update(label).digest('hex');
export const short = (label: string): string => sha(label).slice(0, 8);

let generation = 0;

export interface CommitOptions {
  subject?: string;
  /** ISO time; by default an hour after the previous commit's (from 2026-11-02). */
  at?: string;
  files?: string[];
  lines?: number;
  manualSteps?: string[];
  /** Labels of the commits this one reverts. */
  reverts?: string[];
  /** Same patch as the commit with this label: a cherry-picked copy. */
  copyOf?: string;
}

/** A commit on the branches of `environments`, named after `label`. */
export function commit(label: string, environments: string[], options: CommitOptions = {}): IndexedCommit {
  generation += 1;
  const files = options.files ?? [`src/${label}.ts`];
  return {
    sha: sha(label),
    parents: [],
    generation,
    subject: options.subject ?? `PAY-1 ${label}`,
    authorName: 'Ana Lima',
    authorEmail: 'ana@example.com',
    committedAt: options.at ?? new Date(Date.UTC(2026, 10, 2) + generation * 3_600_000).toISOString(),
    files,
    blobs: Object.fromEntries(files.map((file) => [file, `blob-${label}-${file}`])),
    additions: options.lines ?? 10,
    deletions: 0,
    patchId: `patch-${options.copyOf ?? label}`,
    cherryPickedFrom: options.copyOf ? [sha(options.copyOf)] : [],
    reverts: (options.reverts ?? []).map(sha),
    manualSteps: options.manualSteps ?? [],
    environments,
  };
}

export interface RepositoryOptions {
  environments?: string[];
  /** Environments whose branch this repository does not have. */
  missingBranches?: string[];
  deployments?: Record<string, DeploymentFact>;
  /** Copies and reverts that do not name the ticket. */
  relatives?: IndexedCommit[];
}

export function repository(name: string, commits: IndexedCommit[], options: RepositoryOptions = {}): RepositoryFacts {
  const environments = options.environments ?? CHAIN;
  return {
    name,
    branches: environments.map((env) => ({ environment: env, branch: BRANCHES[env] ?? env, exists: !(options.missingBranches ?? []).includes(env) })),
    ticketCommits: commits,
    trees: {},
    deployments: options.deployments ?? {},
    relatives: options.relatives ?? [],
  };
}

export interface TicketOptions {
  environments?: string[];
  topology?: Topology;
  rejections?: RejectionFact[];
  dependencies?: DependencyEdge[];
  doneSteps?: string[];
  lastApproval?: TicketFacts['lastApproval'];
  staleSources?: TicketFacts['staleSources'];
}

export function ticket(key: string, repositories: RepositoryFacts[], options: TicketOptions = {}): TicketFacts {
  const environments = options.environments ?? options.topology?.order ?? CHAIN;
  return {
    ticket: key,
    asOf: '2026-11-27T09:00:00.000Z',
    environments,
    ...(options.topology ? { topology: options.topology } : {}),
    repositories,
    rejections: options.rejections ?? [],
    dependencies: options.dependencies ?? [],
    manualSteps: {
      added: [],
      states: Object.fromEntries((options.doneSteps ?? []).map((id) => [id, { status: 'done' as const, by: 'Ben', at: '2026-11-20T10:00:00.000Z' }])),
    },
    lastApproval: options.lastApproval ?? null,
    staleSources: options.staleSources ?? [],
  };
}

/** Release lines fed from a mainline: main → 2.3, main → 2.2. */
export const RELEASE_LINES: Topology = { order: ['main', '2.3', '2.2'], feeder: { main: null, '2.3': 'main', '2.2': 'main' } };
/** Chained backports: main → 2.3 → 2.2. */
export const BACKPORTS: Topology = { order: ['main', '2.3', '2.2'], feeder: { main: null, '2.3': 'main', '2.2': '2.3' } };

/** A dependency graph over literal tickets: their edges, and their facts (none: no commit names it). */
export function graphOf(tickets: Record<string, { edges?: DependencyEdge[]; facts?: TicketFacts }> = {}): DependencyGraph {
  return {
    edgesOf: (key) => tickets[key]?.edges ?? [],
    statusOf: (key) => {
      const facts = tickets[key]?.facts;
      return facts ? computeTicketStatus(facts) : null;
    },
  };
}

export const SETTINGS: EvaluationSettings = { rules: DEFAULT_RISK_RULES, policy: DEFAULT_POLICY, largeChange: { lines: 1000, files: 50 }, wording: WORDING };

export interface EvaluateOptions {
  target?: string | null;
  source?: string | null;
  graph?: DependencyGraph;
  travellingTogether?: ReadonlySet<string>;
  settings?: Partial<EvaluationSettings>;
}

export function evaluate(facts: TicketFacts, options: EvaluateOptions = {}): TicketEvaluation {
  return evaluateTicket(
    {
      facts,
      graph: options.graph ?? graphOf(),
      ...(options.target === undefined ? {} : { target: options.target }),
      ...(options.source === undefined ? {} : { source: options.source }),
      ...(options.travellingTogether ? { travellingTogether: options.travellingTogether } : {}),
    },
    { ...SETTINGS, ...options.settings },
  );
}

/** The findings as [policy rule, reason kind], most severe first. */
export const findingsOf = (evaluation: TicketEvaluation): Array<[string, string]> => evaluation.findings.map((finding) => [finding.rule, finding.reason.kind]);
