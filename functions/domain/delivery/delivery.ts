/**
 * One (release, subscriber) delivery: `claimed` while a worker sends it, then `sent`, `failed` or
 * `skipped`. A claim carries a lease so that a worker that died mid-send does not block the
 * delivery forever: once the lease has passed, a redelivered job may claim it again.
 */
export const DeliveryStatus = {
  Claimed: 'claimed',
  Sent: 'sent',
  Failed: 'failed',
  Skipped: 'skipped',
} as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

export interface DeliveryRecord {
  releaseId: string;
  subscriberId: string;
  listId: string;
  /**
   * The list of the send job that claimed or skipped this delivery (the delivering list can differ):
   * tells a redelivery of that job from another list's job for the same recipient.
   */
  jobListId?: string;
  status: DeliveryStatus;
  /** While claimed (an ended delivery has `sentAt` or `endedAt` instead). */
  claimedAt?: string;
  leaseUntil?: string;
  sentAt?: string;
  messageId?: string;
  reason?: string;
  /** When a failed or skipped delivery ended (a sent one has `sentAt`). */
  endedAt?: string;
  /**
   * Set by every ending: counted once the tally receipt of `tally` names this subscriber (the batch
   * that ended it writes it after its counter write), else by the one redelivery that clears the mark
   * (see ending-tally.ts).
   */
  uncounted?: boolean;
  /** The batch tally that counts this ending. */
  tally?: string;
  /** The batch tally that counts each report (see batch-tally.ts); gone once moved to a recount. */
  deliveredTally?: string;
  bouncedTally?: string;
  complainedTally?: string;
  rejectedTally?: string;
  /** What the provider reported afterwards (mail events), each once: when it was delivered, bounced, complained of or rejected. */
  deliveredAt?: string;
  bouncedAt?: string;
  bounceType?: string;
  complainedAt?: string;
  rejectedAt?: string;
  /** When the reader left a list through this email's unsubscribe link. */
  unsubscribedAt?: string;
}

/** A provider's report about one delivery, as the delivery keeps it. */
export interface DeliveryReport {
  kind: 'delivered' | 'bounced' | 'complained' | 'rejected' | 'unsubscribed';
  at: Date;
  /** For a bounce: permanent, transient or undetermined. */
  bounceType?: string;
}

/**
 * `recorded`: this call kept the report (the first of its kind); `seen`: the delivery has it already
 * (a redelivered event); `missing`: there is no such delivery to keep it on.
 */
export type ReportOutcome = 'recorded' | 'seen' | 'missing';
