import type { DeadLetterQueues, ReleaseStatsStore } from './ports';
import { UnknownQueueError } from './errors';

export interface DeadLetterDepth {
  /** The work queue (routes.ts name) whose dead-letter queue this is. */
  queue: string;
  /** Messages waiting in its dead-letter queue. */
  deadLetters: number;
}

/**
 * How many messages each work queue's dead-letter queue holds, in routes.ts order.
 *
 * @example
 * const queues = await deadLetterDepths({ deadLetterQueues }); // [{ queue: 'send', deadLetters: 2 }, …]
 */
export async function deadLetterDepths(deps: { deadLetterQueues: DeadLetterQueues }): Promise<DeadLetterDepth[]> {
  return Promise.all(deps.deadLetterQueues.names().map(async (queue) => ({ queue, deadLetters: await deps.deadLetterQueues.depth(queue) })));
}

/**
 * Sends a dead-letter queue's messages back to their work queue, once the cause is fixed. Safe to
 * repeat: every consumer is idempotent (a send job that already went out finds its delivery done).
 *
 * @throws UnknownQueueError when `queue` has no dead-letter queue.
 * @example
 * await redriveDeadLetters('send', { deadLetterQueues }); // { queue: 'send', moved: 3 }
 */
export async function redriveDeadLetters(queue: string, deps: { deadLetterQueues: DeadLetterQueues }) {
  if (!deps.deadLetterQueues.names().includes(queue)) throw new UnknownQueueError(queue);
  return { queue, ...(await deps.deadLetterQueues.redrive(queue)) };
}

/**
 * Whether a failure now sends the message to the DLQ: SQS moves it on the receive after the last
 * allowed one, so a message that fails on receive number `maxReceiveCount` never comes back.
 */
export function isLastReceive(receiveCount: number, maxReceiveCount: number): boolean {
  return Number.isFinite(receiveCount) && receiveCount >= maxReceiveCount;
}

/**
 * Counts send jobs that are about to be dead-lettered against their release (`deadLettered`), so a
 * send's status shows them; jobs that name no release (a malformed body) are left to the DLQ alarm.
 *
 * @example
 * await countDeadLetters(['spring-update', undefined], { releaseStats }); // spring-update: deadLettered +1
 */
export async function countDeadLetters(releaseIds: (string | undefined)[], deps: { releaseStats: ReleaseStatsStore }): Promise<void> {
  const perRelease = new Map<string, number>();
  for (const id of releaseIds) if (id) perRelease.set(id, (perRelease.get(id) ?? 0) + 1);
  for (const [releaseId, deadLettered] of perRelease) await deps.releaseStats.increment(releaseId, { deadLettered });
}
