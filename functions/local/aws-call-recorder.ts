import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Records every AWS call the handlers make locally, as IAM would see it on AWS: the function that
 * made it, the IAM action and the resource ARN. The IAM conformance test (tests/iam/) then asks
 * whether that function's policy in the synthesized template allows each one, so a missing grant
 * fails the suite instead of a deployed stack.
 *
 * Which function a call belongs to comes from {@link runAsFunction}, which the local runner wraps
 * around every invocation (HTTP route, queue batch, schedule); async work a handler starts keeps
 * its function. A call made outside any invocation (the runner's own set-up) is not recorded.
 */

/** One AWS call, named as IAM names it. */
export interface AwsCall {
  /** The function (handler module name) that made the call. */
  fn: string;
  /** `service:Action`, e.g. `dynamodb:Query`, `sqs:SendMessage` for SendMessageBatch. */
  action: string;
  /** The resource ARN IAM evaluates the action against, or `*` where the action has none. */
  resource: string;
}

/** Account and region the recorded ARNs carry; the conformance test resolves the template with the same. */
export interface ArnNaming {
  partition: string;
  region: string;
  account: string;
}

export const RECORDED_ARN_NAMING: ArnNaming = { partition: 'aws', region: 'us-east-1', account: '123456789012' };

const invocation = new AsyncLocalStorage<string>();

/** Runs `work` as function `fn`: every AWS call it makes, directly or later in its async work, is that function's. */
export function runAsFunction<T>(fn: string, work: () => T): T {
  return invocation.run(fn, work);
}

type Input = Record<string, any>;

/** SDK client name → IAM service prefix. */
const SERVICES: Readonly<Record<string, string>> = {
  DynamoDBClient: 'dynamodb',
  SESClient: 'ses',
  SQSClient: 'sqs',
  SecretsManagerClient: 'secretsmanager',
  S3Client: 's3',
};

/**
 * S3 object calls by the IAM action that authorises them: HeadObject is GetObject, each step of a
 * multipart upload is PutObject (AbortMultipartUpload has its own).
 */
const S3_ACTIONS: Readonly<Record<string, string>> = {
  GetObject: 'GetObject',
  HeadObject: 'GetObject',
  PutObject: 'PutObject',
  CreateMultipartUpload: 'PutObject',
  UploadPart: 'PutObject',
  CompleteMultipartUpload: 'PutObject',
  AbortMultipartUpload: 'AbortMultipartUpload',
  DeleteObject: 'DeleteObject',
};

/** Batch and transaction calls are authorised per entry, under the single action's name. */
const SQS_ACTIONS: Readonly<Record<string, string>> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

const TRANSACT_ACTIONS: Readonly<Record<string, string>> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };

/**
 * The IAM action and resource of one SDK command (without the function). Pure, so it can be tested
 * against each command shape the adapters send.
 *
 * @example
 * iamCallsOf('SQSClient', 'SendMessageBatchCommand', { QueueUrl: 'http://127.0.0.1:1/000000000000/send' }, naming);
 * // [{ action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:123456789012:send' }]
 */
export function iamCallsOf(clientName: string, commandName: string, input: Input, naming: ArnNaming): Omit<AwsCall, 'fn'>[] {
  const service = SERVICES[clientName];
  if (!service) throw new Error(`aws-call-recorder: no IAM service known for ${clientName}`);
  const operation = commandName.replace(/Command$/, '');
  const arn = (svc: string, resource: string) => `arn:${naming.partition}:${svc}:${naming.region}:${naming.account}:${resource}`;
  const table = (name: string, index?: string) => arn('dynamodb', index ? `table/${name}/index/${index}` : `table/${name}`);
  switch (service) {
    case 'dynamodb': {
      if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
        return Object.keys(input.RequestItems ?? {}).map((name) => ({ action: `dynamodb:${operation}`, resource: table(name) }));
      }
      if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
        return (input.TransactItems ?? []).flatMap((item: Input) =>
          Object.entries(item).map(([kind, entry]) => ({ action: `dynamodb:${TRANSACT_ACTIONS[kind] ?? kind}`, resource: table((entry as Input).TableName) })),
        );
      }
      return [{ action: `dynamodb:${operation}`, resource: table(input.TableName, input.IndexName) }];
    }
    case 'ses': {
      if (operation !== 'SendRawEmail' && operation !== 'SendEmail' && operation !== 'SendBulkTemplatedEmail' && operation !== 'SendTemplatedEmail') {
        return [{ action: `ses:${operation}`, resource: '*' }];
      }
      // SES authorises a send against the sending identity (the From address's domain, which is
      // what the stack verifies) and against the configuration set the call names.
      const from = input.Source ?? fromHeader(input.RawMessage?.Data);
      if (!from) throw new Error(`aws-call-recorder: ${operation} without a Source or From header`);
      const domain = addressOf(from).split('@').pop()!;
      const calls = [{ action: `ses:${operation}`, resource: arn('ses', `identity/${domain}`) }];
      if (input.ConfigurationSetName) calls.push({ action: `ses:${operation}`, resource: arn('ses', `configuration-set/${input.ConfigurationSetName}`) });
      return calls;
    }
    case 'sqs': {
      const action = `sqs:${SQS_ACTIONS[operation] ?? operation}`;
      // The local endpoint's ARNs carry its own account and region: keep the queue name, rename the rest.
      if (operation === 'StartMessageMoveTask') return [{ action, resource: arn('sqs', String(input.SourceArn).split(':').pop()!) }];
      if (operation === 'GetQueueUrl') return [{ action, resource: arn('sqs', input.QueueName) }];
      const url = new URL(input.QueueUrl);
      return [{ action, resource: arn('sqs', url.pathname.split('/').filter(Boolean).pop()!) }];
    }
    case 's3': {
      // Pre-signing runs the same middleware without sending: a signed URL is a call made later
      // with the signer's permissions, so it is recorded as the signer's own.
      const action = S3_ACTIONS[operation];
      if (!action) throw new Error(`aws-call-recorder: no IAM action known for S3 ${operation}`);
      return [{ action: `s3:${action}`, resource: `arn:${naming.partition}:s3:::${input.Bucket}/${input.Key}` }];
    }
    default:
      // Secrets Manager: every call this project makes names the secret by its ARN.
      return [{ action: `${service}:${operation}`, resource: input.SecretId ?? '*' }];
  }
}

function addressOf(from: string): string {
  const match = /<([^>]+)>/.exec(from);
  return (match ? match[1] : from).trim();
}

/** The From header of a raw MIME message (headers end at the first empty line). */
function fromHeader(data: Uint8Array | string | undefined): string | undefined {
  if (!data) return undefined;
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8', 0, Math.min(data.length, 64 * 1024));
  const headers = text.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, ' ');
  return /^from:\s*(.+)$/im.exec(headers)?.[1];
}

interface RecordableClient {
  middlewareStack: { add: (middleware: any, options: { step: 'initialize'; name: string; override?: boolean }) => void };
}

/**
 * Adds a middleware to `client` that passes each call made inside {@link runAsFunction} to `sink`.
 * It records and never changes the call.
 */
export function recordAwsCalls(client: RecordableClient, sink: (call: AwsCall) => void, naming: ArnNaming = RECORDED_ARN_NAMING): void {
  client.middlewareStack.add(
    (next: (args: { input: Input }) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => async (args: { input: Input }) => {
      const fn = invocation.getStore();
      if (fn && context.clientName && context.commandName) {
        for (const call of iamCallsOf(context.clientName, context.commandName, args.input, naming)) sink({ fn, ...call });
      }
      return next(args);
    },
    { step: 'initialize', name: 'pressroomAwsCallRecorder', override: true },
  );
}

/**
 * A sink that appends each distinct call once to `<dir>/<pid>.jsonl`, so that every test worker's
 * calls add up in one folder for the conformance test to read.
 */
export function fileSink(dir: string): (call: AwsCall) => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}.jsonl`);
  const seen = new Set<string>();
  return (call) => {
    const line = JSON.stringify(call);
    if (seen.has(line)) return;
    seen.add(line);
    appendFileSync(file, `${line}\n`);
  };
}
