/**
 * What the chat routes need from the store of seen requests (store/replay-store.ts): claim the keys
 * of a request before acting on it (false: seen before, do nothing), and release them when it
 * failed before acting, so a retry may act.
 */
export interface ReplayGuard {
  claim(keys: string[]): boolean;
  release(keys: string[]): void;
}
