import { threadId } from 'node:worker_threads';
import type { Actor } from '../commands/approvals.js';
import { prepareChat, type ChatOptions, type ChatReply, type ChatTurn } from '../commands/chat.js';
import { parseChat, recordsDecision, type ChatRequest } from '../commands/chat-grammar.js';
import type { CommandContext } from '../commands/context.js';
import { toGigError } from '../errors.js';
import { errorCard } from '../views/cards/simple-cards.js';
import type { Logger } from '../log.js';
import { PoolUnavailable, WorkerFailed, type EvaluationPool } from './workers/pool.js';
import type { DeferredWrite } from './workers/protocol.js';

/** Where a chat command was answered (the debug hook of tests and benchmarks). */
export interface AnswerEvent {
  verb: ChatRequest['verb'] | 'unreadable' | 'packet';
  /** The thread that computed the answer: the main thread's id (0) or a worker's. */
  threadId: number;
  ms: number;
}

/**
 * A chat turn; `immediate` is set when the answer is known without computing anything (the
 * workers are overloaded: "gig is busy"), so a surface can send it with the acknowledgement.
 */
export interface AnswerTurn extends ChatTurn {
  immediate?: ChatReply;
}

/**
 * How the chat surfaces (Slack, Teams) get answers: `prepare` has the shape of commands/chat.ts's
 * prepareChat, so a surface orders acknowledging and answering exactly as before.
 *
 * What records a decision (reject, manual add/done/reopen) is answered on the main thread, where
 * all writes happen, before the surface acknowledges; so are `sync` (it writes the index) and
 * `help` (nothing to compute). Everything else — status, check, since, deps, manual lists,
 * releases, digest previews — is evaluated by the pool, off the event loop that acknowledges.
 * Without a pool (GIG_WORKERS=0, an in-memory database) or when its workers cannot start, the
 * main thread answers everything, as gig did before.
 */
export interface ChatAnswers {
  prepare(text: string, actor: Actor, options: ChatOptions): AnswerTurn;
  handle(text: string, actor: Actor, options: ChatOptions): Promise<ChatReply>;
}

export function chatAnswers(context: CommandContext, pool: () => EvaluationPool | null, logger: Logger, onAnswer?: (event: AnswerEvent) => void): ChatAnswers {
  const onMain = (text: string, actor: Actor, options: ChatOptions, verb: AnswerEvent['verb']): ChatTurn => {
    const turn = prepareChat(context, text, actor, options);
    if (!onAnswer) return turn;
    return {
      records: turn.records,
      async answer() {
        const started = performance.now();
        const reply = await turn.answer();
        onAnswer({ verb, threadId, ms: performance.now() - started });
        return reply;
      },
    };
  };

  const inPool = async (workers: EvaluationPool, text: string, actor: Actor, options: ChatOptions, verb: AnswerEvent['verb']): Promise<ChatReply> => {
    let answer;
    try {
      answer = await workers.run({ kind: 'chat', text, actor, prefix: options.prefix, now: context.now().toISOString() });
    } catch (error) {
      if (error instanceof PoolUnavailable) return onMain(text, actor, options, verb).answer();
      // The worker died or gave up: gig's error card, never a stack (the pool logged the details).
      return { visibility: 'private', card: errorCard(toGigError(error), options.prefix) };
    }
    if (answer.kind !== 'answer') {
      logger.warn({ verb, reason: answer.kind === 'main-thread' ? answer.reason : answer.kind }, 'a chat command wanted to write in an evaluation worker; answering it on the main thread');
      return onMain(text, actor, options, verb).answer();
    }
    try {
      for (const write of answer.writes) await apply(context, write);
    } catch (error) {
      const gigError = toGigError(error);
      logger.error({ err: error, code: gigError.code }, 'could not save what a chat command computed');
      return { visibility: 'private', card: errorCard(gigError, options.prefix) };
    }
    onAnswer?.({ verb, threadId: answer.threadId, ms: answer.ms });
    return answer.reply;
  };

  const prepare = (text: string, actor: Actor, options: ChatOptions): AnswerTurn => {
    let request: ChatRequest;
    try {
      request = parseChat(text);
    } catch {
      // prepareChat turns the same error into the usage card.
      return onMain(text, actor, options, 'unreadable');
    }
    const workers = pool();
    if (!workers?.available || recordsDecision(request) || request.verb === 'sync' || request.verb === 'help') return onMain(text, actor, options, request.verb);
    if (workers.overloaded) {
      const busy: ChatReply = { visibility: 'private', card: errorCard(new WorkerFailed('busy'), options.prefix) };
      return { records: false, immediate: busy, answer: async () => busy };
    }
    return { records: false, answer: () => inPool(workers, text, actor, options, request.verb) };
  };

  return { prepare, handle: (text, actor, options) => prepare(text, actor, options).answer() };
}

async function apply(context: CommandContext, write: DeferredWrite): Promise<void> {
  switch (write.kind) {
    case 'saveRelease':
      await context.ledger.saveRelease(write.release);
      return;
  }
}
