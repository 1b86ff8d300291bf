/**
 * How environments feed each other (docs/history.md §1): a promotion chain (dev → qa → uat → prod),
 * release lines fed from a mainline (main → 2.3, main → 2.2), or chained backports. Every
 * environment names the one it is fed from, or none for a root; configuration order lists feeders
 * before what they feed, so walking up always ends.
 */
export interface Topology {
  /** Environment names in configuration order (feeders first). */
  order: string[];
  /** The environment each one is fed from; null for a root. */
  feeder: Record<string, string | null>;
}

/** The plain chain: each environment fed from the one before it. */
export function chainTopology(order: string[]): Topology {
  return { order, feeder: Object.fromEntries(order.map((env, index) => [env, index === 0 ? null : order[index - 1]!])) };
}

/** Feeder, feeder's feeder, … up to the root, nearest first. */
export function ancestorsOf(topology: Topology, env: string): string[] {
  const ancestors: string[] = [];
  for (let current = topology.feeder[env] ?? null; current !== null; current = topology.feeder[current] ?? null) ancestors.push(current);
  return ancestors;
}

/** Edges from a root: 0 for a root. */
export function depthOf(topology: Topology, env: string): number {
  return ancestorsOf(topology, env).length;
}

export function isRoot(topology: Topology, env: string): boolean {
  return (topology.feeder[env] ?? null) === null;
}

/** Whether `ancestor` feeds `env`, directly or through others. */
export function feeds(topology: Topology, ancestor: string, env: string): boolean {
  return ancestorsOf(topology, env).includes(ancestor);
}
