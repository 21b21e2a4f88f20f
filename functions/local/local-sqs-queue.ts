import type { JobQueue } from '../domain/ports';
import type { SqsQueue } from '../adapters/sqs/sqs-queue';
import type { DeadLetter, LocalQueueStats } from './local-queue';
import type { SqsEventSource } from './sqs-event-source';
import type { StoredQueue } from './sqs-store';

export interface LocalSqsQueueParts<T> {
  name: string;
  /** The same adapter the handlers enqueue through. */
  sender: SqsQueue<T>;
  source: SqsEventSource;
  /** The local endpoint's queue and dead-letter queue, read directly for stats (never by handlers). */
  stored: StoredQueue;
  deadLetterQueue: StoredQueue;
}

/**
 * One local queue as tests, benchmarks and `/local/queues` see it: send through SQS, start and stop
 * its event source, wait for it to drain, and read its counts and dead letters. The handlers never
 * get this object; they hold `SqsQueue` adapters over the local SQS endpoint, as on AWS.
 */
export class LocalSqsQueue<T> implements JobQueue<T> {
  readonly name: string;
  readonly #parts: LocalSqsQueueParts<T>;

  constructor(parts: LocalSqsQueueParts<T>) {
    this.name = parts.name;
    this.#parts = parts;
  }

  get arn(): string {
    return this.#parts.stored.arn;
  }

  get url(): string {
    return this.#parts.stored.url;
  }

  /** Enqueues each job as one JSON message through SendMessageBatch. */
  send(jobs: T[], options?: { delaySeconds?: number }): Promise<void> {
    return this.#parts.sender.send(jobs, options);
  }

  /** Starts the event source's pollers. */
  start(): void {
    this.#parts.source.start();
  }

  /** Stops polling and waits for the running invocations; messages stay queued (and on disk). */
  stop(): Promise<void> {
    return this.#parts.source.stop();
  }

  /**
   * Resolves once every message was either deleted or dead-lettered and no invocation is running.
   * Rejects after `timeoutMs` (default 10 000), naming the messages that are left.
   */
  async drain(timeoutMs = 10_000): Promise<void> {
    const { stored, source } = this.#parts;
    const deadline = Date.now() + timeoutMs;
    while (stored.size > 0 || source.runningBatches > 0) {
      if (!source.started && source.runningBatches === 0) {
        throw new Error(`queue ${this.name}: cannot drain a stopped queue; ${this.#describeLeft()}`);
      }
      if (Date.now() >= deadline) throw new Error(`queue ${this.name}: drain timed out after ${timeoutMs} ms; ${this.#describeLeft()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  stats(): LocalQueueStats {
    const { stored, deadLetterQueue, source } = this.#parts;
    const counts = stored.counts();
    return {
      visible: counts.visible,
      // Delayed messages count as in flight, as they did before the queues spoke SQS: not yet receivable.
      inFlight: counts.notVisible + counts.delayed,
      deadLetters: deadLetterQueue.size,
      delivered: stored.deleted,
      runningBatches: source.runningBatches,
    };
  }

  deadLetters(): DeadLetter<T>[] {
    return this.#parts.deadLetterQueue.peek().map((m) => ({
      messageId: m.id,
      body: parseBody(m.body) as T,
      receiveCount: m.receiveCount,
      sentAt: new Date(m.sentAt),
      deadLetteredAt: new Date(m.deadLetteredAt ?? m.sentAt),
    }));
  }

  #describeLeft(): string {
    const now = Date.now();
    const left = this.#parts.stored.peek();
    const shown = left
      .slice(0, 10)
      .map((m) => `${m.id} (${m.visibleAt <= now ? 'visible' : 'in flight'}, received ${m.receiveCount}x): ${m.body.slice(0, 80)}`);
    const more = left.length > shown.length ? `; and ${left.length - shown.length} more` : '';
    return `${left.length} message(s) left, ${this.#parts.source.runningBatches} invocation(s) running${shown.length ? `: ${shown.join('; ')}` : ''}${more}`;
  }
}

/** Bodies are JSON when our adapters sent them; anything else is shown as the raw text. */
function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
