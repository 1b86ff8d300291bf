import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';

export interface StartupCheck {
  /** Stops asking again (gig serve is stopping). */
  stop(): void;
}

/**
 * gig serve's check of a chat platform's credentials, before it takes the port: credentials the
 * platform refuses (`check` throws a ConfigError) stop the start with one clear line; a platform that
 * cannot be reached is logged and asked again with back-off (2 s doubling to 5 min) while gig serves,
 * never a crash. A refusal found later is logged as an error: gig keeps serving what else it can.
 */
export async function checkAtStart(
  platform: string,
  check: () => Promise<Record<string, unknown>>,
  logger: Logger,
  backoff: { firstMs: number; maxMs: number } = { firstMs: 2000, maxMs: 300_000 },
): Promise<StartupCheck> {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const accepted = (fields: Record<string, unknown>): void => logger.info(fields, `${platform} accepted gig's credentials`);
  try {
    accepted(await check());
    return { stop: () => undefined };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    logger.warn({ error: (error as Error).message, retryInMs: backoff.firstMs }, `${platform} could not be reached to check gig's credentials; gig serves and asks again`);
  }
  const askAgain = (delay: number): void => {
    timer = setTimeout(() => {
      check().then(accepted, (error: unknown) => {
        if (stopped) return;
        if (error instanceof ConfigError) {
          logger.error({ error: error.message, fix: error.hint }, `${platform} refused gig's credentials: its answers will fail until they are fixed`);
          return;
        }
        const next = Math.min(delay * 2, backoff.maxMs);
        logger.warn({ error: (error as Error).message, retryInMs: next }, `${platform} still cannot be reached to check gig's credentials`);
        askAgain(next);
      });
    }, delay);
    timer.unref();
  };
  askAgain(backoff.firstMs);
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
