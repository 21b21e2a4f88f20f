import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Function as LambdaFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { deadLetterEnvNames } from '../functions/runtime/config';
// A message that failed MAX_RECEIVE_COUNT times is poison, not bad luck: park it in the DLQ and alarm.
import { MAX_RECEIVE_COUNT, queueConsumers } from '../functions/runtime/routes';
import { pascalCase, timeoutFor } from './functions';

export type QueueName = (typeof queueConsumers)[number]['queue'];

/** Lambda keeps a message invisible while it retries throttled invocations; AWS asks for ≥ 6× the timeout. */
const VISIBILITY_TIMEOUT_FACTOR = 6;
/** Fan-out runs once per release; two at a time is plenty and keeps the send queue's producers few. */
const FAN_OUT_MAX_CONCURRENCY = 2;
// Bounce and complaint events are light; two workers keep up with any realistic send.
const MAIL_EVENTS_MAX_CONCURRENCY = 2;
// Sign-ups queue up only to answer every caller alike; two workers keep up with any form.
const SIGNUPS_MAX_CONCURRENCY = 2;
// Staff's imports and exports: two at a time, so one large import cannot hold the table's write
// capacity against the send path (each slice writes as fast as one worker can).
const BULK_MAX_CONCURRENCY = 2;
// Outgoing webhooks: each delivery waits at most 10 s on a receiver; two workers keep up with a
// handful of endpoints, and a slow one cannot take Lambda concurrency from the send path.
const WEBHOOKS_MAX_CONCURRENCY = 2;
/** Messages per invocation, for every consumer but mail-events; the send workers' sizing (send-concurrency.ts) rests on it. */
export const BATCH_SIZE = 10;
/**
 * SES events: a send of N emails brings N delivery events at the send rate, and each batch is
 * counted in one write per release (mail-events.ts `handleMailEvents`), so larger batches mean
 * fewer counter writes, invocations and SQS requests per email (docs/benchmarks.md, figure 4).
 * Above 10 messages SQS needs a batching window; a second keeps a bounce's suppression and the
 * pause thresholds prompt.
 */
export const MAIL_EVENTS_BATCH = { batchSize: 100, maxBatchingWindow: Duration.seconds(1) };

export interface MessagingProps {
  /**
   * Concurrent send-email invocations. Each sends up to 10 emails per batch, so this is what keeps
   * the send rate under the SES quota (event source mappings allow 2–1000).
   */
  sendMaxConcurrency: number;
  /** Where the dead-letter alarms are emailed (SNS asks the address to confirm once); none when unset. */
  alarmEmail?: string;
}

/**
 * One SQS queue with its dead-letter queue per entry of `queueConsumers`, consumed by that entry's
 * handler with partial batch failures. Queues exist before the functions (their URLs go into every
 * function's environment); `connect` attaches the consumers once the functions exist.
 */
export class Messaging extends Construct {
  readonly queues: ReadonlyMap<QueueName, Queue>;
  readonly deadLetterQueues: ReadonlyMap<QueueName, Queue>;
  /**
   * Every dead-letter alarm notifies this topic: an alarm nobody hears about is a DLQ that fills up
   * unseen. Subscribe more (email, chat) to it beside `alarmEmail`.
   */
  readonly alarmTopic: Topic;
  private readonly maxConcurrency: Record<QueueName, number>;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    this.maxConcurrency = { 'fan-out': FAN_OUT_MAX_CONCURRENCY, send: props.sendMaxConcurrency, 'mail-events': MAIL_EVENTS_MAX_CONCURRENCY, signups: SIGNUPS_MAX_CONCURRENCY, bulk: BULK_MAX_CONCURRENCY, webhooks: WEBHOOKS_MAX_CONCURRENCY };
    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Pressroom alarms', enforceSSL: true });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const queues = new Map<QueueName, Queue>();
    const deadLetterQueues = new Map<QueueName, Queue>();
    for (const { queue: name, handler } of queueConsumers) {
      const prefix = pascalCase(name);
      const dlq = new Queue(this, `${prefix}DeadLetterQueue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      const queue = new Queue(this, `${prefix}Queue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(timeoutFor(handler).toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
        deadLetterQueue: { queue: dlq, maxReceiveCount: MAX_RECEIVE_COUNT },
      });
      this.alarmOnDeadLetters(`${prefix}DeadLetterAlarm`, dlq, `Messages in the ${name} dead-letter queue: inspect them, fix the cause, then redrive.`);
      queues.set(name, queue);
      deadLetterQueues.set(name, dlq);
    }
    this.queues = queues;
    this.deadLetterQueues = deadLetterQueues;
  }

  /** Alarms, on the alarm topic, as soon as `queue` holds a message (checked every five minutes). */
  alarmOnDeadLetters(id: string, queue: IQueue, description: string): void {
    new Alarm(this, id, {
      alarmDescription: description,
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(this.alarmTopic));
  }

  /**
   * Lets a function send jobs to the queue `name`: SendMessage only (SendMessageBatch is authorised
   * as SendMessage), where CDK's grantSendMessages would add GetQueueAttributes and GetQueueUrl.
   * Messages are encrypted with SQS-managed keys, which need no KMS grant.
   */
  grantSend(name: QueueName, fn: IGrantable): void {
    fn.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue(name).queueArn] }));
  }

  /** The queue called `name` in `queueConsumers`. */
  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`No queue named "${name}" in queueConsumers`);
    return queue;
  }

  /**
   * Lets a function read each DLQ's depth and redrive it: the DLQ locations go into its environment
   * (names from runtime config's `deadLetterEnvNames`), and its role gets what a message move task
   * needs — StartMessageMoveTask, ReceiveMessage, DeleteMessage and GetQueueAttributes on the DLQ,
   * SendMessage on the queue the messages return to.
   */
  grantDeadLetterAdmin(fn: LambdaFunction): void {
    for (const { queue: name } of queueConsumers) {
      const dlq = this.deadLetterQueues.get(name)!;
      const env = deadLetterEnvNames(name);
      fn.addEnvironment(env.url, dlq.queueUrl);
      fn.addEnvironment(env.arn, dlq.queueArn);
      fn.addEnvironment(env.sourceArn, this.queue(name).queueArn);
    }
    const dlqs = [...this.deadLetterQueues.values()];
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['sqs:StartMessageMoveTask', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'],
        resources: dlqs.map((q) => q.queueArn),
      }),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [...this.queues.values()].map((q) => q.queueArn) }));
  }

  /** Subscribes each consumer's function to its queue (which also grants it receive/delete). */
  connect(functionFor: (handlerName: string) => IFunction): void {
    for (const { queue: name, handler } of queueConsumers) {
      functionFor(handler).addEventSource(
        new SqsEventSource(this.queue(name), {
          ...(name === 'mail-events' ? MAIL_EVENTS_BATCH : { batchSize: BATCH_SIZE }),
          reportBatchItemFailures: true,
          maxConcurrency: this.maxConcurrency[name],
        }),
      );
    }
  }
}
