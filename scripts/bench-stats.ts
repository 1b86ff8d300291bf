/** One row of the benchmark's table: a figure beside the yardstick measured in the same run. */
export interface BenchRow {
  figure: string;
  measured: string;
  yardstick: string;
  ratio: string;
  target: string;
  ok: string;
}

/** Median, 99th percentile and maximum of some latencies. */
export function percentiles(measured: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...measured].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1)! };
}
