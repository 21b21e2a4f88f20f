import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * What staff and on-call watch, as CloudWatch metrics in the embedded metric format (a log line
 * CloudWatch turns into metrics: no API call, no extra permission). Handlers count their
 * outcomes here, at the edge; the domain stays free of it. infra/monitoring.ts builds the alarms
 * and the dashboard from the same names.
 */
export const METRIC_NAMESPACE = 'Pressroom';

export const MetricName = {
  EmailsSent: 'EmailsSent',
  /** Sends SES answered "too fast" (the jobs go back on the queue at a slower rate). */
  EmailsThrottled: 'EmailsThrottled',
  /** Addresses SES refused outright, or that can never be sent to. */
  EmailsRejected: 'EmailsRejected',
  /**
   * Once per recipient of a release's email however often SES or SQS deliver the event; an event
   * on another email (a confirmation) has no receipt and counts each time it is handled.
   */
  Bounces: 'Bounces',
  Complaints: 'Complaints',
  /** Per channel (dimension `channel`). */
  PostsMade: 'PostsMade',
  PostsFailed: 'PostsFailed',
  SignupsAccepted: 'SignupsAccepted',
  ConfirmationEmailsSent: 'ConfirmationEmailsSent',
  SubscriptionsConfirmed: 'SubscriptionsConfirmed',
  /** Release webhooks refused for a bad or missing signature. */
  WebhooksRejected: 'WebhooksRejected',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

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
