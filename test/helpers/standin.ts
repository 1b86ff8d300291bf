import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a test can do to a stand-in service: fail the next requests, or take it down altogether. */
export interface FailureControls {
  down: boolean;
  failNext(status: number, retryAfter?: number): void;
  /** The failure the next request should get, if one is queued. */
  takeFailure(): { status: number; retryAfter?: number } | undefined;
}

export function failureControls(): FailureControls {
  const queued: Array<{ status: number; retryAfter?: number }> = [];
  return {
    down: false,
    failNext: (status, retryAfter) => void queued.push({ status, ...(retryAfter === undefined ? {} : { retryAfter }) }),
    takeFailure: () => queued.shift(),
  };
}

/** Starts a stand-in on a free loopback port. */
export async function listenOnLoopback(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * What `look` finds in a stand-in's calls once it has come, polling every 10 ms; after `timeoutMs`
 * an error that says what was expected and what came (`seen`), so a failing test explains itself.
 */
export async function pollCalls<T>(look: () => T | undefined, timeoutMs: number, seen: () => string): Promise<T> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const found = look();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(seen());
}
