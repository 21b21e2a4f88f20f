/** What delivery works through: the send queue and plans, claims, counters, the mailer and the rate gate. */
import type { DeliveryReport, ReportOutcome, DeliveryRecord } from './delivery';
import type { ReleaseCounts } from './release-stats';
import type { ThrottleReading } from './send-rate';

/** Keeps all workers together under the provider's maximum send rate. */
export interface SendRateGate {
  /**
   * Reserves up to `count` send slots; each send waits until its slot. With `until`, only slots that
   * start by then are handed out (fewer than asked, possibly none), and the ones not handed out stay
   * free for other workers.
   */
  reserve(count: number, now: Date, until?: Date): Promise<Date[]>;
  /**
   * The provider answered "too fast": slow everyone down. Says how the pacer read it (see
   * `ThrottleReading` in delivery/send-rate.ts); a gate that cannot tell returns nothing, which
   * counts as "too fast".
   */
  slowDown(now: Date): Promise<ThrottleReading | void>;
}

export type ClaimOutcome = 'claimed' | 'done' | 'busy';

export interface DeliveryStore {
  /**
   * Claims the (release, subscriber) delivery before the email is sent: `claimed` when this caller
   * now holds it, `done` when the delivery already ended (sent, failed or skipped), `busy` when
   * another worker holds a live claim. `jobListId` is the list of the job claiming (defaults to
   * `listId`), kept on the record.
   */
  claim(releaseId: string, subscriberId: string, listId: string, now: Date, leaseMs: number, jobListId?: string): Promise<ClaimOutcome>;
  /**
   * Ends a claimed delivery as sent. Returns true when this call ended it, false when it had
   * already ended (another worker, after a lease ran out): count the delivery only on true. Every
   * ending is marked `uncounted` with the `tally` (a batch's {@link TallyReceipt} id) that will count
   * it, so a redelivery can tell a counted ending from one whose worker died first.
   */
  markSent(releaseId: string, subscriberId: string, messageId: string, now: Date, tally?: string): Promise<boolean>;
  /** Ends a claimed delivery as failed (the provider rejected it); true when this call ended it. */
  markFailed(releaseId: string, subscriberId: string, reason: string, now: Date, tally?: string): Promise<boolean>;
  /**
   * Records that the delivery was not attempted: when no record exists, or over a claim whose lease
   * ran out. Leaves an ended delivery or a live claim as it is. True when this call ended it.
   */
  markSkipped(releaseId: string, subscriberId: string, listId: string, reason: string, now: Date, tally?: string): Promise<boolean>;
  /** Gives a claim back (e.g. after throttling) so a retry can claim it again. */
  releaseClaim(releaseId: string, subscriberId: string): Promise<void>;
  /**
   * Clears the `uncounted` mark of an ending whose batch never counted it (its tally receipt does not
   * name it). True when this call cleared it: the caller that clears a lost count counts it.
   */
  markCounted(releaseId: string, subscriberId: string): Promise<boolean>;
  /**
   * The delivery as it stands; `uncounted` only while no tally receipt names its ending (the mark
   * itself stays on the stored record: clearing it would cost a write per email).
   */
  get(releaseId: string, subscriberId: string): Promise<DeliveryRecord | undefined>;
  /**
   * Keeps what the provider reported about a delivery, once per kind: the same write that tells a
   * first report from a redelivered one, so a mail event costs no separate receipt. With `tally`,
   * the report also names the batch tally that counts it (`<kind>Tally`), as an ending does.
   */
  recordReport(releaseId: string, subscriberId: string, report: DeliveryReport, tally?: string): Promise<ReportOutcome>;
  /**
   * Hands a report's count from the tally `from` (whose batch died before counting it) to `to`:
   * true for the one caller that moved it, who counts it.
   */
  moveReportTally(releaseId: string, subscriberId: string, kind: DeliveryReport['kind'], from: string, to: string): Promise<boolean>;
  /** The release's deliveries to these subscribers, by subscriber id (those with none are absent); `uncounted` as stored. */
  getMany(releaseId: string, subscriberIds: string[]): Promise<Map<string, DeliveryRecord>>;
}

/** Identifies one provider event about one recipient, for handling it once under redelivery. */
export interface MailEventReceipt {
  messageId: string;
  /** The event's type; a click on a link names the link too (`click#<link key>`). */
  eventType: string;
  recipient: string;
}

/** What one batch counted for one release (see `BatchTally` in batch-tally.ts). */
export interface TallyReceipt {
  releaseId: string;
  tally: string;
  entries: string[];
}

/** Per-release delivery counters, sharded by the store so a whole send's writes spread out. */
export interface ReleaseStatsStore {
  /**
   * Adds the given amounts (atomically per counter; zero and missing counters are left alone).
   * Answers with the release's totals after this write when the store can tell them without a read
   * (a release counted since {@link begin}): a send batch then checks completion without reading
   * the counters, unless those totals say it may be complete.
   */
  increment(releaseId: string, counts: Partial<ReleaseCounts>): Promise<ReleaseCounts | void>;
  /**
   * Called before anything is counted for a release (the fan-out, before its first page): from then
   * on every increment of it answers with the totals.
   */
  begin(releaseId: string): Promise<void>;
  /** The summed counters; all zero for a release nothing was counted for. */
  get(releaseId: string): Promise<ReleaseCounts>;
  /**
   * Records that a batch's counts are in the counters: `entries` name what it counted (a subscriber
   * id for an ending, `<subscriber id>#<report kind>` for a mail event's report). Written after the
   * counter write, so a receipt that names an entry means it was counted.
   */
  recordTally(receipt: TallyReceipt, now: Date): Promise<void>;
  /** Whether the tally `tally` of the release was counted and named `entry`. */
  tallyCounted(releaseId: string, tally: string, entry: string): Promise<boolean>;
  /** Records that an event was handled: true the first time, false for a redelivery of the same event. */
  recordEventOnce(receipt: MailEventReceipt, now: Date): Promise<boolean>;
  /**
   * Records that a send job found its recipient's delivery ended by another list's job: true the
   * first time for that (release, subscriber, job list), false for a redelivery of the same job.
   */
  recordDuplicateJobOnce(job: SendJob, now: Date): Promise<boolean>;
  /** Counts one (first) click on `url` in the release's email. */
  countLinkClick(releaseId: string, url: string): Promise<void>;
  /** Clicks per link, most clicked first. */
  linkClicks(releaseId: string): Promise<{ url: string; clicks: number }[]>;
}

/** A message for the send queue: one recipient of one release. */
export interface SendJob {
  releaseId: string;
  subscriberId: string;
  /** The list this recipient is reached through; its unsubscribe link leaves this list. */
  listId: string;
}

export interface FanOutJob {
  releaseId: string;
}

/**
 * Where a release's fan-out planning stands: the next page to plan is `cursor` within
 * `lists[listIndex]` (the release's targeted lists, in order); `listIndex === lists.length` means
 * every page was planned.
 */
export interface FanOutPlan {
  releaseId: string;
  /** Bumped by every checkpoint; a checkpoint only lands on the sequence number it read. */
  seq: number;
  listIndex: number;
  cursor?: string;
  /** Send jobs enqueued by the checkpointed pages: each recipient once. */
  targeted: number;
  /** When planning began; memberships that changed later are not trusted for de-duplication. */
  startedAt: string;
}

/** The fan-out planner's checkpoints, so a redelivered fan-out job resumes instead of starting over. */
export interface FanOutPlanStore {
  get(releaseId: string): Promise<FanOutPlan | undefined>;
  /**
   * Takes the right to plan the release for `leaseMs`, creating the plan at its start if there is
   * none; undefined while another planner holds a live lease. Taking over an expired lease bumps
   * `seq`, so the planner that held it can no longer checkpoint.
   */
  claim(releaseId: string, now: Date, leaseMs: number): Promise<FanOutPlan | undefined>;
  /**
   * Moves the plan on from `from` (the plan as read) to `to`; false when another planner moved it
   * first (its `seq` no longer matches), in which case nothing was written.
   */
  checkpoint(from: FanOutPlan, to: Omit<FanOutPlan, 'releaseId' | 'seq' | 'startedAt'>): Promise<boolean>;
  /** Gives the lease back (the plan as last checkpointed); a no-op when another planner took over. */
  release(plan: FanOutPlan): Promise<void>;
}

/** The dead-letter queue of each work queue: how full it is, and a way to send its messages back. */
export interface DeadLetterQueues {
  /** The work queues that have a dead-letter queue here (routes.ts names: `fan-out`, `send`, …). */
  names(): readonly string[];
  /** Messages waiting in the queue's DLQ (approximate on AWS). */
  depth(queue: string): Promise<number>;
  /**
   * Moves the DLQ's messages back to the queue they came from. Locally that happens at once
   * (`moved`); on AWS it starts an asynchronous move task (`taskHandle`).
   */
  redrive(queue: string): Promise<{ moved?: number; taskHandle?: string }>;
}

export interface OutgoingEmail {
  from: string;
  to: string;
  raw: Uint8Array;
  /** Provider message tags (SES): they come back on bounce, complaint and delivery events. */
  tags?: Record<string, string>;
}

export interface Mailer {
  /** Sends a complete MIME message; returns the provider's message id. */
  sendRaw(email: OutgoingEmail): Promise<{ messageId: string }>;
}
