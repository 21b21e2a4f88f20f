import type { JobQueue } from '../../domain/ports';
import type { WebhookEvent } from '../../domain/webhooks/event';
import type { EventPublisher, WebhookJob } from '../../domain/webhooks/ports';

/**
 * Publishes an event as one message on the webhooks queue; deliver-webhooks finds the endpoints
 * that want it. One SendMessage is all the emitting action pays, whatever the number of endpoints.
 */
export class QueueEventPublisher implements EventPublisher {
  constructor(
    private readonly queue: JobQueue<WebhookJob>,
    private readonly onError: (event: WebhookEvent, error: unknown) => void,
  ) {}

  async publish(event: WebhookEvent): Promise<void> {
    try {
      await this.queue.send([{ kind: 'event', event }]);
    } catch (error) {
      // Logged, not thrown: the reader's confirmation or the finished send already happened, and
      // failing it now (or retrying it) for a lost notification would be worse than the loss.
      this.onError(event, error);
    }
  }
}
