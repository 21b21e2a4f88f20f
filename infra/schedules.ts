import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { schedules } from '../functions/runtime/routes';
import { pascalCase } from './functions';

/** How often a rate expression (`rate(1 minute)`, `rate(2 hours)`) runs. */
export function periodOf(rate: string): Duration {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(rate);
  if (!match) throw new Error(`Unsupported schedule "${rate}": expected rate(<n> minute(s)|hour(s)|day(s))`);
  const n = Number(match[1]);
  return match[2].startsWith('minute') ? Duration.minutes(n) : match[2].startsWith('hour') ? Duration.hours(n) : Duration.days(n);
}

/**
 * What happens to a run that fails, for a job run every `period`. Scheduler invokes Lambda
 * asynchronously, so two layers retry: Scheduler, when it cannot hand the event to Lambda, and
 * Lambda, when the function fails (twice by default, about one and two minutes later).
 *
 * - Every minute: no retry, and an event over a minute old is dropped. The next tick does the
 *   same work; a retry would only run beside it.
 * - Slower: two retries, within half the period, so that a passing fault (a throttle, a timeout
 *   talking to a channel) does not cost a whole period, and a retry never meets the next run.
 */
export function retryPolicyFor(period: Duration): { retryAttempts: number; maxEventAge: Duration } {
  if (period.toSeconds() <= 60) return { retryAttempts: 0, maxEventAge: Duration.minutes(1) };
  return { retryAttempts: 2, maxEventAge: Duration.seconds(Math.min(period.toSeconds() / 2, Duration.hours(6).toSeconds())) };
}

export interface SchedulesProps {
  functionFor: (handlerName: string) => IFunction;
  /** Alarms, on the alarm topic, as soon as a queue holds a message (Messaging.alarmOnDeadLetters). */
  alarmOnDeadLetters: (id: string, queue: IQueue, description: string) => void;
}

/**
 * An EventBridge Scheduler schedule per entry of `schedules`, invoking that entry's handler, and
 * where failed runs go: one queue for the runs that failed their last attempt (Lambda's on-failure
 * destination, a record with the error) and for the events Scheduler could not deliver (its
 * dead-letter queue), with an alarm as soon as it holds one.
 */
export class Schedules extends Construct {
  readonly failedRuns: Queue;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    this.failedRuns = new Queue(this, 'FailedRunsQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    props.alarmOnDeadLetters(
      'FailedRunsAlarm',
      this.failedRuns,
      'A scheduled run failed its last attempt, or Scheduler could not invoke it: the message says which function and why (its log group has the rest).',
    );

    // One asynchronous invoke configuration per function, for its most frequent schedule.
    const periods = new Map<string, Duration>();
    for (const entry of schedules) {
      const period = periodOf(entry.rate);
      const known = periods.get(entry.handler);
      if (!known || period.toSeconds() < known.toSeconds()) periods.set(entry.handler, period);
    }
    for (const [handler, period] of periods) {
      props.functionFor(handler).configureAsyncInvoke({ ...retryPolicyFor(period), onFailure: new SqsDestination(this.failedRuns) });
    }

    for (const entry of schedules) {
      new Schedule(this, `${pascalCase(entry.name)}Schedule`, {
        description: `Pressroom: ${entry.name}`,
        schedule: ScheduleExpression.expression(entry.rate),
        target: new LambdaInvoke(props.functionFor(entry.handler), {
          ...retryPolicyFor(periodOf(entry.rate)),
          deadLetterQueue: this.failedRuns,
        }),
      });
    }
  }
}
