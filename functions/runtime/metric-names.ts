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
  /** Outgoing webhook endpoints Pressroom disabled after a day of failed deliveries (an alarm tells staff). */
  WebhookEndpointsDisabled: 'WebhookEndpointsDisabled',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];
