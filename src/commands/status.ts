import { GigError } from '../errors.js';
import type { TicketEvaluation } from '../engine/evaluate.js';
import { createTicketMatcher } from '../engine/tickets.js';
import type { CommandContext } from './context.js';
import { evaluateOne, parseEnvironment } from './evaluation.js';

export interface StatusAnswer {
  evaluation: TicketEvaluation;
  /** False when no indexed commit names the ticket. */
  found: boolean;
}

export function parseTicket(context: CommandContext, raw: string): string {
  const { tickets } = context.config;
  const ticket = createTicketMatcher(tickets).parse(raw);
  if (ticket !== null) return ticket;
  const looksLikeTicket = createTicketMatcher({ ...tickets, projects: null }).parse(raw);
  if (looksLikeTicket !== null && tickets.projects !== null) {
    throw new GigError('TICKET_INVALID', `"${raw}" is not in a configured project (${tickets.projects.join(', ')}).`, {
      hint: 'Use a ticket of one of those projects, or add its prefix to "projects" in the configuration.',
    });
  }
  throw new GigError('TICKET_INVALID', `"${raw}" is not a ticket id.`, {
    hint: `A ticket id looks like ABC-123 (pattern ${tickets.pattern}).`,
  });
}

/** `status <TICKET> [--to <env>]`: where the ticket is, and its verdict towards the target. */
export async function runStatus(context: CommandContext, rawTicket: string, options: { to?: string } = {}): Promise<StatusAnswer> {
  const ticket = parseTicket(context, rawTicket);
  const target = options.to === undefined ? undefined : parseEnvironment(context, options.to, 'Target');
  const evaluation = await evaluateOne(context, ticket, target === undefined ? {} : { target });
  return { evaluation, found: evaluation.status.repositories.length > 0 };
}
