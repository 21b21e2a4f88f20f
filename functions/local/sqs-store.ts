import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { invalidParameter, receiptHandleIsInvalid } from './sqs-errors';
import { QueueJournal, type JournalEntry, type JournalMessage } from './sqs-journal';
import type { LocalLogger } from './local-logger';

/** A message as the store keeps it: the journal's fields plus what only lives in memory. */
export interface StoredMessage extends JournalMessage {
  md5OfBody: string;
  /** Handle of the latest receive; a delete only counts when it carries this one, as in SQS. */
  receiptHandle?: string;
}

export interface StoredQueueOptions {
  name: string;
  url: string;
  arn: string;
  /** The queue's default visibility timeout; milliseconds so tests can use short ones. */
  visibilityTimeoutMs: number;
  /** SQS's redrive policy: the receive after `maxReceiveCount` moves the message to `deadLetterQueue`. */
  redrive?: { deadLetterQueue: StoredQueue; maxReceiveCount: number };
  /** Where the queue's journal lives; in memory only when absent. */
  journalPath?: string;
  logger: LocalLogger;
}

export interface QueueCounts {
  /** Ready to be received (ApproximateNumberOfMessages). */
  visible: number;
  /** Received and neither deleted nor back yet (ApproximateNumberOfMessagesNotVisible). */
  notVisible: number;
  /** Sent with a delay that has not passed (ApproximateNumberOfMessagesDelayed). */
  delayed: number;
}

export type DeleteOutcome = 'deleted' | 'stale' | 'gone';

/** SQS's MD5OfMessageBody: the hex MD5 of the body's UTF-8 bytes, which the SDK checks on every send and receive. */
export const md5Hex = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * One SQS standard queue's messages, in memory with an optional journal behind them. It applies the
 * rules the endpoint promises: visibility timeouts, receipt handles that go stale on the next
 * receive, DelaySeconds, and the redrive policy (checked on receive, as SQS does). Every method that
 * changes messages writes its journal entries before it returns.
 */
export class StoredQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly visibilityTimeoutMs: number;
  readonly redrive?: StoredQueueOptions['redrive'];
  /** Insertion order doubles as best-effort FIFO, like a standard queue on a quiet day. */
  readonly #messages = new Map<string, StoredMessage>();
  readonly #journal?: QueueJournal;
  readonly #logger: LocalLogger;
  readonly #waiters = new Set<() => void>();
  /** Messages deleted by a current receipt handle since the store was opened. */
  deleted = 0;

  constructor(options: StoredQueueOptions) {
    this.name = options.name;
    this.url = options.url;
    this.arn = options.arn;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs;
    this.redrive = options.redrive;
    this.#logger = options.logger;
    if (!options.journalPath) return;
    const { journal, messages } = QueueJournal.open(options.journalPath);
    this.#journal = journal;
    const now = Date.now();
    for (const message of messages) {
      // Whoever held a received message died with the process that held it: it is visible again
      // at once rather than after its timeout. A delayed message (never received) keeps its delay.
      const visibleAt = message.receiveCount > 0 ? Math.min(message.visibleAt, now) : message.visibleAt;
      this.#messages.set(message.id, { ...message, visibleAt, md5OfBody: md5Hex(message.body) });
    }
  }

  /** Enqueues each body; `delaySeconds` (0–900) keeps it invisible that long first. */
  send(entries: { body: string; delaySeconds?: number }[], now = Date.now()): StoredMessage[] {
    const messages = entries.map(({ body, delaySeconds = 0 }) => ({
      id: randomUUID(),
      body,
      md5OfBody: md5Hex(body),
      sentAt: now,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
    }));
    this.#insert(messages);
    return messages;
  }

  /**
   * Takes up to `max` visible messages and hides them for `visibilityMs`, as ReceiveMessage does.
   * A message already received `maxReceiveCount` times goes to the dead-letter queue instead.
   */
  receive(max: number, visibilityMs = this.visibilityTimeoutMs, now = Date.now()): StoredMessage[] {
    const received: StoredMessage[] = [];
    const deadLettered: StoredMessage[] = [];
    for (const message of this.#messages.values()) {
      if (received.length >= max) break;
      if (message.visibleAt > now) continue;
      if (this.redrive && message.receiveCount >= this.redrive.maxReceiveCount) {
        deadLettered.push(message);
        continue;
      }
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.receiptHandle = randomBytes(18).toString('base64url') + '.' + Buffer.from(message.id).toString('base64url');
      message.visibleAt = now + visibilityMs;
      received.push(message);
    }
    if (deadLettered.length > 0) this.#deadLetter(deadLettered, now);
    this.#journal?.append(
      received.map((m) => ({ o: 'receive', id: m.id, rc: m.receiveCount, v: m.visibleAt, fr: m.firstReceivedAt! }) as const),
    );
    return received;
  }

  /**
   * Deletes by receipt handle. A handle from an earlier receive of a message that was received again
   * since is `stale`: SQS answers success but keeps the message, and so does this store.
   */
  delete(handles: string[]): DeleteOutcome[] {
    const entries: JournalEntry[] = [];
    const outcomes = handles.map((handle): DeleteOutcome => {
      const message = this.#messages.get(messageIdOf(handle));
      if (!message) return 'gone';
      if (message.receiptHandle !== handle) {
        this.#logger.warn('stale receipt handle: the message was received again before this delete', { queue: this.name, messageId: message.id });
        return 'stale';
      }
      this.#messages.delete(message.id);
      entries.push({ o: 'delete', id: message.id });
      this.deleted++;
      return 'deleted';
    });
    this.#journal?.append(entries);
    return outcomes;
  }

  /** Sets how long from now a received message stays hidden (0 makes it visible at once). */
  changeVisibility(changes: { handle: string; seconds: number }[], now = Date.now()): void {
    const entries: JournalEntry[] = [];
    for (const { handle, seconds } of changes) {
      const message = this.#messages.get(messageIdOf(handle));
      if (!message || message.receiptHandle !== handle) throw invalidParameter(`Value ${handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`);
      message.visibleAt = now + seconds * 1000;
      entries.push({ o: 'visibility', id: message.id, v: message.visibleAt });
    }
    this.#journal?.append(entries);
    this.#notify();
  }

  purge(): void {
    this.#messages.clear();
    this.#journal?.append([{ o: 'purge' }]);
  }

  /**
   * Moves every message to `destination`, or, without one, back to the queue each came from (a
   * dead letter remembers it). Receive counts start again. Returns how many moved.
   */
  moveAll(resolve: (message: StoredMessage) => StoredQueue, now = Date.now()): number {
    const moving = [...this.#messages.values()];
    const byTarget = new Map<StoredQueue, StoredMessage[]>();
    for (const message of moving) {
      const target = resolve(message);
      byTarget.set(target, [...(byTarget.get(target) ?? []), message]);
    }
    // Written to the destination before deleted here: a crash in between duplicates, never loses.
    for (const [target, messages] of byTarget) {
      target.#insert(messages.map((m) => ({ id: m.id, body: m.body, md5OfBody: m.md5OfBody, sentAt: m.sentAt, visibleAt: now, receiveCount: 0 })));
    }
    this.#remove(moving);
    return moving.length;
  }

  counts(now = Date.now()): QueueCounts {
    const counts: QueueCounts = { visible: 0, notVisible: 0, delayed: 0 };
    for (const message of this.#messages.values()) {
      if (message.visibleAt <= now) counts.visible++;
      else if (message.receiveCount === 0) counts.delayed++;
      else counts.notVisible++;
    }
    return counts;
  }

  /** Every message, oldest first; for local inspection (dead letters, drain reports). */
  peek(): readonly StoredMessage[] {
    return [...this.#messages.values()];
  }

  get size(): number {
    return this.#messages.size;
  }

  /**
   * Resolves when a message may have become receivable: something was sent or made visible, the
   * earliest hidden message's time came, or `timeoutMs` passed. Long polling waits on this.
   */
  async waitForMessages(timeoutMs: number, now = Date.now()): Promise<void> {
    let nextVisible = Infinity;
    for (const message of this.#messages.values()) nextVisible = Math.min(nextVisible, message.visibleAt);
    const waitMs = Math.max(0, Math.min(timeoutMs, nextVisible - now));
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.#waiters.add(done);
    });
  }

  /** Wakes every long poll (the endpoint closing) and closes the journal. */
  close(): void {
    this.#notify();
    this.#journal?.close();
  }

  #insert(messages: StoredMessage[]): void {
    for (const message of messages) this.#messages.set(message.id, message);
    this.#journal?.append(messages.map(({ md5OfBody: _md5, receiptHandle: _handle, ...m }) => ({ o: 'send', m }) as const));
    this.#notify();
  }

  #remove(messages: StoredMessage[]): void {
    for (const message of messages) this.#messages.delete(message.id);
    this.#journal?.append(messages.map((m) => ({ o: 'delete', id: m.id }) as const));
  }

  #deadLetter(messages: StoredMessage[], now: number): void {
    const target = this.redrive!.deadLetterQueue;
    target.#insert(messages.map((m) => ({ ...m, receiptHandle: undefined, visibleAt: now, sourceArn: this.arn, deadLetteredAt: now })));
    this.#remove(messages);
    for (const message of messages) {
      this.#logger.warn('moved message to the dead-letter queue', { queue: this.name, messageId: message.id, receiveCount: message.receiveCount });
    }
  }

  #notify(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}

/** Receipt handles end with the message id, so a delete finds its message without a scan. */
function messageIdOf(handle: string): string {
  const encoded = handle.split('.')[1];
  const id = encoded ? Buffer.from(encoded, 'base64url').toString('utf8') : '';
  if (!/^[0-9a-f-]{36}$/.test(id)) throw receiptHandleIsInvalid(handle);
  return id;
}
