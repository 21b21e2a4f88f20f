import { PressroomError } from '../errors';

/**
 * This recipient's address can never be written into a message (not printable ASCII, or holding CR
 * or LF), so no retry can send to it. Addresses are checked for this when they are accepted
 * (`normaliseEmail`); one stored before that check gets here. The send worker ends the delivery
 * `failed` with this message, and a confirmation email ends `unsendable`, instead of throwing on
 * every receive until the job dead-letters.
 *
 * @example
 * if (error instanceof UnsendableRecipientError) await deliveries.markFailed(releaseId, subscriberId, error.message, now);
 */
export class UnsendableRecipientError extends PressroomError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`The recipient's address cannot be sent to: ${reason}`, options);
    this.name = 'UnsendableRecipientError';
  }
}
