import { GigError } from '../errors.js';
import type { DependencyGraph } from '../engine/dependencies.js';
import type { GigConfig } from '../config.js';
import { evaluateTicket, type EvaluationSettings, type TicketEvaluation } from '../engine/evaluate.js';
import type { DependencyEdge, TicketFacts, TicketStatus } from '../engine/model.js';
import { computeTicketStatus } from '../engine/status.js';
import { feeds } from '../engine/topology.js';
import { describeTopology } from '../views/format.js';
import { WORDING } from '../views/reasons.js';
import type { CommandContext } from './context.js';

/** The facts of a ticket over the configured environments (and how they feed each other) and repositories. */
export function factsOf(context: CommandContext, ticket: string): TicketFacts {
  const { config } = context;
  const facts = context.index.ticketFacts(
    ticket,
    config.environments.map((env) => env.name),
    config.repositories.map((repo) => repo.name),
  );
  return { ...facts, topology: config.topology };
}

/** Reads dependency edges and dependency statuses from the index, each ticket once per command. */
export function dependencyGraph(context: CommandContext): DependencyGraph {
  const edges = new Map<string, DependencyEdge[]>();
  const statuses = new Map<string, TicketStatus | null>();
  return {
    edgesOf(ticket) {
      if (!edges.has(ticket)) edges.set(ticket, context.index.dependencyEdges(ticket));
      return edges.get(ticket)!;
    },
    statusOf(ticket) {
      if (!statuses.has(ticket)) {
        const status = computeTicketStatus(factsOf(context, ticket));
        statuses.set(ticket, status.repositories.length > 0 ? status : null);
      }
      return statuses.get(ticket)!;
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

export function evaluate(context: CommandContext, ticket: string, promotion: Promotion = {}, graph = dependencyGraph(context)): TicketEvaluation {
  const { config } = context;
  return evaluateTicket(
    { facts: factsOf(context, ticket), graph, ...promotion },
    evaluationSettings(config),
  );
}
