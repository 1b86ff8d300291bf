import { GigError } from '../errors.js';
import type { TicketEvaluation } from '../engine/evaluate.js';
import type { CommandContext } from './context.js';
import { evaluate, parseEnvironment } from './evaluation.js';
import { parseTicket } from './status.js';

/** `check <TICKET> --from <env> --to <env>`: what `from` has that `to` lacks, and the verdict of that promotion. */
export function runCheck(context: CommandContext, rawTicket: string, from: string, to: string): TicketEvaluation {
  const ticket = parseTicket(context, rawTicket);
  const source = parseEnvironment(context, from, 'Source');
  const target = parseEnvironment(context, to, 'Target');
  const names = context.config.environments.map((env) => env.name);
  if (names.indexOf(source) >= names.indexOf(target)) {
    throw new GigError('USAGE', `${source} does not come before ${target} in the promotion chain (${names.join(' → ')}).`, {
      hint: 'Check promotes from an earlier environment to a later one, e.g. --from qa --to uat.',
    });
  }
  return evaluate(context, ticket, { source, target });
}
