import { ConflictError, NotFoundError, PressroomError } from '../errors';

/**
 * The mail provider refused the send for now (its rate) and sent nothing: release the
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
 * The provider's daily sending quota is used up (SES: "Daily message quota exceeded"): nothing was
 * sent, and nothing will be until the quota frees, hours rather than milliseconds away. Not a rate
 * throttle: slowing down cannot help, so the send pauses until then instead (see
 * delivery/README.md, "Daily quota").
 *
 * @example
 * if (error instanceof MailerQuotaExceededError) await pauseSend(releaseId, deps, { by: PausedBy.Quota, resumeAt });
 */
export class MailerQuotaExceededError extends PressroomError {
  constructor(message = "Mail provider's daily sending quota is used up; nothing was sent", options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailerQuotaExceededError';
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

/**
 * Another planner of the same release holds the plan's lease or moved its checkpoint first (a
 * duplicated fan-out job): this one stops, and its job is retried later, when it finds the plan
 * further on or finished.
 *
 * @example
 * if (!(await plans.checkpoint(plan, next))) throw new PlanningConflictError(plan.releaseId);
 */
export class PlanningConflictError extends PressroomError {
  constructor(
    readonly releaseId: string,
    options?: { cause?: unknown },
  ) {
    super(`Another planner is planning the fan-out of release ${releaseId}; this one stopped`, options);
    this.name = 'PlanningConflictError';
  }
}

/**
 * A queue name that has no dead-letter queue here (the edge answers 404).
 *
 * @example
 * if (!queues.names().includes(queue)) throw new UnknownQueueError(queue);
 */
export class UnknownQueueError extends NotFoundError {
  constructor(readonly queue: string) {
    super(`No dead-letter queue for a queue named "${queue}"`);
    this.name = 'UnknownQueueError';
  }
}

/** A queue message whose body is not the job its consumer takes: retrying cannot help, so it dead-letters. */
export class MalformedJobError extends PressroomError {
  constructor(messageId: string, reason: string) {
    super(`Message ${messageId} is not a valid job: ${reason}`);
    this.name = 'MalformedJobError';
  }
}

/**
 * Staff asked for a send move that its current status does not allow (e.g. resuming a send that is
 * not paused, cancelling one that already finished): 409 at the edge.
 *
 * @example
 * if (!isAllowed('resume', release.sendStatus)) throw new SendTransitionError(release.id, 'resume', release.sendStatus);
 */
export class SendTransitionError extends ConflictError {
  constructor(
    readonly releaseId: string,
    readonly command: string,
    readonly status: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot ${command} the send of release ${releaseId}: it is ${status}`, { status }, options);
    this.name = 'SendTransitionError';
  }
}

/**
 * A redelivered mail event whose report another batch recorded and has not counted yet: that batch
 * may still be running, so this copy fails and comes back later (SQS), when the count is either in
 * or known lost (see `handleMailEvents`).
 *
 * @example
 * if (now - reportedAt < graceMs) throw new MailEventBusyError(releaseId, subscriberId);
 */
export class MailEventBusyError extends PressroomError {
  constructor(
    readonly releaseId: string,
    readonly subscriberId: string,
  ) {
    super(`A report about release ${releaseId} for subscriber ${subscriberId} is being counted by another worker`);
    this.name = 'MailEventBusyError';
  }
}
