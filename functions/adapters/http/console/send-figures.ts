/**
 * A send's figures as the release page shows them, formatted once here: the page renders them and
 * its stats answer (`GET /console/releases/{id}/stats`) hands the same strings to the page's script,
 * which only writes them in. Pure.
 */
import { PausedBy, SendStatus } from '../../../domain/release/send-status';
import { ALLOWED_FROM, isFinal, SendCommand, type SendProgress } from '../../../domain/delivery/send-progress';

/** The counters staff see, in the order the page lists them. */
export const SHOWN_COUNTS = ['targeted', 'sent', 'delivered', 'failed', 'skipped', 'bounced', 'complained'] as const;
export type ShownCount = (typeof SHOWN_COUNTS)[number];

/**
 * How often the script asks again: every second while the send moves, less often while it is
 * paused (only a daily-quota pause ends by itself), never once it has ended.
 */
export const POLL_MS = { moving: 1_000, paused: 5_000 } as const;

export interface SendFigures {
  status: SendStatus;
  /** The send has ended (`sent`, `cancelled`, `failed`): nothing will change, polling stops. */
  final: boolean;
  /** 0 once final. */
  pollMs: number;
  counts: Record<ShownCount, number>;
  /** The counters to show, in order: without delivery events nothing is ever counted as delivered, so it is not shown. */
  shown: ShownCount[];
  /** Whether the provider reports deliveries (the stack's `deliveryEvents`). */
  deliveriesReported: boolean;
  /** The bar: sent of targeted (max is at least 1, so an empty send is a valid element). */
  bar: { value: number; max: number };
  text: {
    /** The bar's text equivalent, e.g. `Sent 3 of 10 (30 %)`. */
    progress: string;
    bounceRate: string;
    complaintRate: string;
    /** Who paused it, why, and when it resumes by itself; empty unless paused. */
    paused: string;
    /** Why it failed; empty unless it did. */
    error: string;
  };
}

export const dateTime = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const percent = (rate: number) => `${Number((rate * 100).toFixed(1))} %`;

function pausedText(progress: SendProgress): string {
  if (progress.status !== SendStatus.Paused) return '';
  const reason = progress.pausedReason ? `: ${progress.pausedReason}` : '';
  if (progress.pausedBy === PausedBy.Quota) {
    return `Paused by the daily sending quota${progress.resumeAt ? `; resumes by itself at ${dateTime(progress.resumeAt)}` : ''}.`;
  }
  if (progress.pausedBy === PausedBy.Threshold) return `Paused by the bounce and complaint limits${reason}. Resume once you have checked why.`;
  // A staff pause's reason names who paused it (`paused by editor@example.org`, or the API's `paused by staff`).
  const said = progress.pausedReason ?? 'paused by staff';
  return `${said.charAt(0).toUpperCase()}${said.slice(1)}.`;
}

function progressText(progress: SendProgress, sent: number): string {
  if (progress.targeted === 0) return progress.planningFinished ? 'No recipients' : 'Not planned yet: sent 0';
  const share = Math.floor((Math.min(sent, progress.targeted) / progress.targeted) * 100);
  return `Sent ${sent} of ${progress.targeted} (${share} %)${progress.planningFinished ? '' : ', still planning'}`;
}

/**
 * @example
 * sendFigures(await app.delivery.progress('spring-update')).text.progress // 'Sent 3 of 10 (30 %)'
 */
export function sendFigures(progress: SendProgress, { deliveriesReported = true }: { deliveriesReported?: boolean } = {}): SendFigures {
  const { counts } = progress;
  const final = isFinal(progress.status);
  return {
    status: progress.status,
    final,
    pollMs: final ? 0 : progress.status === SendStatus.Paused ? POLL_MS.paused : POLL_MS.moving,
    counts: {
      targeted: progress.targeted,
      sent: counts.sent,
      delivered: counts.delivered,
      failed: counts.failed,
      skipped: counts.skipped,
      bounced: counts.bounced,
      complained: counts.complained,
    },
    shown: SHOWN_COUNTS.filter((name) => deliveriesReported || name !== 'delivered'),
    deliveriesReported,
    bar: { value: Math.min(counts.sent, progress.targeted), max: Math.max(progress.targeted, 1) },
    text: {
      progress: progressText(progress, counts.sent),
      bounceRate: percent(progress.rates.bounce),
      complaintRate: percent(progress.rates.complaint),
      paused: pausedText(progress),
      error: progress.status === SendStatus.Failed ? (progress.sendError ?? 'The send failed.') : '',
    },
  };
}

/** The statuses each send control applies in, space-separated (the page's `data-when`, read by its script). */
export const controlWhen = (command: SendCommand) => ALLOWED_FROM[command].join(' ');

export { SendCommand };
