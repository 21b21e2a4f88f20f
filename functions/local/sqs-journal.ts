import { closeSync, existsSync, fdatasync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** One stored message, as the journal replays it. Times are epoch milliseconds. */
export interface JournalMessage {
  id: string;
  body: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The queue a dead letter came from, for a move task without a destination. */
  sourceArn?: string;
  /** When the redrive policy moved it to the dead-letter queue. */
  deadLetteredAt?: number;
}

/** What changed, one JSON line each. Short keys: the send queue writes a few of these per email. */
export type JournalEntry =
  | { o: 'send'; m: JournalMessage }
  | { o: 'receive'; id: string; rc: number; v: number; fr: number }
  | { o: 'visibility'; id: string; v: number }
  | { o: 'delete'; id: string }
  | { o: 'purge' };

/** How often written entries are flushed to the disk itself (fdatasync), when any were written. */
const SYNC_INTERVAL_MS = 50;

/**
 * An append-only journal of one queue's changes, compacted to one `send` line per live message
 * each time it is opened.
 *
 * Durability: every entry is written (one `write(2)` per API call) before the endpoint answers, so
 * a killed process (`kill -9`) loses nothing it acknowledged: the data is in the kernel's page
 * cache. The flush to disk runs off the event loop at most every 50 ms, so a power cut may lose the
 * last 50 ms; a blocking fsync per call would cost ~1.7 ms each here and cap the local send rate.
 */
export class QueueJournal {
  #fd: number;
  #dirty = false;
  #syncing = false;
  readonly #timer: NodeJS.Timeout;

  private constructor(readonly path: string, fd: number) {
    this.#fd = fd;
    this.#timer = setInterval(() => this.#flush(), SYNC_INTERVAL_MS);
    this.#timer.unref();
  }

  /**
   * Replays the journal at `path` (if any) into the live messages, rewrites it as one line per
   * message (write to a temporary file, fsync, rename: a crash during compaction keeps the old
   * journal), and opens it for appending.
   */
  static open(path: string): { journal: QueueJournal; messages: JournalMessage[] } {
    mkdirSync(dirname(path), { recursive: true });
    const messages = existsSync(path) ? replay(readFileSync(path, 'utf8')) : [];
    const temporary = `${path}.compacting`;
    writeFileSync(temporary, messages.map((m) => JSON.stringify({ o: 'send', m } satisfies JournalEntry) + '\n').join(''));
    const tmpFd = openSync(temporary, 'r+');
    fsyncSync(tmpFd);
    closeSync(tmpFd);
    renameSync(temporary, path);
    return { journal: new QueueJournal(path, openSync(path, 'a')), messages };
  }

  /** Appends the entries of one API call in one write. */
  append(entries: JournalEntry[]): void {
    if (entries.length === 0) return;
    writeSync(this.#fd, entries.map((e) => JSON.stringify(e) + '\n').join(''));
    this.#dirty = true;
  }

  close(): void {
    clearInterval(this.#timer);
    if (this.#fd < 0) return;
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#fd = -1;
  }

  #flush(): void {
    if (!this.#dirty || this.#syncing || this.#fd < 0) return;
    this.#dirty = false;
    this.#syncing = true;
    fdatasync(this.#fd, () => (this.#syncing = false));
  }
}

/** Applies the journal's lines in order. A torn last line (a crash mid-write) is ignored. */
function replay(text: string): JournalMessage[] {
  const messages = new Map<string, JournalMessage>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      continue;
    }
    switch (entry.o) {
      case 'send':
        messages.set(entry.m.id, entry.m);
        break;
      case 'receive': {
        const message = messages.get(entry.id);
        if (message) Object.assign(message, { receiveCount: entry.rc, visibleAt: entry.v, firstReceivedAt: entry.fr });
        break;
      }
      case 'visibility': {
        const message = messages.get(entry.id);
        if (message) message.visibleAt = entry.v;
        break;
      }
      case 'delete':
        messages.delete(entry.id);
        break;
      case 'purge':
        messages.clear();
        break;
    }
  }
  return [...messages.values()];
}
