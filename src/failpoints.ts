/**
 * Named points where a test can make gig die as if killed (SIGKILL, no clean-up), to prove that an
 * interrupted sync leaves the index as it was and an interrupted digest is delivered once:
 * `GIG_FAILPOINT=sync:commits-stored gig sync`.
 * Unset, a failpoint costs one comparison.
 */
export type Failpoint = 'sync:commits-stored' | 'sync:before-publish' | 'sync:after-publish' | 'digest:posted';

export function failpoint(name: Failpoint): void {
  if (process.env.GIG_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
