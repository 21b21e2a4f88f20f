import type { DeadLetterQueues } from '../domain/ports';
import { UnknownQueueError } from '../domain/delivery/errors';
import type { LocalQueue } from './local-queue';

/**
 * The dead-letter lists of the local queues behind the same port as SQS's DLQs. Redrive is
 * immediate here (SQS's move task takes a few seconds), so it answers how many messages moved.
 */
export class LocalDeadLetterQueues implements DeadLetterQueues {
  constructor(private readonly queues: ReadonlyMap<string, LocalQueue<unknown>>) {}

  names(): readonly string[] {
    return [...this.queues.keys()];
  }

  private queue(name: string): LocalQueue<unknown> {
    const queue = this.queues.get(name);
    if (!queue) throw new UnknownQueueError(name);
    return queue;
  }

  async depth(queue: string): Promise<number> {
    return this.queue(queue).deadLetters().length;
  }

  async redrive(queue: string): Promise<{ moved: number }> {
    return { moved: this.queue(queue).redrive() };
  }
}
