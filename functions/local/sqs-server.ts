import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { invalidParameter, queueDoesNotExist, SqsError } from './sqs-errors';
import { StoredQueue, type StoredMessage } from './sqs-store';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-context';
import { consoleLogger, type LocalLogger } from './local-logger';
import { readBody } from './api-gateway';

/** One work queue; the endpoint creates it with a dead-letter queue named `<name>-dlq`. */
export interface LocalSqsQueueDefinition {
  name: string;
  /** Default visibility timeout, in milliseconds so tests can use short ones (the API speaks seconds). */
  visibilityTimeoutMs: number;
  /** Receives before the next one moves a message to the dead-letter queue. */
  maxReceiveCount: number;
}

export interface LocalSqsOptions {
  queues: LocalSqsQueueDefinition[];
  /** Journals live here (`<dataDir>/<queue>.jsonl`); memory only when absent. */
  dataDir?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  logger?: LocalLogger;
}

/** Where one work queue and its dead-letter queue are, as the AWS wiring's environment names them. */
export interface LocalSqsQueueRef {
  name: string;
  url: string;
  arn: string;
  deadLetter: { url: string; arn: string };
}

export interface LocalSqs {
  /** `http://127.0.0.1:<port>`: the `endpoint` of an `SQSClient`. */
  endpoint: string;
  queue(name: string): LocalSqsQueueRef;
  /** The stored queue behind a URL-less name (`send`, `send-dlq`), for local inspection only. */
  stored(name: string): StoredQueue;
  close(): Promise<void>;
}

const MAX_BATCH = 10;
/** SQS's message size limit since 2025: 1 MiB. */
const MAX_MESSAGE_BYTES = 1024 * 1024;
const SYSTEM_ATTRIBUTES = ['SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp', 'DeadLetterQueueSourceArn'];

type Input = Record<string, unknown>;
type Action = (input: Input, request: { closed: () => boolean }) => Promise<object> | object;

/**
 * A local Amazon SQS endpoint speaking the JSON protocol the v3 SDK uses (`POST /`,
 * `X-Amz-Target: AmazonSQS.<Action>`, `application/x-amz-json-1.0`), so the SQS adapters and
 * `SQSClient` run locally unchanged. Standard queues only, each with a dead-letter queue; messages
 * persist in a journal per queue when `dataDir` is given. Listens on 127.0.0.1 only.
 *
 * @example
 * const sqs = await startLocalSqs({ queues: [{ name: 'send', visibilityTimeoutMs: 30_000, maxReceiveCount: 5 }], dataDir });
 * const client = new SQSClient({ ...LOCAL_CLIENT_CONFIG, endpoint: sqs.endpoint });
 * await client.send(new SendMessageCommand({ QueueUrl: sqs.queue('send').url, MessageBody: '{}' }));
 */
export async function startLocalSqs(options: LocalSqsOptions): Promise<LocalSqs> {
  const log = options.logger ?? consoleLogger('sqs');
  let closed = false;
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const byName = new Map<string, StoredQueue>();
  const open = (name: string, visibilityTimeoutMs: number, redrive?: StoredQueue['redrive']) => {
    const queue = new StoredQueue({
      name,
      url: `${endpoint}/${LOCAL_ACCOUNT}/${name}`,
      arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`,
      visibilityTimeoutMs,
      redrive,
      journalPath: options.dataDir ? join(options.dataDir, `${name}.jsonl`) : undefined,
      logger: log,
    });
    byName.set(name, queue);
    return queue;
  };
  for (const { name, visibilityTimeoutMs, maxReceiveCount } of options.queues) {
    const deadLetterQueue = open(`${name}-dlq`, visibilityTimeoutMs);
    open(name, visibilityTimeoutMs, { deadLetterQueue, maxReceiveCount });
  }
  const byArn = new Map([...byName.values()].map((q) => [q.arn, q]));

  /** Queue URLs are matched by path, so `localhost` and `127.0.0.1` forms both work. */
  const queueAt = (url: unknown): StoredQueue => {
    if (typeof url !== 'string') throw new SqsError('MissingParameter', 'The request must contain the parameter QueueUrl.');
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      throw queueDoesNotExist(url);
    }
    const [, account, name] = path.split('/');
    const queue = account === LOCAL_ACCOUNT ? byName.get(name ?? '') : undefined;
    if (!queue) throw queueDoesNotExist(url);
    return queue;
  };

  const actions: Record<string, Action> = {
    GetQueueUrl: ({ QueueName }) => {
      const queue = byName.get(String(QueueName));
      if (!queue) throw queueDoesNotExist(String(QueueName));
      return { QueueUrl: queue.url };
    },
    ListQueues: ({ QueueNamePrefix }) => ({
      QueueUrls: [...byName.values()].filter((q) => q.name.startsWith(String(QueueNamePrefix ?? ''))).map((q) => q.url),
    }),
    SendMessage: (input) => {
      const queue = queueAt(input.QueueUrl);
      const [message] = queue.send([checkSend(input)]);
      return { MessageId: message.id, MD5OfMessageBody: message.md5OfBody };
    },
    SendMessageBatch: (input) => {
      const queue = queueAt(input.QueueUrl);
      const entries = checkBatch(input.Entries);
      const Successful: object[] = [];
      const Failed: object[] = [];
      const valid: { id: string; body: string; delaySeconds?: number }[] = [];
      for (const entry of entries) {
        try {
          valid.push({ id: entry.Id, ...checkSend(entry) });
        } catch (error) {
          if (!(error instanceof SqsError)) throw error;
          Failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
        }
      }
      // One journal write for the whole batch.
      const sent = queue.send(valid);
      sent.forEach((message, i) => Successful.push({ Id: valid[i].id, MessageId: message.id, MD5OfMessageBody: message.md5OfBody }));
      return { Successful, Failed };
    },
    ReceiveMessage: async (input, request) => {
      const queue = queueAt(input.QueueUrl);
      const max = intIn(input.MaxNumberOfMessages ?? 1, 1, MAX_BATCH, 'MaxNumberOfMessages');
      const waitSeconds = intIn(input.WaitTimeSeconds ?? 0, 0, 20, 'WaitTimeSeconds');
      const visibilityMs =
        input.VisibilityTimeout === undefined ? queue.visibilityTimeoutMs : intIn(input.VisibilityTimeout, 0, 43_200, 'VisibilityTimeout') * 1000;
      const wanted = new Set([...asStrings(input.MessageSystemAttributeNames), ...asStrings(input.AttributeNames)]);
      const deadline = Date.now() + waitSeconds * 1000;
      // Long polling: wait for a message rather than answer empty, unless the caller went away (a
      // message handed to a closed socket would sit invisible for a whole timeout).
      for (;;) {
        if (request.closed() || closed) return {};
        const messages = queue.receive(max, visibilityMs);
        if (messages.length > 0) return { Messages: messages.map((m) => toWire(m, wanted)) };
        const left = deadline - Date.now();
        if (left <= 0) return {};
        await queue.waitForMessages(left);
      }
    },
    DeleteMessage: (input) => {
      queueAt(input.QueueUrl).delete([String(input.ReceiptHandle)]);
      return {};
    },
    DeleteMessageBatch: (input) => {
      const queue = queueAt(input.QueueUrl);
      const entries = checkBatch(input.Entries);
      return batchEach(entries, (entry) => void queue.delete([String(entry.ReceiptHandle)]));
    },
    ChangeMessageVisibility: (input) => {
      const seconds = intIn(input.VisibilityTimeout, 0, 43_200, 'VisibilityTimeout');
      queueAt(input.QueueUrl).changeVisibility([{ handle: String(input.ReceiptHandle), seconds }]);
      return {};
    },
    ChangeMessageVisibilityBatch: (input) => {
      const queue = queueAt(input.QueueUrl);
      const entries = checkBatch(input.Entries);
      return batchEach(entries, (entry) =>
        queue.changeVisibility([{ handle: String(entry.ReceiptHandle), seconds: intIn(entry.VisibilityTimeout, 0, 43_200, 'VisibilityTimeout') }]),
      );
    },
    GetQueueAttributes: (input) => {
      const queue = queueAt(input.QueueUrl);
      const all = queueAttributes(queue);
      const names = asStrings(input.AttributeNames);
      const wanted = names.includes('All') ? Object.keys(all) : names;
      return { Attributes: Object.fromEntries(wanted.filter((n) => n in all).map((n) => [n, all[n]])) };
    },
    PurgeQueue: (input) => {
      queueAt(input.QueueUrl).purge();
      return {};
    },
    StartMessageMoveTask: (input) => {
      const source = byArn.get(String(input.SourceArn));
      if (!source) throw new SqsError('ResourceNotFoundException', `The resource that you specified for the SourceArn parameter doesn't exist.`);
      const isDeadLetterQueue = [...byName.values()].some((q) => q.redrive?.deadLetterQueue === source);
      if (!isDeadLetterQueue) throw invalidParameter('Source queue must be configured as a Dead Letter Queue.');
      const destination = input.DestinationArn === undefined ? undefined : byArn.get(String(input.DestinationArn));
      if (input.DestinationArn !== undefined && !destination) {
        throw new SqsError('ResourceNotFoundException', `The resource that you specified for the DestinationArn parameter doesn't exist.`);
      }
      // SQS moves over the following seconds; here the move is done before the answer, which is
      // one of the orders a caller of the real thing must already accept.
      const moved = source.moveAll((message) => destination ?? byArn.get(message.sourceArn ?? '') ?? source);
      log.info('message move task finished', { source: source.name, destination: destination?.name ?? 'original source', moved });
      return { TaskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: source.arn })).toString('base64') };
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let isClosed = false;
    res.on('close', () => (isClosed = true));
    const reply = (status: number, body: object, headers: Record<string, string> = {}) => {
      if (isClosed) return;
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      const body = await readBody(req);
      const target = String(req.headers['x-amz-target'] ?? '');
      const action = target.startsWith('AmazonSQS.') ? actions[target.slice('AmazonSQS.'.length)] : undefined;
      if (req.method !== 'POST' || !action) throw new SqsError('UnsupportedOperation', `Unsupported operation: ${req.method} ${target || '(no X-Amz-Target)'}`);
      let input: Input;
      try {
        input = JSON.parse(body.toString('utf8') || '{}') as Input;
      } catch {
        throw new SqsError('InvalidParameterValue', 'The request body is not JSON.');
      }
      reply(200, await action(input, { closed: () => isClosed }));
    } catch (error) {
      const sqsError = error instanceof SqsError ? error : new SqsError('InternalError', String(error), 500);
      if (!(error instanceof SqsError)) log.error('local SQS failed', { error: String(error) });
      reply(sqsError.statusCode, { __type: `com.amazonaws.sqs#${sqsError.code}`, message: sqsError.message }, {
        'x-amzn-query-error': `${sqsError.queryCode};${sqsError.fault}`,
      });
    }
  }

  return {
    endpoint,
    queue(name) {
      const queue = byName.get(name);
      const deadLetterQueue = queue?.redrive?.deadLetterQueue;
      if (!queue || !deadLetterQueue) throw queueDoesNotExist(name);
      return { name, url: queue.url, arn: queue.arn, deadLetter: { url: deadLetterQueue.url, arn: deadLetterQueue.arn } };
    },
    stored(name) {
      const queue = byName.get(name);
      if (!queue) throw queueDoesNotExist(name);
      return queue;
    },
    async close() {
      closed = true;
      for (const queue of byName.values()) queue.close();
      // Long polls answer empty once woken; give them that turn, then drop what is left.
      await new Promise((resolve) => setImmediate(resolve));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function queueAttributes(queue: StoredQueue): Record<string, string> {
  const counts = queue.counts();
  const seconds = String(Math.ceil(queue.visibilityTimeoutMs / 1000));
  return {
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.notVisible),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    VisibilityTimeout: seconds,
    DelaySeconds: '0',
    ReceiveMessageWaitTimeSeconds: '0',
    MaximumMessageSize: String(MAX_MESSAGE_BYTES),
    MessageRetentionPeriod: '345600',
    SqsManagedSseEnabled: 'false',
    ...(queue.redrive
      ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queue.redrive.deadLetterQueue.arn, maxReceiveCount: queue.redrive.maxReceiveCount }) }
      : {}),
  };
}

function toWire(message: StoredMessage, wanted: Set<string>) {
  const all: Record<string, string | undefined> = {
    SenderId: LOCAL_ACCOUNT,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
    DeadLetterQueueSourceArn: message.sourceArn,
  };
  const names = wanted.has('All') ? SYSTEM_ATTRIBUTES : SYSTEM_ATTRIBUTES.filter((n) => wanted.has(n));
  const attributes = Object.fromEntries(names.filter((n) => all[n] !== undefined).map((n) => [n, all[n]]));
  return {
    MessageId: message.id,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(names.length > 0 ? { Attributes: attributes } : {}),
  };
}

function checkSend(input: Input): { body: string; delaySeconds?: number } {
  const body = input.MessageBody;
  if (typeof body !== 'string' || body.length === 0) throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
  if (Buffer.byteLength(body) > MAX_MESSAGE_BYTES) {
    throw invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`);
  }
  return { body, delaySeconds: input.DelaySeconds === undefined ? undefined : intIn(input.DelaySeconds, 0, 900, 'DelaySeconds') };
}

type BatchEntry = Input & { Id: string };

function checkBatch(entries: unknown): BatchEntry[] {
  if (!Array.isArray(entries) || entries.length === 0) throw new SqsError('EmptyBatchRequest', 'There should be at least one entry in the request.');
  if (entries.length > MAX_BATCH) throw new SqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${MAX_BATCH}.`);
  const ids = entries.map((e: Input) => String(e.Id));
  if (new Set(ids).size !== ids.length) throw new SqsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
  return entries as BatchEntry[];
}

/** Runs each entry on its own: a bad receipt handle fails its entry, not the call. */
function batchEach(entries: BatchEntry[], run: (entry: BatchEntry) => void) {
  const Successful: object[] = [];
  const Failed: object[] = [];
  for (const entry of entries) {
    try {
      run(entry);
      Successful.push({ Id: entry.Id });
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      Failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
    }
  }
  return { Successful, Failed };
}

function intIn(value: unknown, min: number, max: number, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw invalidParameter(`Value ${String(value)} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}.`);
  }
  return n;
}

const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
