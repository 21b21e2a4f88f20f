import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm, ComparisonOperator, Dashboard, GraphWidget, MathExpression, Metric, SingleValueWidget, TextWidget, TreatMissingData, type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionNames, functionSpec } from '../functions/runtime/function-specs';
import { METRIC_NAMESPACE, MetricName } from '../functions/runtime/metric-names';
import { pascalCase } from './functions';

/** SES puts an account under review at these rates (its reputation dashboard's own thresholds). */
export const SES_REVIEW_BOUNCE_RATE = 0.05;
export const SES_REVIEW_COMPLAINT_RATE = 0.001;
/** A send job waiting longer than this means the send is stuck or far behind its rate. */
export const SEND_QUEUE_MAX_AGE = Duration.minutes(15);
/** The functions a mail run depends on: an error in any of them pages someone. */
const SEND_PATH = ['send-email', 'fan-out', 'mail-events'] as const;
/** Every minute: failing three runs in a row means they fail every time (a placeholder secret, say). */
const EVERY_MINUTE = functionNames.filter((name) => functionSpec(name).schedules?.some((s) => s.rate === 'rate(1 minute)'));

/**
 * The public HTTP functions: routes anyone may call (not /admin, not the signed webhook). Their
 * errors and throttles are what readers meet.
 */
export const PUBLIC_FUNCTIONS = functionNames.filter((name) =>
  (functionSpec(name).http ?? []).some((route) => !route.includes(' /admin') && !route.includes(' /webhooks')),
);

export interface MonitoringProps {
  alarmTopic: ITopic;
  functionFor: (handlerName: string) => IFunction;
  sendQueue: IQueue;
  /** Every work queue and its dead-letter queue, for the dashboard. */
  queues: ReadonlyMap<string, { queue: IQueue; deadLetterQueue: IQueue }>;
  httpApi: IHttpApi;
}

/**
 * What pages on-call before SES does, and the one dashboard staff open during a send. Every alarm
 * notifies the alarm topic (the dead-letter alarms in messaging.ts do too).
 */
export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const action = new SnsAction(props.alarmTopic);
    const alarm = (alarmId: string, options: { description: string; metric: IMetric; threshold: number; evaluationPeriods?: number; comparison?: ComparisonOperator }) => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: options.description,
        metric: options.metric,
        threshold: options.threshold,
        comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    for (const name of [...SEND_PATH, ...PUBLIC_FUNCTIONS]) {
      const fn = props.functionFor(name);
      alarm(`${pascalCase(name)}ErrorsAlarm`, {
        description: `${name} failed: see its log group for the error.`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
      });
      alarm(`${pascalCase(name)}ThrottlesAlarm`, {
        description: PUBLIC_FUNCTIONS.includes(name)
          ? `${name} was throttled by Lambda: it reached its reserved concurrency (publicReservedConcurrency), a flood on public pages or a cap set too low.`
          : `${name} was throttled by Lambda: the account's concurrency is exhausted.`,
        metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
      });
    }
    for (const name of EVERY_MINUTE) {
      alarm(`${pascalCase(name)}FailingAlarm`, {
        description: `${name} failed three runs in a row: most often the secret still holds placeholders or a channel's token expired.`,
        metric: props.functionFor(name).metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 3,
      });
    }
    alarm('SendQueueAgeAlarm', {
      description: `A send job has waited over ${SEND_QUEUE_MAX_AGE.toMinutes()} minutes: the send is stuck or far behind its rate.`,
      metric: props.sendQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: SEND_QUEUE_MAX_AGE.toSeconds(),
    });
    alarm('WebhookEndpointDisabledAlarm', {
      description: 'Pressroom disabled an outgoing webhook endpoint after a day of failed deliveries: see /console/webhooks for which and why, fix the receiver, then enable it again.',
      metric: new Metric({ namespace: METRIC_NAMESPACE, metricName: MetricName.WebhookEndpointsDisabled, dimensionsMap: { service: 'pressroom' }, statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
    });
    alarm('Api5xxAlarm', {
      description: 'The HTTP API answered 5xx: see the functions\' errors and the API access log.',
      metric: props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 5,
    });
    alarm('SesBounceRateAlarm', {
      description: `SES bounce rate at or over ${SES_REVIEW_BOUNCE_RATE * 100} %, where SES puts the account under review: clean the lists before the next send.`,
      metric: sesReputation('Reputation.BounceRate'),
      threshold: SES_REVIEW_BOUNCE_RATE,
    });
    alarm('SesComplaintRateAlarm', {
      description: `SES complaint rate at or over ${SES_REVIEW_COMPLAINT_RATE * 100} %, where SES puts the account under review: check what was sent and to whom.`,
      metric: sesReputation('Reputation.ComplaintRate'),
      threshold: SES_REVIEW_COMPLAINT_RATE,
    });

    const ours = (name: string, label = name) => new Metric({ namespace: METRIC_NAMESPACE, metricName: name, dimensionsMap: { service: 'pressroom' }, statistic: 'Sum', period: Duration.minutes(1), label });
    const sesSends = new Metric({ namespace: 'AWS/SES', metricName: 'Send', statistic: 'Sum', period: Duration.minutes(1), label: 'SES sends' });
    this.dashboard = new Dashboard(this, 'Dashboard');
    this.dashboard.addWidgets(
      new TextWidget({ markdown: '# Pressroom\nSends, what SES says back, the queues and the functions. Alarms notify the alarm topic (stack output `AlarmTopicArn`).', width: 24, height: 2 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Emails per minute', left: [ours(MetricName.EmailsSent, 'sent'), ours(MetricName.EmailsThrottled, 'throttled'), ours(MetricName.EmailsRejected, 'rejected')], width: 12 }),
      new GraphWidget({
        title: 'Send rate (per second) against SES',
        left: [new MathExpression({ expression: 'sends / 60', usingMetrics: { sends: sesSends }, label: 'SES sends / s', period: Duration.minutes(1) })],
        right: [ours(MetricName.EmailsThrottled, 'throttled by SES')],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Bounces and complaints', left: [ours(MetricName.Bounces, 'bounces'), ours(MetricName.Complaints, 'complaints')], width: 12 }),
      new SingleValueWidget({ title: 'SES reputation (review at 5 % / 0.1 %)', metrics: [sesReputation('Reputation.BounceRate'), sesReputation('Reputation.ComplaintRate')], width: 12 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Queue depths',
        left: [...props.queues].map(([name, { queue }]) => queue.metricApproximateNumberOfMessagesVisible({ label: name, period: Duration.minutes(1) })),
        right: [...props.queues].map(([name, { deadLetterQueue }]) => deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: `${name} DLQ`, period: Duration.minutes(1) })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Oldest message (seconds)',
        left: [...props.queues].map(([name, { queue }]) => queue.metricApproximateAgeOfOldestMessage({ label: name, period: Duration.minutes(1) })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        left: functionNames.map((name) => props.functionFor(name).metricErrors({ label: name, period: Duration.minutes(5) })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Sign-ups and webhooks',
        left: [ours(MetricName.SignupsAccepted, 'sign-ups'), ours(MetricName.SubscriptionsConfirmed, 'confirmed'), ours(MetricName.WebhooksRejected, 'webhooks refused')],
        right: [ours(MetricName.ConfirmationEmailsSent, 'confirmation emails')],
        width: 12,
      }),
    );
    // One line per channel, whichever channels are configured.
    const perChannel = (name: string) =>
      new MathExpression({ expression: `SEARCH('{${METRIC_NAMESPACE},channel,service} MetricName="${name}"', 'Sum', 300)`, label: '', period: Duration.minutes(5) });
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Social posts made, by channel', left: [perChannel(MetricName.PostsMade)], width: 12 }),
      new GraphWidget({ title: 'Social posts failed, by channel', left: [perChannel(MetricName.PostsFailed)], width: 12 }),
    );
  }
}

/** SES's account-wide reputation metric (a rate between 0 and 1), as its console shows it. */
function sesReputation(metricName: 'Reputation.BounceRate' | 'Reputation.ComplaintRate'): Metric {
  return new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.minutes(15), label: metricName });
}
