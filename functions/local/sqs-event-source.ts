import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-context';
import { consoleLogger, type LocalLogger } from './local-logger';
import type { SqsLambdaHandler } from './sqs-lambda';
import { runAsFunction } from './aws-call-recorder';
import { invokeBatch } from './sqs-lambda';

export interface SqsEventSourceOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  /** The function's name in the fake Lambda context. */
  functionName: string;
  handler: SqsLambdaHandler;
  /** The deadline the handler's context reports; the queue's visibility timeout, as on AWS. */
  functionTimeoutMs: number;
  /** Messages per invocation. Default 10, the SQS event source default. */
  batchSize?: number;
  /** Batches in flight at once, like the event source's maximum concurrency. Default 2. */
  maxConcurrency?: number;
  /** ReceiveMessage long-poll wait. Default 20, as Lambda's pollers use. */
  waitTimeSeconds?: number;
  logger?: LocalLogger;
}


/**
 * Lambda's SQS event source on one machine: pollers that long-poll a queue through the real
 * `SQSClient`, invoke the handler with an `SQSEvent` and a fake context, and delete what succeeded
 * (DeleteMessageBatch). Failed records (`batchItemFailures`, or all of them when the handler throws)
 * are left alone and come back after the visibility timeout; the queue's redrive policy does the rest.
 * One poller per unit of concurrency keeps at most `maxConcurrency` batches running.
 *
 * @example
 * const source = new SqsEventSource({ client, queueUrl, queueArn, functionName: 'send-email', handler, functionTimeoutMs: 30_000 });
 * source.start();
 * await source.stop();
 */
export class SqsEventSource {
  readonly #options: Required<Omit<SqsEventSourceOptions, 'logger'>>;
  readonly #logger: LocalLogger;
  readonly #pollers = new Set<Promise<void>>();
  #abort?: AbortController;
  #running = 0;

  constructor(options: SqsEventSourceOptions) {
    this.#options = {
      ...options,
      batchSize: options.batchSize ?? 10,
      maxConcurrency: options.maxConcurrency ?? 2,
      waitTimeSeconds: options.waitTimeSeconds ?? 20,
    };
    this.#logger = options.logger ?? consoleLogger(`event-source:${options.functionName}`);
  }

  /** Handler invocations running now. */
  get runningBatches(): number {
    return this.#running;
  }

  get started(): boolean {
    return this.#abort !== undefined;
  }

  /** Starts the pollers. Calling it twice is harmless. */
  start(): void {
    if (this.#abort) return;
    const abort = new AbortController();
    this.#abort = abort;
    for (let i = 0; i < this.#options.maxConcurrency; i++) {
      // On AWS the event source mapping polls with the function's own role: record its calls as the function's.
      const poller = runAsFunction(this.#options.functionName, () => this.#poll(abort.signal)).finally(() => this.#pollers.delete(poller));
      this.#pollers.add(poller);
    }
  }

  /** Stops polling and waits for running invocations to finish; their deletes still happen. */
  async stop(): Promise<void> {
    this.#abort?.abort();
    this.#abort = undefined;
    while (this.#pollers.size > 0) await Promise.allSettled([...this.#pollers]);
  }

  async #poll(signal: AbortSignal): Promise<void> {
    const { client, queueUrl, batchSize, waitTimeSeconds } = this.#options;
    let failures = 0;
    while (!signal.aborted) {
      let messages: Message[];
      try {
        const received = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: waitTimeSeconds,
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: signal },
        );
        messages = received.Messages ?? [];
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        // The endpoint restarting or gone: back off rather than spin.
        this.#logger.warn('ReceiveMessage failed; polling again shortly', { error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** failures++)));
        continue;
      }
      if (messages.length === 0) continue;
      this.#running++;
      try {
        await this.#invoke(messages.map((m) => this.#toRecord(m)));
      } finally {
        this.#running--;
      }
    }
  }

  async #invoke(records: SQSRecord[]): Promise<void> {
    const { functionName, functionTimeoutMs, handler, client, queueUrl } = this.#options;
    const outcome = await invokeBatch(handler, records, { functionName, timeoutMs: functionTimeoutMs }, this.#logger);
    if (!outcome.ok) return;
    const done = records.filter((r) => !outcome.failedIds.has(r.messageId));
    if (done.length === 0) return;
    try {
      const result = await client.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }),
      );
      if (result.Failed?.length) this.#logger.warn('some deletes failed; those messages will be delivered again', { failed: result.Failed });
    } catch (error) {
      // At-least-once: the messages come back after the visibility timeout and the handlers cope.
      this.#logger.error('DeleteMessageBatch failed; the batch will be delivered again', { error: String(error) });
    }
  }


  #toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? '',
        SenderId: attributes.SenderId ?? LOCAL_ACCOUNT,
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.#options.queueArn,
      awsRegion: LOCAL_REGION,
    };
  }
}
