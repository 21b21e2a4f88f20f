/**
 * Ports every feature uses: time, queues and rate limits. Each feature declares the ports it owns
 * beside itself (release/ports.ts, subscriber/ports.ts, lists/ports.ts, delivery/ports.ts,
 * social/ports.ts); adapters implement them and the domain sees only these interfaces, handed in
 * as arguments.
 */

export interface Clock {
  now(): Date;
}

export interface RateLimiter {
  /** Counts one event for `key`; false when `limit` events already happened in the current window. */
  consume(key: string, limit: number, windowMs: number, now: Date): Promise<boolean>;
}

export interface JobQueue<T> {
  /** Enqueues each job as one message; `delaySeconds` (0–900, as SQS allows) hides them that long first. */
  send(jobs: T[], options?: { delaySeconds?: number }): Promise<void>;
}
