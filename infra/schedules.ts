import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { schedules } from '../functions/runtime/routes';
import { pascalCase } from './functions';

/** An EventBridge Scheduler schedule per entry of `schedules`, invoking that entry's handler. */
export class Schedules extends Construct {
  constructor(scope: Construct, id: string, functionFor: (handlerName: string) => IFunction) {
    super(scope, id);
    for (const entry of schedules) {
      new Schedule(this, `${pascalCase(entry.name)}Schedule`, {
        description: `Pressroom: ${entry.name}`,
        schedule: ScheduleExpression.expression(entry.rate),
        target: new LambdaInvoke(functionFor(entry.handler), {
          // The next tick does the same work, so a failed invocation is not retried into an overlap.
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
        }),
      });
    }
  }
}
