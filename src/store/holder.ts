import { hostname } from 'node:os';

/**
 * Who holds a claim (a sync lease, a digest occurrence) and whether that holder can still be
 * working on it: `host:pid` of this process, and a check that such a holder is alive — its
 * process exists when it ran on this host, or it renewed recently when it ran elsewhere.
 */
export function thisHolder(): string {
  return `${hostname()}:${process.pid}`;
}

export function holderAlive(owner: string | null, renewedAt: string, staleAfterMs: number, now: Date): boolean {
  if (now.getTime() - Date.parse(renewedAt) > staleAfterMs) return false;
  const separator = (owner ?? '').lastIndexOf(':');
  const host = separator > 0 ? owner!.slice(0, separator) : null;
  const pid = separator > 0 ? Number(owner!.slice(separator + 1)) : Number.NaN;
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
