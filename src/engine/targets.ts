import type { TicketStatus } from './model.js';

/**
 * The environment a ticket is headed for by default (issue #3): the one after the furthest
 * environment the ticket has completely reached in all its repositories. Null when it is complete
 * everywhere.
 */
export function defaultTarget(status: TicketStatus): string | null {
  let furthest = -1;
  status.environments.forEach((env, index) => {
    const everywhere = status.repositories.every((repository) => {
      const state = repository.environments.find((candidate) => candidate.name === env)?.state;
      return state === 'complete' || state === 'no-branch';
    });
    if (everywhere && furthest === index - 1) furthest = index;
  });
  return status.environments[furthest + 1] ?? null;
}

/** The environment changes are promoted from into `target`: the one before it in the chain. */
export function defaultSource(environments: string[], target: string | null): string | null {
  if (target === null) return null;
  const index = environments.indexOf(target);
  return index > 0 ? environments[index - 1]! : null;
}
