/**
 * The ports the domain owns. Adapters (DynamoDB, SES, SQS, social APIs, local stand-ins) implement them;
 * the domain only ever sees these interfaces, handed in as arguments.
 */
import type { Release } from './release/release';
import type { RenderedEmail } from './release/rendered-email';
import type { SendStatus, SendStatusChanges } from './release/send-status';
import type { MembershipStatus, Subscriber, SuppressionReason } from './subscriber/subscriber';
import type { ListChanges, MailingList } from './lists/mailing-list';
import type { DeliveryRecord } from './delivery/delivery';
import type { SocialMessage, SocialPost, SocialPostResult, SocialSummary } from './social/social-post';
import type { ReleaseCounts } from './delivery/release-stats';
import type { ThrottleReading } from './delivery/send-rate';

export interface Clock {
  now(): Date;
}

/** Result of storing a release: `created` is false when the id was already known. */
export interface StoreReleaseResult {
  created: boolean;
  release: Release;
}

export interface ReleaseStore {
  /** Stores a release unless one with the same id exists; never overwrites. */
  create(release: Release): Promise<StoreReleaseResult>;
  get(id: string): Promise<Release | undefined>;
  /** Stores the rendered email once; a second call keeps and returns the first rendering. */
  saveRendered(id: string, rendered: RenderedEmail): Promise<RenderedEmail>;
  getRendered(id: string): Promise<RenderedEmail | undefined>;
  /**
   * Conditional status move; returns false when the release was not in `from`. `changes` are
   * written in the same conditional write (`null` removes a field). Moving `queued → sending` (the
   * fan-out) also sets `sendStartedAt` the first time.
   */
  transition(id: string, from: SendStatus[], to: SendStatus, now: Date, changes?: SendStatusChanges): Promise<boolean>;
  /**
   * Records that the fan-out enqueued its last send job: sets `planningFinishedAt` and `targeted`
   * (the number of distinct deliveries planned, the figure completion compares ended deliveries
   * with). First call wins; returns false when planning was already recorded as finished.
   */
  markPlanningFinished(id: string, targeted: number, now: Date): Promise<boolean>;
  /** Embargoed releases whose embargo has ended by `now` and whose send was not yet started, oldest first. */
  listEmbargoEnded(now: Date, limit: number): Promise<Release[]>;
  /** Takes a release off the embargoed list, once its send has been started. */
  embargoEnded(id: string): Promise<void>;
  /** Remembers which release a webhook delivery carried (first record wins). */
  rememberWebhook(webhookId: string, releaseId: string, now: Date): Promise<void>;
  /** The release a webhook id carried, if that delivery was seen before. */
  getWebhookRelease(webhookId: string): Promise<string | undefined>;
  /**
   * One page of the releases listed at `now` (`isListed` in domain/feeds/listing.ts: embargo passed,
   * no digests), newest `publishedAt` first, strictly older than the `before` cursor. `next` is the
   * cursor of the page's last release, absent when nothing older is listed.
   *
   * @throws ValidationError for a cursor that `releaseCursor` did not make.
   */
  listPublished(options: { before?: string; limit: number; now: Date }): Promise<PublishedReleasesPage>;
}

/** A page of {@link ReleaseStore.listPublished}. */
export interface PublishedReleasesPage {
  releases: Release[];
  next?: string;
}

export interface MembershipChange {
  listId: string;
  status: MembershipStatus;
}

export interface MemberSummary {
  subscriberId: string;
  listId: string;
  status: MembershipStatus;
  changedAt: string;
  /** The subscriber is suppressed (kept on each membership so counts need no profile reads). */
  suppressed?: boolean;
}

/** A confirmed, not suppressed membership, as the fan-out's de-duplication reads it. */
export interface MailableMembership {
  subscriberId: string;
  listId: string;
  changedAt: string;
}

export interface SubscriberStore {
  /**
   * Adds or finds the subscriber for a normalised address and confirms them on the given lists.
   * `language` is stored only when the subscriber is created.
   */
  addConfirmed(email: string, lists: string[], now: Date, language?: string): Promise<{ subscriber: Subscriber; created: boolean }>;
  /**
   * Adds or finds the subscriber and marks the given lists pending (double opt-in), leaving lists
   * they are already confirmed on as they are.
   */
  addPending(email: string, lists: string[], language: string | undefined, now: Date): Promise<{ subscriber: Subscriber; created: boolean }>;
  get(subscriberId: string): Promise<Subscriber | undefined>;
  findByEmail(email: string): Promise<Subscriber | undefined>;
  /** One page of confirmed, mailable members of a list, in a stable order; pass the cursor to continue. */
  pageConfirmedMembers(listId: string, cursor: string | undefined, limit: number): Promise<{ subscriberIds: string[]; cursor?: string }>;
  /**
   * Which of these subscribers are confirmed, mailable members of any of these lists right now, with
   * when each membership last changed (the fan-out's cross-list de-duplication; one batch read).
   */
  confirmedOn(subscriberIds: string[], listIds: string[]): Promise<MailableMembership[]>;
  /** One page of every member of a list whatever their status (exports, counts). */
  pageMembers(listId: string, cursor: string | undefined, limit: number): Promise<{ members: MemberSummary[]; cursor?: string }>;
  /** Pending memberships that started before `before` (unconfirmed sign-ups to purge). */
  pagePendingBefore(before: Date, cursor: string | undefined, limit: number): Promise<{ members: MemberSummary[]; cursor?: string }>;
  unsubscribe(subscriberId: string, listId: string, now: Date): Promise<void>;
  /** Sets several memberships at once; a membership that does not exist is created. */
  setMemberships(subscriberId: string, changes: MembershipChange[], now: Date): Promise<void>;
  /** Removes a membership record entirely (purging an unconfirmed sign-up). */
  removeMembership(subscriberId: string, listId: string): Promise<void>;
  /** Stops all mail to the subscriber; fan-outs skip them at once. */
  suppress(subscriberId: string, reason: SuppressionReason, now: Date): Promise<void>;
  /** Lifts suppression after a fresh double opt-in; confirmed memberships become mailable again. */
  unsuppress(subscriberId: string, now: Date): Promise<void>;
  /** Counts one more transient bounce in a row and returns the new count. */
  recordTransientBounce(subscriberId: string, now: Date): Promise<number>;
  resetTransientBounces(subscriberId: string): Promise<void>;
  /**
   * Takes the right to send a confirmation email: true at most once per `minIntervalMs` per subscriber.
   */
  claimConfirmationEmail(subscriberId: string, now: Date, minIntervalMs: number): Promise<boolean>;
  /** Deletes the subscriber's personal data: profile, memberships and the address lookup. */
  erase(subscriberId: string): Promise<void>;
}

export interface ListStore {
  all(): Promise<MailingList[]>;
  get(id: string): Promise<MailingList | undefined>;
  /** Creates a list; false when the id is taken. */
  create(list: MailingList): Promise<boolean>;
  update(id: string, changes: ListChanges, now: Date): Promise<MailingList | undefined>;
}

/** The read side of {@link ListStore}: what features that only look at lists depend on. */
export type ListReader = Pick<ListStore, 'get' | 'all'>;

/** Addresses that stay suppressed after their subscriber was erased, kept as keyed hashes only. */
export interface AddressBlocklist {
  isBlocked(email: string): Promise<boolean>;
  block(email: string, reason: SuppressionReason, now: Date): Promise<void>;
  /** Forgets a blocked address after its owner opted in again (double opt-in); a no-op when absent. */
  unblock(email: string): Promise<void>;
}

/** Keeps all workers together under the provider's maximum send rate. */
export interface SendRateGate {
  /** Reserves `count` send slots; each send waits until its slot. */
  reserve(count: number, now: Date): Promise<Date[]>;
  /**
   * The provider answered "too fast": slow everyone down. Says how the pacer read it (see
   * `ThrottleReading` in delivery/send-rate.ts); a gate that cannot tell returns nothing, which
   * counts as "too fast".
   */
  slowDown(now: Date): Promise<ThrottleReading | void>;
}

export interface RateLimiter {
  /** Counts one event for `key`; false when `limit` events already happened in the current window. */
  consume(key: string, limit: number, windowMs: number, now: Date): Promise<boolean>;
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
   * already ended (another worker, after a lease ran out): count the delivery only on true.
   */
  markSent(releaseId: string, subscriberId: string, messageId: string, now: Date): Promise<boolean>;
  /** Ends a claimed delivery as failed (the provider rejected it); true when this call ended it. */
  markFailed(releaseId: string, subscriberId: string, reason: string, now: Date): Promise<boolean>;
  /**
   * Records that the delivery was not attempted: when no record exists, or over a claim whose lease
   * ran out. Leaves an ended delivery or a live claim as it is. True when this call ended it.
   */
  markSkipped(releaseId: string, subscriberId: string, listId: string, reason: string, now: Date): Promise<boolean>;
  /** Gives a claim back (e.g. after throttling) so a retry can claim it again. */
  releaseClaim(releaseId: string, subscriberId: string): Promise<void>;
  /**
   * Clears the `uncounted` mark every ending sets, once the ending is in the release's counters.
   * True when this call cleared it (the caller that clears a lost count counts it).
   */
  markCounted(releaseId: string, subscriberId: string): Promise<boolean>;
  get(releaseId: string, subscriberId: string): Promise<DeliveryRecord | undefined>;
}

/** Identifies one provider event about one recipient, for handling it once under redelivery. */
export interface MailEventReceipt {
  messageId: string;
  eventType: string;
  recipient: string;
}

/** Per-release delivery counters, sharded by the store so a whole send's writes spread out. */
export interface ReleaseStatsStore {
  /** Adds the given amounts (atomically per counter; zero and missing counters are left alone). */
  increment(releaseId: string, counts: Partial<ReleaseCounts>): Promise<void>;
  /** The summed counters; all zero for a release nothing was counted for. */
  get(releaseId: string): Promise<ReleaseCounts>;
  /** Records that an event was handled: true the first time, false for a redelivery of the same event. */
  recordEventOnce(receipt: MailEventReceipt, now: Date): Promise<boolean>;
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

export interface JobQueue<T> {
  /** Enqueues each job as one message; `delaySeconds` (0–900, as SQS allows) hides them that long first. */
  send(jobs: T[], options?: { delaySeconds?: number }): Promise<void>;
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

export interface SocialPostStore {
  /** Stores posts that do not exist yet; an existing (release, channel) post is left as it is. */
  schedule(posts: SocialPost[]): Promise<void>;
  /** Posts whose `dueAt` has passed and that are still waiting to be posted. */
  listDue(now: Date, limit: number): Promise<SocialPost[]>;
  /** Conditional move scheduled → posting; false when another run claimed it first. */
  claim(post: SocialPost, now: Date, leaseMs: number): Promise<boolean>;
  markPosted(post: SocialPost, result: SocialPostResult, now: Date): Promise<void>;
  markFailed(post: SocialPost, error: string, now: Date, retryAt?: Date): Promise<void>;
  listForRelease(releaseId: string): Promise<SocialPost[]>;
}

export interface SocialChannel {
  /** Channel name as configured, e.g. `local`, `mastodon`, `bluesky`, `x`, `slack`. */
  readonly name: string;
  /**
   * Whether posting the same `idempotencyKey` twice makes a single post (Mastodon's
   * `Idempotency-Key`, Bluesky's fixed record key, the local channel). A post whose outcome is
   * unknown (a crash or timeout after the request went out) is retried only on such channels; on the
   * others it ends `failed` for staff to check, because a second post would be a duplicate.
   */
  readonly idempotent: boolean;
  /** Formats the release summary within this channel's rules, counted the way the channel counts. */
  format(summary: SocialSummary): string;
  /** Why staff's own text for this channel would be refused (too long, empty), or undefined when it fits. */
  check(text: string): string | undefined;
  /** Publishes `message.text`; rich channels (Bluesky card, Slack, Discord) also use `message.summary`. */
  post(message: SocialMessage): Promise<SocialPostResult>;
}

/** One-off emails the service sends on its own behalf (not releases), in the subscriber's language. */
export interface SystemEmailRenderer {
  /** The double opt-in email: `lists` are display names, `confirmUrl` the signed confirmation link. */
  renderConfirmation(input: { lists: string[]; confirmUrl: string; language?: string }): Promise<{ subject: string; html: string; text: string }>;
}

/** Turns a release into the email every recipient gets, with recipient placeholders left in. */
export interface EmailRenderer {
  render(release: Release): Promise<RenderedEmail>;
}
