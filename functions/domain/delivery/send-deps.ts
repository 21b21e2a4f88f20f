/** The ports the send worker uses, and what one batch adds to them. */
import type { Clock, JobQueue } from '../ports';
import type { DeliveryStore, Mailer, ReleaseStatsStore, SendJob, SendRateGate } from './ports';
import type { ReleaseStore } from '../release/ports';
import type { SubscriberStore } from '../subscriber/ports';
import type { SigningKeyring } from '../security/link-tokens';
import type { EndingTally } from './ending-tally';
import type { MailerThrottledError } from './errors';
import type { MessageTemplate } from '../mail/mime';
import type { ThrottleReading } from './send-rate';
import type { SenderIdentity } from '../mail/sender';

export interface SendEmailDeps {
  releases: ReleaseStore;
  /** The worker only looks a recipient up (are they still on the list?). */
  subscribers: Pick<SubscriberStore, 'get'>;
  deliveries: DeliveryStore;
  mailer: Mailer;
  clock: Clock;
  keyring: SigningKeyring;
  sender: SenderIdentity;
  /** MIME templates by release id, kept for the life of the worker so each release is encoded once. */
  templates: Map<string, MessageTemplate>;
  /** How long a claim protects a delivery from a second sender. */
  claimLeaseMs?: number;
  /** Shared pacing under the provider's rate; without it, sends go as fast as they come. */
  rateGate?: SendRateGate;
  /**
   * When the invocation running the batch ends (Lambda's timeout), on `clock`'s time. Sends start no
   * later than a margin before it; the jobs whose slot would come later go back on the queue at
   * once. Unset: no deadline.
   */
  invocationEndsAt?: Date;
  /** Waits until a rate slot (tests pass a fake); must return early when `signal` aborts (the batch gives its slots back). */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Counts each delivery once when it ends, and completes the send. */
  releaseStats: ReleaseStatsStore;
  /** Where jobs of a paused release (delayed) and throttled jobs go back to, instead of being sent. */
  sendQueue: JobQueue<SendJob>;
  /** How long a job of a paused release waits before it looks again (SQS allows up to 900 s). Default 120. */
  pausedRecheckSeconds?: number;
  /**
   * How long a send the provider's daily quota paused waits before it tries again, at most (see
   * `quotaResumeAt` in send-progress.ts). Default 3600.
   */
  quotaRecheckSeconds?: number;
  /**
   * How old the release status read at the start of a batch may be before a send re-reads it (a
   * batch can wait seconds for its rate slots; a pause should stop it within about this long).
   * Default 1000 ms.
   */
  statusMaxAgeMs?: number;
}

/**
 * What became of one send job: `deferred` means the release is paused and the job was enqueued
 * again with a delay (the message itself is done).
 */
export type SendOutcome = 'sent' | 'duplicate' | 'skipped' | 'rejected' | 'deferred';

/** What the steps of one batch share besides the worker's dependencies. */
export interface BatchDeps extends SendEmailDeps {
  tally: EndingTally;
  /** How the pacer read each throttle answer this batch had, by the error that carried it. */
  throttleReadings: WeakMap<MailerThrottledError, ThrottleReading>;
}
