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
  status: DeliveryStatus;
  claimedAt?: string;
  leaseUntil?: string;
  sentAt?: string;
  messageId?: string;
  reason?: string;
}
