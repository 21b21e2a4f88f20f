import type { EventPublisher } from '../domain/webhooks/ports';
import type { Clock, JobQueue } from '../domain/ports';
import type { DeadLetterQueues, DeliveryStore, FanOutJob, FanOutPlanStore, Mailer, ReleaseStatsStore, SendJob, SendRateGate } from '../domain/delivery/ports';
import type { EmailRenderer, ReleaseStore } from '../domain/release/ports';
import type { SubscriberStore } from '../domain/subscriber/ports';
import type { SocialPostStore } from '../domain/social/ports';
import type { SigningKeyring } from '../domain/security/link-tokens';
import type { SenderIdentity } from '../domain/mail/sender';
import type { MessageTemplate } from '../domain/mail/mime';
import { readEngagement, type Engagement } from '../domain/delivery/engagement';
import { listRecipients, type RecipientPage, type RecipientQuery } from '../domain/delivery/recipients';
import type { PauseThresholds } from '../domain/delivery/send-progress';
import { fanOutRelease, type FanOutResult, type FanOutSubscribers } from '../domain/delivery/fan-out';
import { sendBatch, type SendOutcome } from '../domain/delivery/send-email';
import { cancelSend, failSend, getSendProgress, pauseSend, resumeSend } from '../domain/delivery/control-send';
import type { SendProgress } from '../domain/delivery/send-progress';
import { countDeadLetters, deadLetterDepths, isLastReceive, redriveDeadLetters, type DeadLetterDepth } from '../domain/delivery/dead-letters';
import { PlanningConflictError } from '../domain/delivery/errors';
import { sendTestEmail, sendTestRendering, testRecipients } from '../domain/delivery/send-test-email';
import type { RenderedEmail } from '../domain/release/rendered-email';
import { listReleaseOverviews, type ReleaseOverviewPage } from '../domain/delivery/release-overview';
import type { StaffReleaseQuery } from '../domain/release/ports';
import { handleMailEvent, handleMailEvents, type MailEvent, type MailEventOutcome, type MailEventSubscribers } from '../domain/delivery/mail-events';

/** Where the delivery feature reports what staff and on-call should see but no caller can act on. */
export interface DeliveryLog {
  warn(message: string, details: Record<string, unknown>): void;
  error(message: string, details: Record<string, unknown>): void;
}

/** What the delivery feature reads and writes. */
export interface DeliveryPorts {
  /** Outgoing webhooks: where state changes are told (never throws). */
  events?: EventPublisher;
  releases: ReleaseStore;
  /** The planner pages through members; the worker looks a recipient up; mail events suppress; staff see who got it. */
  subscribers: FanOutSubscribers & MailEventSubscribers & Pick<SubscriberStore, 'get' | 'pageMembers'>;
  deliveries: DeliveryStore;
  /** Read only, for the staff list of releases (each release's posts and their state). */
  socialPosts: Pick<SocialPostStore, 'listForRelease'>;
  plans: FanOutPlanStore;
  releaseStats: ReleaseStatsStore;
  fanOutQueue: JobQueue<FanOutJob>;
  sendQueue: JobQueue<SendJob>;
  deadLetterQueues: DeadLetterQueues;
  renderer: EmailRenderer;
  mailer: Mailer;
  rateGate: SendRateGate;
  clock: Clock;
  keyring: SigningKeyring;
  sender: SenderIdentity;
  log: DeliveryLog;
}

export interface DeliverySettings {
  /** Receives of a message before its queue dead-letters it. */
  maxReceiveCount: number;
  /** How long one fan-out run may plan before it hands over to a continuation job. */
  planningBudgetMs: number;
  /** Seconds a send job of a paused release waits before it looks again. */
  pausedRecheckSeconds: number;
  /** Seconds a send paused by the daily quota waits before it tries again, at most. */
  quotaRecheckSeconds?: number;
  /** How long a send claim is trusted; the engine's default when absent. */
  claimLeaseMs?: number;
  transientBounceLimit: number;
  pauseThresholds: PauseThresholds;
  /** Whether open and click tracking is on (configuration set events); off unless configured. */
  engagementTracking?: boolean;
  /** Whether the provider reports deliveries (see `deliveryEvents` in runtime/config.ts); default true. */
  deliveryEvents?: boolean;
}

/**
 * Delivery: planning a release's send, sending it at the shared rate with each recipient once,
 * staff's controls over a send, test sends, what SES reports back, and the dead-letter queues.
 *
 * One instance lives for a worker's life: it keeps each release's encoded MIME template, so a
 * release is encoded once per worker rather than once per batch.
 *
 * @example
 * const results = await delivery.sendBatch(jobs, receiveCounts);
 */
export class DeliveryService {
  private readonly templates = new Map<string, MessageTemplate>();

  constructor(
    private readonly ports: DeliveryPorts,
    private readonly settings: DeliverySettings,
  ) {}

  /**
   * Plans (part of) a release's send. A job failing on its last allowed receive (it is about to be
   * dead-lettered) fails the send with the error, so staff see `failed` and why instead of a send
   * that stays `sending`; a lost race with another planner is not such a failure.
   */
  async planFanOut(job: FanOutJob, receiveCount: number): Promise<FanOutResult> {
    try {
      return await fanOutRelease(job, { ...this.ports, timeBudgetMs: this.settings.planningBudgetMs });
    } catch (error) {
      const { maxReceiveCount } = this.settings;
      if (isLastReceive(receiveCount, maxReceiveCount) && !(error instanceof PlanningConflictError) && typeof job?.releaseId === 'string') {
        const message = error instanceof Error ? error.message : String(error);
        if (await failSend(job.releaseId, `Planning the send failed ${maxReceiveCount} times: ${message}`, this.ports).catch(() => false)) {
          this.ports.log.error('Send failed: fan-out gave up', { releaseId: job.releaseId, error });
        }
      }
      throw error;
    }
  }

  /**
   * Sends one queue batch: the jobs that parsed are sent together at the shared rate (see
   * `sendBatch`); the others keep their parse failure. A job failing on its last allowed receive is
   * counted as `deadLettered` against its release, so the send's status shows what the DLQ holds.
   *
   * @param remainingMs the invocation's time left (Lambda's `getRemainingTimeInMillis()`): no send
   *   is given a slot after it, less a margin; absent, the batch has no deadline.
   * @returns one settled result per job, in order.
   */
  async sendBatch(jobs: PromiseSettledResult<SendJob>[], receiveCounts: number[], remainingMs?: number): Promise<PromiseSettledResult<unknown>[]> {
    const valid = jobs.flatMap((job, i) => (job.status === 'fulfilled' ? [{ i, job: job.value }] : []));
    // On the domain's clock, which the slots are on too (a test's clock may differ from the system's).
    const invocationEndsAt = remainingMs === undefined ? undefined : new Date(this.ports.clock.now().getTime() + remainingMs);
    const sent = await sendBatch(
      valid.map((v) => v.job),
      { ...this.ports, templates: this.templates, claimLeaseMs: this.settings.claimLeaseMs, pausedRecheckSeconds: this.settings.pausedRecheckSeconds, quotaRecheckSeconds: this.settings.quotaRecheckSeconds, invocationEndsAt },
    );
    const results: PromiseSettledResult<SendOutcome | unknown>[] = [...jobs];
    valid.forEach(({ i }, n) => (results[i] = sent[n]));

    const dying = results.flatMap((result, i) =>
      result.status === 'rejected' && isLastReceive(receiveCounts[i], this.settings.maxReceiveCount)
        ? [jobs[i].status === 'fulfilled' ? (jobs[i] as PromiseFulfilledResult<SendJob>).value.releaseId : undefined]
        : [],
    );
    try {
      await countDeadLetters(dying, this.ports);
    } catch (error) {
      // Counting is for staff's view only; failing the batch over it would resend the others.
      this.ports.log.warn('Could not count dead-lettered send jobs', { error });
    }
    return results;
  }

  /** Applies one SES event (bounce, complaint, delivery, reject) once, however often it arrives. */
  recordMailEvent(event: MailEvent): Promise<MailEventOutcome[]> {
    const { transientBounceLimit, pauseThresholds, deliveryEvents } = this.settings;
    return handleMailEvent(event, { ...this.ports, transientBounceLimit, pauseThresholds, deliveryEvents });
  }

  /**
   * Applies a queue batch of SES events, counted together (see `handleMailEvents`).
   * @returns one settled result per event, in order.
   */
  recordMailEvents(events: MailEvent[]): Promise<PromiseSettledResult<MailEventOutcome[]>[]> {
    const { transientBounceLimit, pauseThresholds, deliveryEvents } = this.settings;
    return handleMailEvents(events, { ...this.ports, transientBounceLimit, pauseThresholds, deliveryEvents });
  }

  /** A send's status, counters and rates. @throws NotFoundError */
  /** Releases newest first with each send's progress, for staff (GET /admin/releases, the console). */
  overview(query: StaffReleaseQuery): Promise<ReleaseOverviewPage> {
    return listReleaseOverviews(query, this.ports);
  }

  /** Whether the provider reports deliveries (the stack's `deliveryEvents`): the console shows no `delivered` count without. */
  get reportsDeliveries(): boolean {
    return this.settings.deliveryEvents ?? true;
  }

  progress(releaseId: string): Promise<SendProgress> {
    return getSendProgress(releaseId, this.ports);
  }

  /** Who got the release's email, a page of one of its lists at a time. @throws NotFoundError, ValidationError */
  recipients(releaseId: string, query: RecipientQuery): Promise<RecipientPage> {
    return listRecipients(releaseId, query, this.ports);
  }

  /** Opens, clicks and clicks per link, in aggregate. @throws NotFoundError */
  engagement(releaseId: string): Promise<Engagement> {
    return readEngagement(releaseId, this.ports, { tracking: this.settings.engagementTracking ?? false });
  }

  /** @throws NotFoundError; SendTransitionError when the send's status does not allow it. */
  pause(releaseId: string, reason?: string): Promise<SendProgress> {
    return pauseSend(releaseId, this.ports, { reason });
  }

  /** @throws NotFoundError; SendTransitionError when the send's status does not allow it. */
  resume(releaseId: string): Promise<SendProgress> {
    return resumeSend(releaseId, this.ports);
  }

  /** @throws NotFoundError; SendTransitionError when the send's status does not allow it. */
  cancel(releaseId: string): Promise<SendProgress> {
    return cancelSend(releaseId, this.ports);
  }

  /** Sends a stored release (`language`: its translation) to staff addresses only, marked as a test. @throws NotFoundError, ValidationError */
  sendTest(releaseId: string, to: unknown, language?: string): Promise<{ sent: string[] }> {
    return sendTestEmail(releaseId, to, { ...this.ports, now: this.ports.clock.now() }, language);
  }

  /**
   * Sends a rendering that is not stored (a draft's, rendered just now) to checked addresses, marked
   * as a test. @throws ValidationError for bad addresses
   */
  sendTestRendering(releaseId: string, rendered: RenderedEmail, to: string[], audience?: { lists: string[]; language?: string }): Promise<{ sent: string[] }> {
    return sendTestRendering(releaseId, rendered, testRecipients(to), { ...this.ports, now: this.ports.clock.now() }, audience);
  }

  /** How many messages each work queue's dead-letter queue holds. */
  deadLetterDepths(): Promise<DeadLetterDepth[]> {
    return deadLetterDepths(this.ports);
  }

  /** Sends a dead-letter queue's messages back to their work queue. @throws UnknownQueueError */
  redrive(queue: string): Promise<{ queue: string; moved?: number; taskHandle?: string }> {
    return redriveDeadLetters(queue, this.ports);
  }
}
