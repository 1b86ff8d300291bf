import type { BranchHead, IndexedBranches } from './ports.js';

/** How fresh an answer's index is: when it was synced, and whether another replica has seen newer branches. */
export interface Freshness {
  asOf: string | null;
  behind: IndexLag | null;
}

/** How far this replica's index is behind what another replica's sync has seen. */
export interface IndexLag {
  /** `repository/environment` of each branch another replica saw move since this index synced it. */
  branches: string[];
  /** When the newest of those moves was seen. */
  seenAt: string;
}

/**
 * Behind: some environment branch was seen by another replica's sync (recorded in the shared
 * ledger) at a tip this index does not have, after this index last synced that repository. An
 * answer from such an index may miss newer commits, and says so instead of answering silently.
 * One process alone is never behind itself: its own syncs record the heads it then holds.
 */
export function indexLag(indexed: IndexedBranches[], heads: BranchHead[]): IndexLag | null {
  const mine = new Map(indexed.map((repository) => [repository.repository, repository]));
  const moved = heads.filter((head) => {
    const local = mine.get(head.repository);
    if (!local || !(head.environment in local.tips)) return false;
    return local.tips[head.environment] !== head.sha && (local.syncedAt === null || head.seenAt > local.syncedAt);
  });
  if (moved.length === 0) return null;
  return { branches: moved.map((head) => `${head.repository}/${head.environment}`).sort(), seenAt: moved.map((head) => head.seenAt).sort().at(-1)! };
}
