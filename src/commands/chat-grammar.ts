import leven from 'leven';
import { GigError } from '../errors.js';
import { CHAT_VERBS } from '../views/chat-help.js';

/**
 * The chat grammar, the same in Slack (`/gig <verb> …`) and Teams (`@gig <verb> …`): text in, one
 * neutral request out. Quotes group words: reject ABC-1 qa "totals are wrong".
 */
export type ChatRequest =
  | { verb: 'help'; topic?: string }
  | { verb: 'status'; ticket: string; to?: string }
  | { verb: 'check'; ticket: string; from: string; to: string }
  | { verb: 'since'; ticket: string }
  | { verb: 'deps'; ticket: string }
  | { verb: 'release'; id: string; from?: string; to?: string; tickets?: string[] }
  | { verb: 'manual'; ticket: string; action: 'list' }
  | { verb: 'manual'; ticket: string; action: 'add'; text: string }
  | { verb: 'manual'; ticket: string; action: 'done' | 'reopen'; step: string }
  | { verb: 'reject'; ticket: string; stage: string; reason: string }
  | { verb: 'digest'; name: string }
  | { verb: 'watch' | 'unwatch'; subject: string; here: boolean }
  | { verb: 'home' }
  | { verb: 'sync' };

/**
 * Whether answering a request records something in the ledger (a rejection, a manual step or its
 * state). Surfaces write such requests before they acknowledge them, so an acknowledged request is
 * never lost; the others (reads, release evaluation, sync) may be acknowledged first because they
 * can take longer than a platform waits.
 */
export function recordsDecision(request: ChatRequest): boolean {
  switch (request.verb) {
    case 'reject':
    case 'watch':
    case 'unwatch':
      return true;
    case 'manual':
      return request.action !== 'list';
    default:
      return false;
  }
}

export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /"([^"]*)"|“([^”]*)”|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) tokens.push(match[1] ?? match[2] ?? match[3] ?? match[4]!);
  return tokens;
}

function usage(verb: ChatRequest['verb'], problem: string): GigError {
  const entry = CHAT_VERBS.find((candidate) => candidate.verb === verb)!;
  return new GigError('USAGE', `${problem}. Usage: ${entry.usage}`, { hint: `For example: ${entry.example}` });
}

/** What a ticket key looks like before the configuration says whose it is: `ABC-123`. */
const TICKET_SHAPE = /^[A-Za-z][A-Za-z0-9_]*-\d+$/;

export function parseChat(text: string): ChatRequest {
  const [rawVerb, ...args] = tokenize(text.trim());
  const verb = rawVerb?.toLowerCase();
  if (verb === undefined || verb === 'help' || verb === '?') return { verb: 'help' };
  // `/gig ABC-123` and `/gig ABC-123 to uat` are the question people ask most: status.
  if (TICKET_SHAPE.test(rawVerb!)) return parseChat(`status ${text.trim()}`);
  switch (verb) {
    case 'status': {
      const [ticket, keyword, env] = args;
      if (!ticket) throw usage('status', 'status needs a ticket');
      if (keyword === undefined) return { verb: 'status', ticket };
      if ((keyword === 'to' || keyword === '--to') && env) return { verb: 'status', ticket, to: env };
      throw usage('status', `"${args.slice(1).join(' ')}" is not understood`);
    }
    case 'check': {
      const [ticket, from, to] = args;
      if (!ticket || !from || !to) throw usage('check', 'check needs a ticket and two environments');
      return { verb: 'check', ticket, from, to };
    }
    case 'since':
    case 'deps': {
      if (!args[0]) throw usage(verb, `${verb} needs a ticket`);
      return { verb, ticket: args[0] };
    }
    case 'release': {
      const [id, from, to, ...tickets] = args;
      if (!id) throw usage('release', 'release needs an id');
      if (from === undefined) return { verb: 'release', id };
      if (!to || tickets.length === 0) throw usage('release', 'a new release needs a source, a target and tickets');
      return { verb: 'release', id, from, to, tickets: tickets.flatMap((ticket) => ticket.split(',')).filter(Boolean) };
    }
    case 'manual': {
      const [ticket, action, ...rest] = args;
      if (!ticket) throw usage('manual', 'manual needs a ticket');
      if (action === undefined) return { verb: 'manual', ticket, action: 'list' };
      if (action === 'add' && rest.length > 0) return { verb: 'manual', ticket, action: 'add', text: rest.join(' ') };
      if ((action === 'done' || action === 'reopen') && rest[0]) return { verb: 'manual', ticket, action, step: rest[0] };
      throw usage('manual', `"${[action, ...rest].join(' ')}" is not understood`);
    }
    case 'reject': {
      const [ticket, stage, ...reason] = args;
      if (!ticket || !stage || reason.length === 0) throw usage('reject', 'reject needs a ticket, a stage and a reason');
      return { verb: 'reject', ticket, stage, reason: reason.join(' ') };
    }
    case 'digest':
      if (!args[0]) throw usage('digest', 'digest needs the name of a configured digest');
      return { verb: 'digest', name: args[0] };
    case 'watch':
    case 'unwatch': {
      const [subject, where, ...rest] = args;
      if (!subject || rest.length > 0 || (where !== undefined && where.toLowerCase() !== 'here')) throw usage(verb, `${verb} needs a ticket or a release, and "here" for this channel`);
      return { verb, subject, here: where !== undefined };
    }
    case 'home':
      return { verb: 'home' };
    case 'sync':
      return { verb: 'sync' };
    default: {
      const near = closestVerb(verb);
      const meant = near ? `Did you mean "${near}"? ` : '';
      throw new GigError('USAGE', `"${rawVerb}" is not a gig command.`, { hint: `${meant}Try: ${CHAT_VERBS.map((entry) => entry.verb).join(', ')}. For example: status ABC-123, or just ABC-123` });
    }
  }
}

/** The verb a typo most likely meant (`stauts` → status), within two edits; null when none is that close. */
function closestVerb(typed: string): string | null {
  const [best] = CHAT_VERBS.map((entry) => ({ verb: entry.verb, distance: leven(typed, entry.verb) }))
    .filter((candidate) => candidate.distance <= 2 && candidate.distance < candidate.verb.length)
    .sort((a, b) => a.distance - b.distance);
  return best?.verb ?? null;
}
