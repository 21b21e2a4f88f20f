import { GetQueueAttributesCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import type { DeadLetterQueues } from '../../domain/delivery/ports';
import { UnknownQueueError } from '../../domain/delivery/errors';

/** Where one work queue's DLQ is, and the queue its messages go back to. */
export interface DeadLetterQueueRef {
  /** The work queue's name in routes.ts. */
  queue: string;
  url: string;
  arn: string;
  sourceArn: string;
}

/**
 * The dead-letter queues on Amazon SQS. Depth is `ApproximateNumberOfMessages` from
 * GetQueueAttributes; redrive starts a message move task from the DLQ back to its source queue
 * (asynchronous: SQS moves the messages over the following seconds, one task per queue at a time).
 * The move task needs the caller to hold sqs:StartMessageMoveTask, sqs:ReceiveMessage,
 * sqs:DeleteMessage and sqs:GetQueueAttributes on the DLQ and sqs:SendMessage on the source.
 *
 * @example
 * const dlqs = new SqsDeadLetterQueues(config.deadLetterQueues, new SQSClient({}));
 * await dlqs.redrive('send'); // { taskHandle: '…' }
 */
export class SqsDeadLetterQueues implements DeadLetterQueues {
  private readonly byName: ReadonlyMap<string, DeadLetterQueueRef>;

  constructor(
    queues: DeadLetterQueueRef[],
    private readonly client: SQSClient = new SQSClient({}),
  ) {
    this.byName = new Map(queues.map((q) => [q.queue, q]));
  }

  names(): readonly string[] {
    return [...this.byName.keys()];
  }

  private ref(queue: string): DeadLetterQueueRef {
    const ref = this.byName.get(queue);
    if (!ref) throw new UnknownQueueError(queue);
    return ref;
  }

  async depth(queue: string): Promise<number> {
    const { Attributes } = await this.client.send(
      new GetQueueAttributesCommand({ QueueUrl: this.ref(queue).url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  }

  async redrive(queue: string): Promise<{ taskHandle?: string }> {
    const { arn, sourceArn } = this.ref(queue);
    // The destination is named, not left to SQS's "original source": the IAM grant is scoped to it.
    const { TaskHandle } = await this.client.send(new StartMessageMoveTaskCommand({ SourceArn: arn, DestinationArn: sourceArn }));
    return { taskHandle: TaskHandle };
  }
}
