/**
 * How many send workers a sending rate needs, and how many it can use. The send worker takes SQS
 * batches of {@link BATCH_SIZE} (B); each message of a batch goes out at its own rate slot, and the
 * workers share one pacer, so more workers never exceed the rate: they keep its slots filled.
 *
 * A worker alone cannot fill them: each batch also spends time outside its slots (the poll and
 * delete, the status read and claims before it reserves, the last SES answer and the count write
 * after), {@link SEND_BATCH_OVERHEAD_MS} on AWS. One worker then sends B messages per
 * B / rate + T seconds, so N workers reach the rate when N · B / (B / rate + T) ≥ rate:
 *
 *     N ≥ 1 + rate · T / B        (2 at 14/s, 4 at 100/s, 7 at 200/s)
 *
 * Past N ≈ rate · W / B, W being the time an invocation may book slots (its timeout less the
 * engine's deadline margin), the pacer is booked a whole invocation ahead: a batch then fits only
 * part of itself before its deadline and requeues the rest (delivery/README.md, "Deadline"), so
 * the extra workers mostly poll and requeue.
 */
import { SEND_DEADLINE_MARGIN_MS } from '../functions/domain/delivery/send-email';
import { timeoutSecondsOf } from '../functions/runtime/function-specs';
import { BATCH_SIZE } from './messaging';

/**
 * A batch's time outside its rate slots on AWS, ms: an SQS hand-over and delete, a few
 * single-digit-ms DynamoDB calls before and after, and the last SES round trip (50–100 ms), with
 * room for a cold worker. The figure behind infra/README.md's advice (2 workers for tens per second,
 * 4 from ~100/s).
 */
export const SEND_BATCH_OVERHEAD_MS = 300;

/** The event source's lower limit on maximum concurrency. */
const MIN_EVENT_SOURCE_CONCURRENCY = 2;

/**
 * The fewest send workers that can keep up with `rate` messages per second.
 *
 * @example
 * minSendConcurrency(100) // 4
 */
export function minSendConcurrency(rate: number): number {
  return Math.max(MIN_EVENT_SOURCE_CONCURRENCY, Math.ceil(1 + (rate * SEND_BATCH_OVERHEAD_MS) / (BATCH_SIZE * 1000)));
}

/**
 * The most send workers `rate` keeps busy: beyond it the pacer is booked further ahead than one
 * invocation can wait.
 *
 * @example
 * maxUsefulSendConcurrency(14) // 40 with a 30 s timeout
 */
export function maxUsefulSendConcurrency(rate: number, timeoutSeconds = timeoutSecondsOf('send-email')): number {
  const bookableMs = timeoutSeconds * 1000 - SEND_DEADLINE_MARGIN_MS;
  return Math.max(MIN_EVENT_SOURCE_CONCURRENCY, Math.floor((rate * bookableMs) / (BATCH_SIZE * 1000)));
}
