import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { CfnRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { Policy } from 'aws-cdk-lib/aws-iam';
import { CfnEventSourceMapping, type CfnFunction, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, ServerlessChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { functionSpec, MAX_RECEIVE_COUNT } from '../functions/runtime/function-specs';
import { throttleGroupOf } from './api';

/**
 * The rule packs the stack is held to: cdk-nag's AWS Solutions and Serverless packs, maintained
 * rules over the whole template, where hand-written assertions only check what someone thought
 * of. app.ts registers them, so a synth or deploy with an unacknowledged finding stops;
 * tests/infra/nag.test.ts runs them over the synthesized stack.
 */
export function nagPacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks()];
}

/** What the acknowledgements need to find in the stack. */
export interface NagScope {
  stack: Stack;
  /** The function of each handler, by handler name. */
  functions: ReadonlyMap<string, LambdaFunction>;
}

/**
 * Every cdk-nag finding the design accepts, each acknowledged on the narrowest construct with the
 * reason a reviewer can check. The rest were fixed rather than acknowledged: API access logs and
 * throttling, retries and failure destinations of the scheduled functions, index names in table
 * grants, roles that write their own log group only, deletion protection.
 */
export function acknowledgeNagFindings({ stack, functions }: NagScope): void {
  const ack = (scope: IConstruct | undefined, id: string, reason: string) => {
    if (!scope) throw new Error(`cdk-nag acknowledgement ${id}: construct not found`);
    Validations.of(scope).acknowledge({ id, reason });
  };
  const child = (path: string): IConstruct | undefined =>
    path.split('/').reduce<IConstruct | undefined>((scope, id) => scope?.node.tryFindChild(id), stack);

  for (const [name, fn] of functions) {
    const spec = functionSpec(name);
    // One decision for every function, made in infra/functions.ts: acknowledged per function, not stack-wide.
    const runtime =
      'Node.js 22 is chosen on purpose (infra/functions.ts): the bundles target node22 and the suite runs on it; moving to the newest runtime is its own change, made in that one place.';
    ack(fn, 'AwsSolutions-L1', runtime);
    ack(fn, 'Serverless-LambdaLatestVersion', runtime);
    ack(
      fn.role?.node.tryFindChild('DefaultPolicy'),
      'AwsSolutions-IAM5[Resource::*]',
      name === 'send-email'
        ? 'X-Ray (PutTraceSegments, PutTelemetryRecords) and ses:GetSendQuota, which the send pacer reads, grant no resource but "*".'
        : 'X-Ray tracing (PutTraceSegments, PutTelemetryRecords) grants no resource but "*".',
    );
    ack(
      fn,
      'Serverless-LambdaDLQ',
      spec.http
        ? 'Invoked synchronously by API Gateway: a failure is answered to the caller; a function DLQ only receives asynchronous events.'
        : spec.queue
          ? `Consumes the ${spec.queue} queue: a failing message goes to that queue's own dead-letter queue (redrive policy, ${MAX_RECEIVE_COUNT} receives, alarmed on); a function DLQ only receives asynchronous events.`
          : 'Scheduled: a run that fails its last attempt goes to the on-failure destination Schedules/FailedRunsQueue (alarmed on), which records the error as well as the event, where a DLQ would keep the event alone.',
    );
    // Staff's files: each folder a function declares (function-specs.ts `files`), its objects by key.
    const bucketId = child('Files/Bucket') && stack.getLogicalId(child('Files/Bucket')!.node.defaultChild as CfnElement);
    for (const folder of new Set([...(spec.files?.read ?? []), ...(spec.files?.write ?? [])])) {
      ack(
        fn.role?.node.tryFindChild('DefaultPolicy'),
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${folder}/*]`,
        `The objects of the ${folder}/ folder of the staff file bucket: each import or export has a key of its own, named when the job is made, so the grant is the folder (read and write as declared in function-specs.ts).`,
      );
    }
    for (const mapping of fn.node.children.filter((c) => c.node.defaultChild instanceof CfnEventSourceMapping)) {
      ack(
        mapping,
        'Serverless-LambdaEventSourceMappingDestination',
        `An SQS event source takes no on-failure destination (streams and Kafka do): the queue's redrive policy moves a message received ${MAX_RECEIVE_COUNT} times to its dead-letter queue, alarmed on.`,
      );
    }
  }

  // Dead-letter queues are where failures end: they have no dead-letter queue of their own.
  const sinks = {
    'Messaging/FanOutDeadLetterQueue': 'the fan-out queue\'s redrive target',
    'Messaging/SendDeadLetterQueue': 'the send queue\'s redrive target',
    'Messaging/MailEventsDeadLetterQueue': 'the mail-events queue\'s redrive target',
    'Messaging/SignupsDeadLetterQueue': 'the sign-ups queue\'s redrive target',
    'Messaging/BulkDeadLetterQueue': 'the bulk jobs queue\'s redrive target',
    'Messaging/WebhooksDeadLetterQueue': 'the outgoing webhooks queue\'s redrive target',
    'Email/EventsDeadLetterQueue': 'the dead-letter queue of the SNS subscription that delivers SES events to the mail-events queue',
    'Schedules/FailedRunsQueue': 'Lambda\'s on-failure destination and Scheduler\'s dead-letter queue for the scheduled functions',
  };
  for (const [path, role] of Object.entries(sinks)) {
    ack(child(path), 'Serverless-SQSRedrivePolicy', `A dead-letter queue (${role}), alarmed on as soon as it holds a message: it has no dead-letter queue itself.`);
  }
  // AwsSolutions-SQS3 recognizes a DLQ only as another queue's redrive target.
  for (const path of ['Email/EventsDeadLetterQueue', 'Schedules/FailedRunsQueue']) {
    ack(child(path), 'AwsSolutions-SQS3', `A dead-letter queue (${sinks[path as keyof typeof sinks]}), not a work queue: SNS, Lambda and Scheduler name it directly, which the rule does not see.`);
  }

  // Scheduler's role per target: CDK's grantInvoke names the function and its versions (`<arn>:*`).
  const schedulerPolicies = stack.node.children
    .filter((c) => c.node.id.startsWith('SchedulerRoleForTarget-'))
    .map((role) => role.node.tryFindChild('DefaultPolicy'))
    .filter((policy): policy is Policy => policy instanceof Policy);
  for (const [name, fn] of functions) {
    if (!functionSpec(name).schedules) continue;
    const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnFunction);
    ack(
      schedulerPolicies.find((policy) => JSON.stringify(stack.resolve(policy.document)).includes(`"${logicalId}"`)),
      `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      `lambda:InvokeFunction on ${name} and its versions (CDK's grantInvoke): the role Scheduler assumes for this schedule invokes nothing else.`,
    );
  }

  ack(
    child('Files/Bucket'),
    'AwsSolutions-S1',
    'Staff\'s import and export files, kept 7 days and reached only through pre-signed links that the admin functions sign after checking the staff token; object access can be audited with CloudTrail S3 data events. Access logs in a second bucket would keep the keys and requesters of files of personal data longer than the files themselves.',
  );

  ack(
    child('Secrets/Secret'),
    'AwsSolutions-SMG4',
    'Holds keys staff set and rotate by hand (infra/README.md "The secret"): signing keys rotate by adding a key id while old links stay valid, the webhook secret together with the publishing side. A rotation Lambda cannot do either alone.',
  );

  for (const route of stack.node.findAll().filter((c): c is CfnRoute => c instanceof CfnRoute)) {
    const [method, path] = route.routeKey.split(' ') as ['GET' | 'POST' | 'PATCH' | 'DELETE', string];
    const group = throttleGroupOf({ method, path });
    ack(
      route,
      'AwsSolutions-APIG4',
      group === 'admin'
        ? 'Staff route: the handler requires the admin bearer token from the secret (functions/services/staff.ts, constant-time comparison) before doing anything.'
        : group === 'webhook'
          ? 'Publishing webhook: the handler verifies its Standard Webhooks HMAC signature and timestamp (functions/domain/security/standard-webhooks.ts) before doing anything.'
          : 'Public on purpose: pages, feeds and the sign-up form are for anyone; confirm, preferences and unsubscribe carry a signed link token that the handler verifies. Throttled per route.',
    );
  }

  // Only with alarmEmail: the email subscription of the alarm topic.
  for (const subscription of child('Messaging/AlarmTopic')?.node.children.filter((c) => c.node.id.includes('@')) ?? []) {
    ack(
      subscription,
      'Serverless-SNSRedrivePolicy',
      'An email subscription for alarm notifications: SNS retries email delivery itself, and an alarm missed by email stays in its state and history in CloudWatch; a DLQ of alarm notifications would need an alarm of its own.',
    );
  }
}
