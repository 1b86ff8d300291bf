import { UpstreamError } from '../errors.js';

/**
 * Retries a call to an outside service on 429 and 5xx, waiting what Retry-After asks (or a
 * doubling back-off), a bounded number of times. Anything else fails at once.
 */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 500, maxWaitMs: 30_000 };

export interface HttpFailure {
  status: number | null;
  retryAfterSeconds: number | null;
  /** What the service said went wrong, without anything of the request (its headers hold credentials). */
  messages?: string[];
}

export async function withRetry<T>(what: string, call: () => Promise<T>, describe: (error: unknown) => HttpFailure, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const failure = describe(error);
      const retryable = failure.status === null || failure.status === 429 || failure.status >= 500;
      if (!retryable || attempt >= policy.attempts) {
        throw new UpstreamError(`${what} failed${failure.status ? ` (HTTP ${failure.status})` : ''}${attempt > 1 ? ` after ${attempt} attempts` : ''}.`, {
          hint: failure.status === 401 || failure.status === 403 ? 'Check the credentials and their permissions; `gig doctor` tells what is missing.' : 'gig keeps the last good data; `gig doctor` checks the connection.',
          // Never the client's own error: its request config carries the Authorization header.
          cause: Object.assign(new Error(`HTTP ${failure.status ?? 'error'}`), { status: failure.status, messages: failure.messages ?? [] }),
        });
      }
      const wait = failure.retryAfterSeconds !== null ? failure.retryAfterSeconds * 1000 : policy.baseMs * 2 ** (attempt - 1);
      await sleep(Math.min(wait, policy.maxWaitMs));
    }
  }
}
