import { randomBytes, randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import type { JobQueue } from '../domain/ports';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-context';
import { consoleLogger, type LocalLogger } from './local-logger';
import { invokeBatch, type SqsLambdaHandler } from './sqs-lambda';
import { md5Hex } from './sqs-store';

export type { LocalLogger } from './local-logger';


/** A message that ran out of receives, as the dead-letter list keeps it. */
export interface DeadLetter<T> {
  messageId: string;
  body: T;
  receiveCount: number;
  sentAt: Date;
  deadLetteredAt: Date;
}

export interface LocalQueueOptions<T> {
  name: string;
  handler: SqsLambdaHandler;
  /** How long a received message stays invisible; also the deadline the handler's context reports. */
  visibilityTimeoutMs: number;
  /** Receives allowed before the next receive moves the message to the dead-letter list (redrive policy). */
  maxReceiveCount: number;
  /** Messages per handler invocation. Default 10, the SQS event source default. */
  batchSize?: number;
  /** Batches in flight at once, like the event source's maximum concurrency. Default 2. */
  maxConcurrency?: number;
  pollIntervalMs?: number;
  onDeadLetter?: (message: DeadLetter<T>) => void;
  logger?: LocalLogger;
}

export interface LocalQueueStats {
  /** Messages waiting to be received. */
  visible: number;
  /** Received and not yet deleted: being handled, or waiting out the visibility timeout before a retry. */
  inFlight: number;
  deadLetters: number;
  /** Messages handled successfully and deleted since the queue was created. */
  delivered: number;
  /** Handler invocations running now. */
  runningBatches: number;
}

interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  sentAt: number;
  firstReceivedAt?: number;
  receiveCount: number;
  visibleAt: number;
  /** Handle of the latest receive; a delete only counts when it carries this one, as in SQS. */
  receiptHandle?: string;
  deadLetteredAt?: number;
}


/**
 * An in-process SQS queue with a Lambda event source polling it, for running the real SQS handlers
 * on one machine. It follows the SQS and event-source rules the handlers must cope with on AWS:
 * at-least-once delivery, a visibility timeout after which unfinished messages come back (even while
 * the first invocation is still running), partial batch failures via `batchItemFailures`, and a
 * dead-letter list after `maxReceiveCount` receives.
 *
 * Messages live in memory only. The local runner no longer uses it (its handlers talk to the local
 * SQS endpoint, sqs-server.ts, through the same adapters as on AWS, and its queues persist); the
 * engine benchmark (bench/engine-send.ts) keeps it to measure the send engine without HTTP between.
 *
 * @example
 * const queue = new LocalQueue<SendJob>({ name: 'send', handler, visibilityTimeoutMs: 30_000, maxReceiveCount: 5 });
 * queue.start();
 * await queue.send([{ releaseId, subscriberId, listId }]);
 * await queue.drain();
 * await queue.stop();
 */
export class LocalQueue<T> implements JobQueue<T> {
  readonly name: string;
  readonly arn: string;
  readonly #handler: SqsLambdaHandler;
  readonly #visibilityTimeoutMs: number;
  readonly #maxReceiveCount: number;
  readonly #batchSize: number;
  readonly #maxConcurrency: number;
  readonly #pollIntervalMs: number;
  readonly #onDeadLetter?: (message: DeadLetter<T>) => void;
  readonly #logger: LocalLogger;
  /** Insertion order doubles as best-effort FIFO, like a standard queue on a quiet day. */
  readonly #messages = new Map<string, StoredMessage>();
  readonly #deadLetters: StoredMessage[] = [];
  readonly #running = new Set<Promise<void>>();
  #delivered = 0;
  #timer?: NodeJS.Timeout;

  constructor(options: LocalQueueOptions<T>) {
    this.name = options.name;
    this.arn = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${options.name}`;
    this.#handler = options.handler;
    this.#visibilityTimeoutMs = options.visibilityTimeoutMs;
    this.#maxReceiveCount = options.maxReceiveCount;
    this.#batchSize = options.batchSize ?? 10;
    this.#maxConcurrency = options.maxConcurrency ?? 2;
    this.#pollIntervalMs = options.pollIntervalMs ?? 50;
    this.#onDeadLetter = options.onDeadLetter;
    this.#logger = options.logger ?? consoleLogger(`queue:${options.name}`);
  }

  /**
   * Enqueues each body as one message, JSON-encoded as the SQS adapter does. `delaySeconds` keeps
   * the messages invisible that long first (SQS DelaySeconds, 0–900).
   */
  async send(bodies: T[], options: { delaySeconds?: number } = {}): Promise<void> {
    const now = Date.now();
    const visibleAt = now + Math.min(900, Math.max(0, options.delaySeconds ?? 0)) * 1000;
    for (const value of bodies) {
      const body = JSON.stringify(value);
      if (typeof body !== 'string') throw new TypeError(`queue ${this.name}: message body must be JSON-serialisable`);
      const messageId = randomUUID();
      this.#messages.set(messageId, {
        messageId,
        body,
        md5OfBody: md5Hex(body),
        sentAt: now,
        receiveCount: 0,
        visibleAt,
      });
    }
    // Poll on the next turn rather than now, so a handler never runs inside the sender's call stack.
    if (this.#timer) setImmediate(() => this.#poll());
  }

  /** Starts the consumer loop. Calling it twice is harmless. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#poll(), this.#pollIntervalMs);
    this.#timer.unref();
    setImmediate(() => this.#poll());
  }

  /** Stops receiving and waits for the running invocations to finish; their results still count. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /**
   * Resolves once every message was either deleted or dead-lettered and no invocation is running.
   * Rejects after `timeoutMs` (default 10 000), naming the messages that are left.
   */
  async drain(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#messages.size > 0 || this.#running.size > 0) {
      if (!this.#timer && this.#running.size === 0) {
        throw new Error(`queue ${this.name}: cannot drain a stopped queue; ${this.#describeLeft()}`);
      }
      if (Date.now() >= deadline) {
        throw new Error(`queue ${this.name}: drain timed out after ${timeoutMs} ms; ${this.#describeLeft()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.#pollIntervalMs, 10)));
    }
  }

  stats(): LocalQueueStats {
    const now = Date.now();
    let visible = 0;
    for (const message of this.#messages.values()) if (message.visibleAt <= now) visible++;
    return {
      visible,
      inFlight: this.#messages.size - visible,
      deadLetters: this.#deadLetters.length,
      delivered: this.#delivered,
      runningBatches: this.#running.size,
    };
  }

  deadLetters(): DeadLetter<T>[] {
    return this.#deadLetters.map((message) => this.#toDeadLetter(message));
  }

  /** Moves every dead letter back to the queue with its receive count reset; returns how many moved. */
  redrive(): number {
    const now = Date.now();
    const moved = this.#deadLetters.splice(0);
    for (const message of moved) {
      this.#messages.set(message.messageId, {
        ...message,
        receiveCount: 0,
        firstReceivedAt: undefined,
        receiptHandle: undefined,
        visibleAt: now,
        deadLetteredAt: undefined,
      });
    }
    if (moved.length > 0) this.#logger.info('redrove dead letters', { count: moved.length });
    return moved.length;
  }

  #poll(): void {
    if (!this.#timer) return;
    while (this.#running.size < this.#maxConcurrency) {
      const batch = this.#receive(Date.now());
      if (batch.length === 0) return;
      const run = this.#invoke(batch).finally(() => {
        this.#running.delete(run);
        this.#poll();
      });
      this.#running.add(run);
    }
  }

  /** Takes up to one batch of visible messages and hides them, as ReceiveMessage does. */
  #receive(now: number): SQSRecord[] {
    const records: SQSRecord[] = [];
    for (const message of this.#messages.values()) {
      if (records.length >= this.#batchSize) break;
      if (message.visibleAt > now) continue;
      // SQS applies the redrive policy on the receive after the last allowed one, which covers both
      // reported failures and invocations that outlived the visibility timeout.
      if (message.receiveCount >= this.#maxReceiveCount) {
        this.#deadLetter(message, now);
        continue;
      }
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.receiptHandle = randomBytes(24).toString('base64url');
      message.visibleAt = now + this.#visibilityTimeoutMs;
      records.push(this.#toRecord(message));
    }
    return records;
  }

  async #invoke(records: SQSRecord[]): Promise<void> {
    const outcome = await invokeBatch(this.#handler, records, { functionName: this.name, timeoutMs: this.#visibilityTimeoutMs }, this.#logger);
    if (!outcome.ok) return;
    for (const record of records) {
      if (outcome.failedIds.has(record.messageId)) continue;
      this.#delete(record);
    }
  }


  #delete(record: SQSRecord): void {
    const message = this.#messages.get(record.messageId);
    if (!message) return;
    // A newer receive owns the message once its visibility timeout lapsed; SQS ignores stale handles.
    if (message.receiptHandle !== record.receiptHandle) {
      this.#logger.warn('stale receipt handle: the message was redelivered before this invocation finished', {
        messageId: record.messageId,
      });
      return;
    }
    this.#messages.delete(record.messageId);
    this.#delivered++;
  }

  #deadLetter(message: StoredMessage, now: number): void {
    this.#messages.delete(message.messageId);
    message.deadLetteredAt = now;
    this.#deadLetters.push(message);
    this.#logger.warn('moved message to the dead-letter list', {
      messageId: message.messageId,
      receiveCount: message.receiveCount,
    });
    try {
      this.#onDeadLetter?.(this.#toDeadLetter(message));
    } catch (error) {
      // The callback is a notification; its failure must not stop the consumer loop.
      this.#logger.error('onDeadLetter callback failed', { messageId: message.messageId, error: String(error) });
    }
  }

  #toDeadLetter(message: StoredMessage): DeadLetter<T> {
    return {
      messageId: message.messageId,
      body: JSON.parse(message.body) as T,
      receiveCount: message.receiveCount,
      sentAt: new Date(message.sentAt),
      deadLetteredAt: new Date(message.deadLetteredAt ?? message.sentAt),
    };
  }

  #toRecord(message: StoredMessage): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: message.receiptHandle!,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: LOCAL_ACCOUNT,
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
      },
      messageAttributes: {},
      md5OfBody: message.md5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: LOCAL_REGION,
    };
  }

  #describeLeft(): string {
    const now = Date.now();
    const left = [...this.#messages.values()];
    const shown = left
      .slice(0, 10)
      .map((m) => `${m.messageId} (${m.visibleAt <= now ? 'visible' : 'in flight'}, received ${m.receiveCount}x): ${m.body.slice(0, 80)}`);
    const more = left.length > shown.length ? `; and ${left.length - shown.length} more` : '';
    return `${left.length} message(s) left, ${this.#running.size} invocation(s) running${shown.length ? `: ${shown.join('; ')}` : ''}${more}`;
  }
}
