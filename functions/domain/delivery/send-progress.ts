/**
 * Pure derivations about a release's send: which moves its state machine allows, when it is
 * complete, its bounce and complaint rates, and the progress staff see. No I/O here (like Ghost's
 * `buildSendingStatus`): callers read the release and its counters and hand them in.
 */
import { FINAL_SEND_STATUSES, PausedBy, SendStatus } from '../release/send-status';
import type { Release } from '../release/release';
import { emptyCounts, SES_REVIEW_BOUNCE_RATE, SES_REVIEW_COMPLAINT_RATE, type ReleaseCounts } from './release-stats';

/** What staff (or the thresholds) can ask of a send. */
export const SendCommand = {
  Pause: 'pause',
  Resume: 'resume',
  Cancel: 'cancel',
} as const;
export type SendCommand = (typeof SendCommand)[keyof typeof SendCommand];

/**
 * The statuses each command may start from; every other status refuses it. `sent`, `cancelled`
 * and `failed` are final, so nothing starts from them.
 */
export const ALLOWED_FROM: Readonly<Record<SendCommand, readonly SendStatus[]>> = {
  [SendCommand.Pause]: [SendStatus.Queued, SendStatus.Sending],
  [SendCommand.Resume]: [SendStatus.Paused],
  [SendCommand.Cancel]: [SendStatus.Queued, SendStatus.Sending, SendStatus.Paused],
};

export function isAllowed(command: SendCommand, from: SendStatus): boolean {
  return ALLOWED_FROM[command].includes(from);
}

export function isFinal(status: SendStatus): boolean {
  return FINAL_SEND_STATUSES.includes(status);
}

/**
 * The status a paused send resumes to: the one it was paused from, except that a send whose
 * planning already finished is `sending` whatever it was paused from (the planner may have started
 * it while it was paused).
 *
 * @example
 * resumeTarget({ ...release, sendStatus: 'paused', pausedFrom: 'queued' }) // 'queued'
 */
export function resumeTarget(release: Pick<Release, 'pausedFrom' | 'planningFinishedAt' | 'sendStartedAt'>): SendStatus {
  if (release.planningFinishedAt || release.sendStartedAt) return SendStatus.Sending;
  return release.pausedFrom === SendStatus.Sending ? SendStatus.Sending : SendStatus.Queued;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When a send paused by the provider's daily quota should look again. SES's quota is a rolling
 * 24-hour window: it frees as the messages sent a day earlier age out of it, and GetSendQuota says
 * only how many were sent (`SentLast24Hours`), not when. So the estimate errs late rather than
 * hammering SES: `recheckMs` from now (an hour by default; SES itself advises waiting up to ten
 * minutes after a throttle), but no later than a day after this send began, when at least its own
 * first messages have aged out. A send that meets the quota again pauses again, with a new estimate.
 *
 * @example
 * quotaResumeAt({ sendStartedAt: '2026-12-01T09:00:00Z' }, new Date('2026-12-01T10:00:00Z'), 3_600_000) // 11:00
 */
export function quotaResumeAt(release: Pick<Release, 'sendStartedAt'>, now: Date, recheckMs: number): Date {
  const recheck = now.getTime() + recheckMs;
  const ownAgedOut = release.sendStartedAt ? Date.parse(release.sendStartedAt) + DAY_MS : Infinity;
  return new Date(ownAgedOut > now.getTime() ? Math.min(recheck, ownAgedOut) : recheck);
}

/** Whether a send the daily quota paused may resume now (its `resumeAt` has passed). */
export function quotaPauseOver(release: Pick<Release, 'sendStatus' | 'pausedBy' | 'resumeAt'>, now: Date): boolean {
  return (
    release.sendStatus === SendStatus.Paused &&
    release.pausedBy === PausedBy.Quota &&
    !!release.resumeAt &&
    Date.parse(release.resumeAt) <= now.getTime()
  );
}

/**
 * Send jobs that have ended: each delivery counts once when its record ends (sent, failed,
 * skipped), and each further job for a recipient already handled counts once as `duplicate`.
 */
export function endedJobs(counts: ReleaseCounts): number {
  return counts.sent + counts.failed + counts.skipped + counts.duplicate;
}

/**
 * A send is complete once planning finished and every planned job has ended.
 *
 * @example
 * if (isSendComplete(release, await releaseStats.get(release.id))) await releases.transition(…, 'sent', …);
 */
export function isSendComplete(release: Pick<Release, 'sendStatus' | 'planningFinishedAt' | 'targeted'>, counts: ReleaseCounts): boolean {
  return (
    release.sendStatus === SendStatus.Sending &&
    !!release.planningFinishedAt &&
    typeof release.targeted === 'number' &&
    endedJobs(counts) >= release.targeted
  );
}

export interface SendRates {
  bounce: number;
  complaint: number;
  /** Messages the rates are over: delivered plus bounced (what the provider has reported on), or sent. */
  sample: number;
}

/**
 * Bounce and complaint rates over the messages the provider reported on (delivered + bounced), so
 * mail still in flight does not dilute them. A stack deployed without delivery events never counts
 * a delivery: its rates are over the messages sent (as SES's own reputation figures are).
 *
 * @example
 * sendRates({ ...counts, delivered: 94, bounced: 6 }) // { bounce: 0.06, complaint: 0, sample: 100 }
 * sendRates({ ...counts, sent: 200, bounced: 6 }) // { bounce: 0.03, complaint: 0, sample: 200 }
 */
export function sendRates(counts: ReleaseCounts): SendRates {
  const sample = counts.delivered > 0 ? counts.delivered + counts.bounced : counts.sent;
  if (sample === 0) return { bounce: 0, complaint: 0, sample };
  return { bounce: counts.bounced / sample, complaint: counts.complained / sample, sample };
}

export interface PauseThresholds {
  /** Bounce rate (0–1) at or above which a send pauses itself. */
  bounceRate: number;
  /** Complaint rate (0–1) at or above which a send pauses itself. */
  complaintRate: number;
  /** Reported messages needed before a rate means anything (one early bounce is not 100 %). */
  minSample: number;
}

/** At SES's own review levels (5 % bounces, 0.1 % complaints), from 100 reports on; staff may set lower ones. */
export const DEFAULT_PAUSE_THRESHOLDS: PauseThresholds = {
  bounceRate: SES_REVIEW_BOUNCE_RATE,
  complaintRate: SES_REVIEW_COMPLAINT_RATE,
  minSample: 100,
};

const percent = (rate: number) => `${Number((rate * 100).toFixed(2))} %`;

/**
 * Why the send must pause, in words staff read, or undefined while the rates are fine or the sample
 * too small.
 *
 * @example
 * thresholdBreach({ ...counts, delivered: 94, bounced: 6 }, DEFAULT_PAUSE_THRESHOLDS) // 'bounce rate 6 % over 5 %'
 */
export function thresholdBreach(counts: ReleaseCounts, thresholds: PauseThresholds): string | undefined {
  const rates = sendRates(counts);
  if (rates.sample < thresholds.minSample) return undefined;
  if (rates.bounce >= thresholds.bounceRate) return `bounce rate ${percent(rates.bounce)} over ${percent(thresholds.bounceRate)}`;
  if (rates.complaint >= thresholds.complaintRate) {
    return `complaint rate ${percent(rates.complaint)} over ${percent(thresholds.complaintRate)}`;
  }
  return undefined;
}

/** Whether the thresholds may pause this release now. */
export function thresholdsApply(release: Pick<Release, 'sendStatus' | 'thresholdsOverriddenAt'>): boolean {
  return !release.thresholdsOverriddenAt && isAllowed(SendCommand.Pause, release.sendStatus);
}

/** What `GET /admin/releases/{id}/send` answers. */
export interface SendProgress {
  releaseId: string;
  status: SendStatus;
  counts: ReleaseCounts;
  rates: { bounce: number; complaint: number };
  /** Deliveries planned so far (live), and the final figure once planning finished. */
  targeted: number;
  planningFinished: boolean;
  /** Planned jobs not yet ended (0 until planning is known to be finished and all ended). */
  remaining: number;
  pausedReason?: string;
  pausedBy?: PausedBy;
  /** While paused by the daily quota: when the send resumes by itself. */
  resumeAt?: string;
  startedAt?: string;
  finishedAt?: string;
  sendError?: string;
  /** A send still `queued` starts when this embargo ends. */
  embargoUntil?: string;
}

/**
 * The progress of one send from the release and its summed counters.
 *
 * @example
 * const progress = buildSendProgress(release, await releaseStats.get(release.id));
 */
export function buildSendProgress(release: Release, counts: ReleaseCounts = emptyCounts()): SendProgress {
  const rates = sendRates(counts);
  const targeted = release.targeted ?? counts.targeted;
  return {
    releaseId: release.id,
    status: release.sendStatus,
    counts,
    rates: { bounce: rates.bounce, complaint: rates.complaint },
    targeted,
    planningFinished: !!release.planningFinishedAt,
    remaining: isFinal(release.sendStatus) && release.sendStatus !== SendStatus.Cancelled ? 0 : Math.max(0, targeted - endedJobs(counts)),
    ...(release.sendStatus === SendStatus.Paused ? { pausedReason: release.pausedReason, pausedBy: release.pausedBy } : {}),
    ...(release.sendStatus === SendStatus.Paused && release.resumeAt ? { resumeAt: release.resumeAt } : {}),
    ...(release.sendStartedAt ? { startedAt: release.sendStartedAt } : {}),
    ...(release.finishedAt ? { finishedAt: release.finishedAt } : {}),
    ...(release.sendError ? { sendError: release.sendError } : {}),
    ...(release.embargoUntil ? { embargoUntil: release.embargoUntil } : {}),
  };
}
