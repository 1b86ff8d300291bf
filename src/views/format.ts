import { ancestorsOf, type Topology } from '../engine/topology.js';

/** Small text helpers shared by the plain-text views. */

export function shortSha(sha: string): string {
  return sha.slice(0, 8);
}

export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

export function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** "2026-11-24 10:00 UTC": minutes are what a person reads; seconds are noise here. */
export function humanTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "2026-11-24 10:00", where the sentence says the zone elsewhere or the moment is approximate. */
export function shortTime(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** "2026-11-24": the day of a commit, a rejection or a review. */
export function day(iso: string): string {
  return iso.slice(0, 10);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `main → 2.3, main → 2.2`, `dev → qa → uat → prod`: one line per root-to-leaf path. */
export function describeTopology(topology: Topology): string {
  const hasChild = new Set(Object.values(topology.feeder).filter((feeder): feeder is string => feeder !== null));
  return topology.order
    .filter((env) => !hasChild.has(env))
    .map((leaf) => [...ancestorsOf(topology, leaf).reverse(), leaf].join(' → '))
    .join(', ');
}
