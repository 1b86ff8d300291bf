import type { TicketEvaluation } from '../engine/evaluate.js';
import type { CommandContext } from './context.js';
import { checkPromotionDirection, evaluateOne, parseEnvironment } from './evaluation.js';
import { parseTicket } from './status.js';

/** `check <TICKET> --from <env> --to <env>`: what `from` has that `to` lacks, and the verdict of that promotion. */
export async function runCheck(context: CommandContext, rawTicket: string, from: string, to: string): Promise<TicketEvaluation> {
  const ticket = parseTicket(context, rawTicket);
  const source = parseEnvironment(context, from, 'Source');
  const target = parseEnvironment(context, to, 'Target');
  checkPromotionDirection(context, source, target);
  return evaluateOne(context, ticket, { source, target });
}
