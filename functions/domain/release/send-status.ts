/**
 * A release's email send:
 *
 * ```
 * queued ──fan-out starts──▶ sending ──every planned delivery ended──▶ sent
 *    │                         │
 *    └──pause──▶ paused ◀──pause┘      paused ──resume──▶ the status it was paused from
 *                                      (sending once planning finished); staff resume, or a
 *                                      daily-quota pause resumes by itself at `resumeAt`
 * queued | sending | paused ──cancel──▶ cancelled        any unfinished ──error──▶ failed
 * ```
 *
 * `sent`, `cancelled` and `failed` are final. Every move is a conditional write in the release
 * store; the moves themselves live in `delivery/control-send.ts` (and the fan-out's start).
 */
export const SendStatus = {
  Queued: 'queued',
  Sending: 'sending',
  Sent: 'sent',
  Paused: 'paused',
  Cancelled: 'cancelled',
  Failed: 'failed',
} as const;
export type SendStatus = (typeof SendStatus)[keyof typeof SendStatus];

/** Who paused a send: staff, a bounce/complaint threshold, or the provider's daily quota (resumes by itself at `resumeAt`). */
export const PausedBy = {
  Staff: 'staff',
  Threshold: 'threshold',
  Quota: 'quota',
} as const;
export type PausedBy = (typeof PausedBy)[keyof typeof PausedBy];

/** Statuses a send never leaves. */
export const FINAL_SEND_STATUSES: readonly SendStatus[] = [SendStatus.Sent, SendStatus.Cancelled, SendStatus.Failed];
