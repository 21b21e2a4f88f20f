import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMESPACE, type MetricName } from './metric-names';

/** One instance per container, as Powertools intends; `flushMetrics` empties it after each invocation. */
export const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'pressroom' });

/**
 * Set by the local runner: counts go to this in-memory tally (`EmailsSent`, `PostsMade{channel=x}`)
 * rather than to stdout as EMF lines, which only CloudWatch reads.
 */
let tally: Map<string, number> | undefined;

/** Switches this process to counting in memory, and returns the tally (one per process). */
export function countInMemory(): ReadonlyMap<string, number> {
  tally ??= new Map();
  return tally;
}

/**
 * Counts `value` of `name` in this invocation (nothing for 0). With `dimensions`, the count goes out
 * at once as its own metric (one dimension set per log line is all EMF allows).
 */
export function count(name: MetricName, value = 1, dimensions?: Record<string, string>): void {
  if (value <= 0) return;
  if (tally) {
    const key = dimensions ? `${name}{${Object.entries(dimensions).map(([k, v]) => `${k}=${v}`).join(',')}}` : name;
    tally.set(key, (tally.get(key) ?? 0) + value);
    return;
  }
  if (!dimensions) {
    metrics.addMetric(name, MetricUnit.Count, value);
    return;
  }
  const single = metrics.singleMetric();
  for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
  single.addMetric(name, MetricUnit.Count, value);
}

/**
 * Writes the invocation's metrics, if it counted any. (Powertools' own middleware would also warn
 * on every invocation that counted nothing, which is most of them.)
 */
export function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
