import type { TicketStatus } from './model.js';
import { isReached } from './status.js';
import type { Topology } from './topology.js';

/**
 * The environment a ticket is headed for by default: the first environment (in configuration
 * order, so feeders come first) that still owes something of the ticket while the one feeding it
 * owes nothing. On a chain that is the one after the furthest environment the ticket completely
 * reached; on release lines, the first line still missing part of it. Null when nothing is owed.
 */
export function defaultTarget(status: TicketStatus): string | null {
  const reached = (env: string): boolean => status.repositories.every((repository) => isReached(repository, env));
  return (
    status.topology.order.find((env) => {
      const feeder = status.topology.feeder[env] ?? null;
      return !reached(env) && (feeder === null || reached(feeder));
    }) ?? null
  );
}

/** The environment changes are promoted from into `target`: the one feeding it. */
export function defaultSource(topology: Topology, target: string | null): string | null {
  return target === null ? null : (topology.feeder[target] ?? null);
}
