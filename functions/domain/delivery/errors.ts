import { PressroomError } from '../errors';

/**
 * The mail provider refused the send for now (rate or daily quota) and sent nothing: release the
 * claim and retry later.
 *
 * @example
 * if (error instanceof MailerThrottledError) await deliveries.releaseClaim(releaseId, subscriberId);
 */
export class MailerThrottledError extends PressroomError {
  constructor(message = 'Mail provider throttled the send; nothing was sent', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailerThrottledError';
  }
}

/**
 * The mail provider rejected this message for good (bad content, unverified sender, missing
 * configuration): retrying the same message cannot succeed.
 *
 * @example
 * if (error instanceof MailerRejectedError) await deliveries.markFailed(releaseId, subscriberId, error.message, now);
 */
export class MailerRejectedError extends PressroomError {
  constructor(message = 'Mail provider rejected the message', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailerRejectedError';
  }
}

/**
 * Another worker holds a live claim on this delivery: nothing was sent here; let the queue retry
 * after the claim's lease so the delivery is neither lost nor sent twice.
 *
 * @example
 * if (claim === 'busy') throw new DeliveryBusyError(release.id, subscriber.id);
 */
export class DeliveryBusyError extends PressroomError {
  constructor(
    readonly releaseId: string,
    readonly subscriberId: string,
    options?: { cause?: unknown },
  ) {
    super(`Delivery of release ${releaseId} to subscriber ${subscriberId} is claimed by another worker`, options);
    this.name = 'DeliveryBusyError';
  }
}
