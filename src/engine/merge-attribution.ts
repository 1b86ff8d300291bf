/**
 * Commits brought in by a merge whose message names a ticket, and that name no ticket themselves,
 * belong to that ticket (DESIGN §4.1): `Merge branch 'feature/ABC-123'` makes its "fix typo" commits
 * part of ABC-123.
 *
 * The commits a merge brings in are those reachable from its other parents but not from its first
 * parent. They are found the way `git rev-list P2 ^P1` finds them, without a process per merge:
 * walk both sides from the top by generation number (a commit's generation is greater than each of
 * its parents'), painting what the first parent reaches, and stop once only painted commits remain.
 */
export interface GraphNode {
  parents: string[];
  generation: number;
}

export type GraphLookup = (sha: string) => GraphNode | undefined;

const FIRST_PARENT_SIDE = 1;
const MERGED_SIDE = 2;

/** The commits merge `sha` brought in: reachable from parents 2..n, not from parent 1. */
export function commitsBroughtInByMerge(merge: GraphNode, lookup: GraphLookup): string[] {
  const [first, ...others] = merge.parents;
  if (first === undefined || others.length === 0) return [];
  return reachableOnlyFrom(others, first, lookup, Number.POSITIVE_INFINITY)!;
}

/**
 * The commits reachable from `tip` but not from `base` (what `git rev-list tip ^base` prints), or
 * null when more than `limit` commits would have to be read: an unrelated base, or one too far back.
 */
export function commitsNotIn(base: string, tip: string, lookup: GraphLookup, limit: number): string[] | null {
  return reachableOnlyFrom([tip], base, lookup, limit);
}

function reachableOnlyFrom(tips: string[], base: string, lookup: GraphLookup, limit: number): string[] | null {
  const first = base;
  const others = tips;
  const paint = new Map<string, number>();
  const settled = new Set<string>();
  // Queued commits painted by the merged side alone: while there are none, nothing more is brought in.
  const pendingMerged = new Set<string>();
  const queue = new MaxGenerationQueue();
  const push = (sha: string, side: number): void => {
    const previous = paint.get(sha) ?? 0;
    const next = previous | side;
    if (next === previous || settled.has(sha)) return;
    const node = lookup(sha);
    if (!node) return;
    paint.set(sha, next);
    if (next === MERGED_SIDE) pendingMerged.add(sha);
    else pendingMerged.delete(sha);
    if (previous === 0) queue.push(sha, node.generation);
  };
  push(first, FIRST_PARENT_SIDE);
  for (const sha of others) push(sha, MERGED_SIDE);

  const brought: string[] = [];
  let read = 0;
  while (pendingMerged.size > 0) {
    const sha = queue.pop();
    if (sha === undefined) break;
    read += 1;
    if (read > limit) return null;
    settled.add(sha);
    pendingMerged.delete(sha);
    const side = paint.get(sha)!;
    if (side === MERGED_SIDE) brought.push(sha);
    for (const parent of lookup(sha)?.parents ?? []) push(parent, side);
  }
  return brought;
}

/** A binary heap of SHAs ordered by generation, highest first. */
class MaxGenerationQueue {
  private heap: Array<{ sha: string; generation: number }> = [];

  get size(): number {
    return this.heap.length;
  }

  push(sha: string, generation: number): void {
    this.heap.push({ sha, generation });
    let index = this.heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.heap[parent]!.generation >= this.heap[index]!.generation) break;
      [this.heap[parent], this.heap[index]] = [this.heap[index]!, this.heap[parent]!];
      index = parent;
    }
  }

  pop(): string | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let largest = index;
        if (left < this.heap.length && this.heap[left]!.generation > this.heap[largest]!.generation) largest = left;
        if (right < this.heap.length && this.heap[right]!.generation > this.heap[largest]!.generation) largest = right;
        if (largest === index) break;
        [this.heap[largest], this.heap[index]] = [this.heap[index]!, this.heap[largest]!];
        index = largest;
      }
    }
    return top.sha;
  }
}
