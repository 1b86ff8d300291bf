import type { DependencyEdge, DependencyKind, TicketStatus } from './model.js';
import { isMissing } from './status.js';

/** A dependency towards a target environment (DESIGN §4.5). */
export type DependencyStatus = 'satisfied' | 'missing' | 'unknown';

export interface Dependency {
  ticket: string;
  kind: DependencyKind;
  direction: 'needs' | 'needed-by';
  status: DependencyStatus;
  /** For a transitive need, the ticket through which it is needed. */
  via: string | null;
}

export interface DependencyGraph {
  /** The direct edges of a ticket, both directions. */
  edgesOf(ticket: string): DependencyEdge[];
  /** Where a ticket stands, or null when no indexed commit names it. */
  statusOf(ticket: string): TicketStatus | null;
}

/** Whether `target` (or, with no target, the last environment) owes nothing of `status`. */
export function dependencyStatus(status: TicketStatus | null, target: string | null): DependencyStatus {
  if (status === null || status.repositories.length === 0) return 'unknown';
  const env = target ?? status.environments.at(-1)!;
  const settled = status.repositories.every((repository) => {
    const state = repository.environments.find((candidate) => candidate.name === env)?.state;
    return state === 'no-branch' || !repository.commits.some((commit) => isMissing(commit, env));
  });
  return settled ? 'satisfied' : 'missing';
}

/**
 * The ticket's needs, followed transitively through declared and tracker links (companions only
 * one step: they travel with the ticket, not with each other's companions), and who needs it.
 * `cycles` lists each loop once, e.g. ["ABC-1", "ABC-2", "ABC-1"].
 */
export function resolveDependencies(
  root: string,
  graph: DependencyGraph,
  target: string | null,
  travellingTogether: ReadonlySet<string>,
): { dependencies: Dependency[]; cycles: string[][] } {
  const dependencies: Dependency[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>([root]);
  const statusFor = (ticket: string): DependencyStatus =>
    travellingTogether.has(ticket) ? 'satisfied' : dependencyStatus(graph.statusOf(ticket), target);

  const walk = (ticket: string, path: string[]): void => {
    for (const edge of graph.edgesOf(ticket).filter((candidate) => candidate.direction === 'needs')) {
      if (path.includes(edge.ticket)) {
        const loop = [...path.slice(path.indexOf(edge.ticket)), edge.ticket];
        if (edge.kind !== 'companion' && !cycles.some((known) => sameCycle(known, loop))) cycles.push(loop);
        continue;
      }
      if (seen.has(edge.ticket)) continue;
      seen.add(edge.ticket);
      dependencies.push({ ticket: edge.ticket, kind: edge.kind, direction: 'needs', status: statusFor(edge.ticket), via: ticket === root ? null : ticket });
      if (edge.kind !== 'companion') walk(edge.ticket, [...path, edge.ticket]);
    }
  };
  walk(root, [root]);

  for (const edge of graph.edgesOf(root).filter((candidate) => candidate.direction === 'needed-by')) {
    dependencies.push({ ticket: edge.ticket, kind: edge.kind, direction: 'needed-by', status: statusFor(edge.ticket), via: null });
  }
  return { dependencies, cycles };
}

function sameCycle(a: string[], b: string[]): boolean {
  const key = (cycle: string[]): string => [...cycle.slice(0, -1)].sort().join(',');
  return key(a) === key(b);
}
