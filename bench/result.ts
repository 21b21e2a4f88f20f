/**
 * What every benchmark returns to `bench/run.ts`: figures to print as a table, and the correctness
 * failures that make the run exit non-zero. Timings are printed, never asserted.
 */
export interface BenchRow {
  metric: string;
  value: string;
  /** The target for this figure, when it has one. */
  target?: string;
}

export interface BenchResult {
  name: string;
  title: string;
  rows: BenchRow[];
  /** The raw numbers behind `rows`, for docs and for anyone scripting around the run. */
  values: Record<string, number>;
  /** One line per check that failed; a benchmark whose output is wrong has measured nothing. */
  failures: string[];
  notes: string[];
}

/** Nearest-rank percentile of an ascending-sorted sample. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarise(samples: readonly number[]): { median: number; p95: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
  };
}
