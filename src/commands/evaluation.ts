import { GigError } from '../errors.js';
import type { DependencyGraph } from '../engine/dependencies.js';
import type { GigConfig } from '../config.js';
import { indexLag, type Freshness } from '../engine/freshness.js';
import { evaluateTicket, type EvaluationSettings, type TicketEvaluation } from '../engine/evaluate.js';
import type { DependencyEdge, TicketFacts, TicketStatus } from '../engine/model.js';
import { computeTicketStatus } from '../engine/status.js';
import { feeds } from '../engine/topology.js';
import { describeTopology } from '../views/format.js';
import { WORDING } from '../views/reasons.js';
import type { CommandContext } from './context.js';

/**
 * What a command knows of the tickets it evaluates: the index's facts (local, read as asked) with
 * the ledger's records of each, read beforehand in one round trip, since the ledger may be a shared
 * PostgreSQL. `facts` and `graph` are synchronous, so the engine stays pure and synchronous.
 */
export interface TicketReading {
  facts(ticket: string): TicketFacts;
  graph: DependencyGraph;
  /** How fresh the index is: when it was synced, and whether another replica has seen newer branches. */
  freshness: Freshness;
}


/**
 * Reads the ledger's records of `tickets` and of every ticket their evaluation may reach through
 * dependencies: needs followed transitively (as engine/dependencies.ts walks them) and the direct
 * needed-by of each. The index's edges are read here once and kept for the graph.
 */
export async function readTickets(context: CommandContext, tickets: readonly string[]): Promise<TicketReading> {
  const edges = new Map<string, DependencyEdge[]>();
  const edgesOf = (ticket: string): DependencyEdge[] => {
    if (!edges.has(ticket)) edges.set(ticket, context.index.dependencyEdges(ticket));
    return edges.get(ticket)!;
  };
  const reached = new Set(tickets);
  for (const root of tickets) for (const edge of edgesOf(root)) if (edge.direction === 'needed-by') reached.add(edge.ticket);
  const pending = [...tickets];
  while (pending.length > 0) {
    for (const edge of edgesOf(pending.pop()!)) {
      if (edge.direction === 'needs' && !reached.has(edge.ticket)) {
        reached.add(edge.ticket);
        pending.push(edge.ticket);
      }
    }
  }
  const { config } = context;
  const environments = config.environments.map((env) => env.name);
  const repositories = config.repositories.map((repo) => repo.name);
  const records = await context.ledger.records([...reached], { repositories, environments });
  const behind = indexLag(context.index.indexedBranches(repositories), records.heads);
  const facts = (ticket: string): TicketFacts => ({ ...context.index.ticketFacts(ticket, environments, repositories, records), behind, topology: config.topology });
  const statuses = new Map<string, TicketStatus | null>();
  return {
    facts,
    freshness: { asOf: context.index.asOf(repositories), behind },
    graph: {
      edgesOf,
      statusOf(ticket) {
        if (!statuses.has(ticket)) {
          const status = computeTicketStatus(facts(ticket));
          statuses.set(ticket, status.repositories.length > 0 ? status : null);
        }
        return statuses.get(ticket)!;
      },
    },
  };
}

export function evaluationSettings(config: GigConfig): EvaluationSettings {
  return {
    rules: config.risks,
    policy: config.policy,
    largeChange: config.largeChange,
    backflow: Object.fromEntries(config.environments.map((env) => [env.name, env.backflow])),
    wording: WORDING,
  };
}

/** Checks an environment name given on the command line or in chat. */
export function parseEnvironment(context: CommandContext, raw: string, what: string): string {
  const names = context.config.environments.map((env) => env.name);
  const name = raw.trim();
  if (names.includes(name)) return name;
  throw new GigError('USAGE', `${what} "${raw}" is not a configured environment.`, { hint: `Use one of: ${names.join(', ')}.` });
}

/**
 * A promotion runs along the environment edges or across release lines, never backwards: the
 * target must not feed the source (uat → qa), and source and target differ. The one check of
 * environment order: `check` and `release` both ask it.
 */
export function checkPromotionDirection(context: CommandContext, source: string, target: string): void {
  const { topology } = context.config;
  if (source === target || feeds(topology, target, source)) {
    throw new GigError('USAGE', `${source} does not come before ${target} (${describeTopology(topology)}).`, {
      hint: 'Promote from an environment to one it feeds, e.g. --from qa --to uat.',
    });
  }
}

export interface Promotion {
  source?: string | null;
  target?: string | null;
  travellingTogether?: ReadonlySet<string>;
}

/** Evaluates one ticket of a reading (readTickets) towards a promotion. */
export function evaluate(context: CommandContext, reading: TicketReading, ticket: string, promotion: Promotion = {}): TicketEvaluation {
  return evaluateTicket({ facts: reading.facts(ticket), graph: reading.graph, ...promotion }, evaluationSettings(context.config));
}

/** Reads one ticket and evaluates it: status, check, a recorded step. */
export async function evaluateOne(context: CommandContext, ticket: string, promotion: Promotion = {}): Promise<TicketEvaluation> {
  return evaluate(context, await readTickets(context, [ticket]), ticket, promotion);
}
