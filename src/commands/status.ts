import { GigError } from '../errors.js';
import { computeTicketStatus } from '../engine/status.js';
import type { TicketStatus } from '../engine/model.js';
import { createTicketMatcher } from '../engine/tickets.js';
import type { CommandContext } from './context.js';

export interface StatusAnswer {
  status: TicketStatus;
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

export function runStatus(context: CommandContext, rawTicket: string): StatusAnswer {
  const ticket = parseTicket(context, rawTicket);
  const { config } = context;
  const facts = context.index.ticketFacts(
    ticket,
    config.environments.map((env) => env.name),
    config.repositories.map((repo) => repo.name),
  );
  const status = computeTicketStatus(facts);
  return { status, found: status.repositories.length > 0 };
}
