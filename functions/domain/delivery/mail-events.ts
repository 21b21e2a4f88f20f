import type { EventPublisher } from '../webhooks/ports';
import { WebhookEventType, webhookEvent } from '../webhooks/event';
import { createHash } from 'node:crypto';
import type { Clock } from '../ports';
import type { DeliveryStore, ReleaseStatsStore } from './ports';
import type { ReleaseStore } from '../release/ports';
import type { SubscriberStore } from '../subscriber/ports';
import { ValidationError, type FieldIssue } from '../errors';
import { ReleaseCounter } from './release-stats';
import { BatchTally } from './batch-tally';
import { MailEventBusyError } from './errors';
import { pauseOnThresholds } from './control-send';
import type { PauseThresholds } from './send-progress';
import { MembershipStatus, SuppressionReason, type Subscriber } from '../subscriber/subscriber';
import { ConsentEventType, ConsentSource, consentEvent } from '../subscriber/consent';

/** What the mail provider reported about one sent message. */
export const MailEventType = {
  Delivery: 'delivery',
  Bounce: 'bounce',
  Complaint: 'complaint',
  /** The provider accepted the message, then refused to send it (e.g. a virus): nothing about the recipient. */
  Reject: 'reject',
  /**
   * Engagement, only with tracking switched on (configuration set open and click events): counted
   * per release and per link in aggregate, never kept per person. Opens are unreliable: Apple Mail
   * Privacy Protection loads every image, so many "opens" are the mail app, not the reader.
   */
  Open: 'open',
  Click: 'click',
} as const;
export type MailEventType = (typeof MailEventType)[keyof typeof MailEventType];

/** Permanent: the address does not exist. Transient and undetermined: try again later (mailbox full, greylisting, auto-reply). */
export const BounceType = {
  Permanent: 'permanent',
  Transient: 'transient',
  Undetermined: 'undetermined',
} as const;
export type BounceType = (typeof BounceType)[keyof typeof BounceType];

/** A provider event in the domain's terms; the SES adapter builds it from SES's JSON. */
export interface MailEvent {
  type: MailEventType;
  /** The provider's id of the message (SES `mail.messageId`). */
  messageId: string;
  /** The recipients the event is about: bounced, complained or delivered addresses. */
  recipients: string[];
  /** Only for bounces. */
  bounceType?: BounceType;
  /** The provider's finer reason, e.g. `General`, `MailboxFull`, `OnAccountSuppressionList`. */
  bounceSubType?: string;
  /** Only for clicks: the link followed (as it was in the email, before the provider's rewriting). */
  link?: string;
  /** The tags the message was sent with (see send-email.ts), when the provider returned them. */
  releaseId?: string;
  subscriberId?: string;
  listId?: string;
  occurredAt?: string;
}

/** What was done for one recipient of an event. */
export const MailEventAction = {
  Suppressed: 'suppressed',
  /** A transient bounce was counted; the subscriber is still mailable. */
  TransientCounted: 'transient-counted',
  /** A complaint: every list left and the address suppressed. */
  UnsubscribedAndSuppressed: 'unsubscribed-and-suppressed',
  Delivered: 'delivered',
  /** Counted against the release only (a reject). */
  Counted: 'counted',
  /** No subscriber has this address (erased, or not ours): nothing to change. */
  UnknownRecipient: 'unknown-recipient',
  /** An open or a click, counted against its release in aggregate (nothing about the subscriber changes). */
  Engagement: 'engagement',
} as const;
export type MailEventAction = (typeof MailEventAction)[keyof typeof MailEventAction];

export interface MailEventOutcome {
  action: MailEventAction;
  subscriberId?: string;
  /** False when this (message, event, recipient) was handled before: a redelivery counted nothing. */
  firstSeen: boolean;
}

/** An event that can never be handled as sent: missing message id or recipients, an unknown type. */
export class MalformedMailEventError extends ValidationError {
  constructor(issues: FieldIssue[]) {
    super(issues, 'Malformed mail event');
    this.name = 'MalformedMailEventError';
  }
}

/** What acting on a mail event needs of the subscriber store: find the recipient, then suppress, unsubscribe or count a bounce. */
export type MailEventSubscribers = Pick<
  SubscriberStore,
  'get' | 'findByEmail' | 'suppress' | 'setMemberships' | 'resetTransientBounces' | 'recordTransientBounce' | 'recordConsent'
>;

export interface MailEventDeps {
  subscribers: MailEventSubscribers;
  releaseStats: ReleaseStatsStore;
  /**
   * With it, a report about a message sent to a subscriber is kept on that delivery (staff see who
   * got it, delivered or bounced), and that write is also what tells a first report from a
   * redelivered one; without it, or for a message with no delivery, a receipt item does.
   */
  deliveries?: Pick<DeliveryStore, 'recordReport' | 'get' | 'moveReportTally'>;
  clock: Clock;
  /**
   * How long a recorded report is left to the batch that recorded it before a redelivered copy
   * counts it instead (longer than a mail-events invocation lives). Default {@link DEFAULT_REPORT_GRACE_MS}.
   */
  reportGraceMs?: number;
  /** Transient bounces in a row (no delivery in between) that suppress an address. */
  transientBounceLimit: number;
  /** With both, a bounce or complaint that takes its release over a threshold pauses the send. */
  releases?: ReleaseStore;
  pauseThresholds?: PauseThresholds;
  /** Told `subscriber.suppressed` (outgoing webhooks). */
  events?: EventPublisher;
  /**
   * Whether the provider reports deliveries (default true). Without them nothing says a delivery
   * came between two transient bounces, so a count lapses after {@link TRANSIENT_BOUNCE_WINDOW_DAYS}
   * days without a bounce instead.
   */
  deliveryEvents?: boolean;
}

export const DEFAULT_TRANSIENT_BOUNCE_LIMIT = 3;

/**
 * Without delivery events: transient bounces this many days apart are not "in a row". A list mailed
 * weekly sends four times in that span, so a mailbox full for a month still reaches the limit, and
 * one that bounced twice in a year does not.
 */
export const TRANSIENT_BOUNCE_WINDOW_DAYS = 30;

/** Four times the mail-events function's 30 s timeout, and shorter than its queue's 180 s visibility timeout. */
export const DEFAULT_REPORT_GRACE_MS = 2 * 60_000;

/** Events handled at once within a batch (each makes a few sequential requests). */
const EVENT_CONCURRENCY = 10;

/** What the events of one batch share: the tally that counts them, and the releases to check against the pause thresholds. */
interface EventBatch {
  tally: BatchTally<number>;
  /** Releases a bounce or complaint of this batch concerned, with the events that concerned them. */
  alarming: Map<string, number[]>;
}

/** What each report about a recipient is kept as on their delivery. */
const REPORT_OF = {
  [MailEventType.Delivery]: 'delivered',
  [MailEventType.Bounce]: 'bounced',
  [MailEventType.Complaint]: 'complained',
  [MailEventType.Reject]: 'rejected',
} as const;

const COUNTER_OF: Record<MailEventType, ReleaseCounter> = {
  [MailEventType.Delivery]: ReleaseCounter.Delivered,
  [MailEventType.Bounce]: ReleaseCounter.Bounced,
  [MailEventType.Complaint]: ReleaseCounter.Complained,
  [MailEventType.Reject]: ReleaseCounter.Rejected,
  [MailEventType.Open]: ReleaseCounter.Opened,
  [MailEventType.Click]: ReleaseCounter.Clicked,
};

/** Checks the fields every handler step relies on. @throws MalformedMailEventError */
export function assertMailEvent(event: MailEvent): void {
  const issues: FieldIssue[] = [];
  if (!Object.values(MailEventType).includes(event.type)) issues.push({ field: 'type', message: `unknown event type "${String(event.type)}"` });
  if (typeof event.messageId !== 'string' || !event.messageId) issues.push({ field: 'messageId', message: 'is required' });
  if (!Array.isArray(event.recipients) || event.recipients.length === 0 || !event.recipients.every((r) => typeof r === 'string' && r.includes('@'))) {
    issues.push({ field: 'recipients', message: 'must list at least one address' });
  }
  if (event.type === MailEventType.Bounce && !Object.values(BounceType).includes(event.bounceType!)) {
    issues.push({ field: 'bounceType', message: `unknown bounce type "${String(event.bounceType)}"` });
  }
  if (event.type === MailEventType.Click && (typeof event.link !== 'string' || !event.link)) issues.push({ field: 'link', message: 'is required for a click' });
  if (issues.length) throw new MalformedMailEventError(issues);
}

/** The subscriber the message went to: the tagged one if the address still matches, else by address. */
async function findRecipient(event: MailEvent, recipient: string, subscribers: MailEventSubscribers): Promise<Subscriber | undefined> {
  if (event.subscriberId) {
    const tagged = await subscribers.get(event.subscriberId);
    if (tagged && tagged.email.toLowerCase() === recipient.toLowerCase()) return tagged;
  }
  return subscribers.findByEmail(recipient);
}

/**
 * Applies a bounce, complaint, delivery or reject event from the mail provider:
 *
 * - permanent bounce → the address is suppressed;
 * - transient or undetermined bounce → counted on the subscriber; the `transientBounceLimit`-th in a
 *   row suppresses it (a delivery in between starts the count again);
 * - complaint → every list is left and the address suppressed;
 * - delivery → the transient count is reset;
 * - each is also counted against the release the message carried (its `release` tag).
 *
 * SQS may deliver the same event more than once. Suppressing and unsubscribing are idempotent and
 * always run; what is not (the release counters, the transient count) runs only for the first copy,
 * gated by a receipt per (message, event type, recipient). {@link handleMailEvents} for one event.
 *
 * @throws MalformedMailEventError when the event lacks what the steps need.
 * @example
 * await handleMailEvent(parseSesEvent(body)!, { subscribers, releaseStats, clock, transientBounceLimit: 3 });
 */
export async function handleMailEvent(event: MailEvent, deps: MailEventDeps): Promise<MailEventOutcome[]> {
  const [result] = await handleMailEvents([event], deps);
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/**
 * Applies a queue batch of mail events ({@link handleMailEvent} says what each does), counting them
 * against their releases together: one counter write and one tally receipt per release a batch,
 * where it was a counter write per event (docs/benchmarks.md, figure 4).
 *
 * Timeline per event: find the recipient → idempotent effects (suppress, unsubscribe) → the report
 * on its delivery, marked with this batch's tally (the write that tells a first copy from a
 * redelivered one) → the transient count. Then the batch writes its counts and its receipt, and
 * checks each release a bounce or complaint concerned against the pause thresholds.
 *
 * Counted once, and at least once across a crash: a redelivered copy that finds the report recorded
 * by a batch whose receipt does not name it waits (fails, {@link MailEventBusyError}) while that
 * batch may still be running, then moves the report to its own tally and counts it. Events with no
 * delivery to keep a report on (an unknown address, an untagged message) and opens and clicks keep a
 * receipt item per event instead, written before counting: a crash before the batch's counter write
 * loses those counts rather than doubling them.
 *
 * @returns one settled result per event, in order, for the SQS partial batch response.
 * @example
 * const results = await handleMailEvents(events, { subscribers, releaseStats, deliveries, clock, transientBounceLimit: 3 });
 */
export async function handleMailEvents(events: MailEvent[], deps: MailEventDeps): Promise<PromiseSettledResult<MailEventOutcome[]>[]> {
  const batch: EventBatch = { tally: new BatchTally<number>(), alarming: new Map() };
  const results = await settleInOrder(events, (event, i) => handleOne(event, i, batch, deps));
  // An event whose count could not be written fails: its redelivery counts it.
  for (const { owner, error } of (await batch.tally.flush(deps.releaseStats, deps.clock.now())).failed) results[owner] = { status: 'rejected', reason: error };
  if (deps.releases && deps.pauseThresholds) {
    for (const [releaseId, concerned] of batch.alarming) {
      try {
        await pauseOnThresholds(releaseId, deps.pauseThresholds, { releases: deps.releases, releaseStats: deps.releaseStats, clock: deps.clock });
      } catch (error) {
        // Their redelivery checks again: a send must not run on past its thresholds for want of a retry.
        for (const i of concerned) results[i] = { status: 'rejected', reason: error };
      }
    }
  }
  return results;
}

/**
 * Runs `work` over the items, {@link EVENT_CONCURRENCY} at a time, one at a time per recipient (a
 * bounce and a delivery about one person read and change the same subscriber).
 */
async function settleInOrder<R>(events: MailEvent[], work: (event: MailEvent, i: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(events.length);
  const byRecipient = new Map<string, number[]>();
  events.forEach((event, i) => {
    const key = Array.isArray(event?.recipients) ? event.recipients.map((r) => String(r).trim().toLowerCase()).sort().join(',') : `#${i}`;
    byRecipient.set(key, [...(byRecipient.get(key) ?? []), i]);
  });
  const chains = [...byRecipient.values()];
  let next = 0;
  const runner = async () => {
    while (next < chains.length) {
      for (const i of chains[next++]) {
        try {
          results[i] = { status: 'fulfilled', value: await work(events[i], i) };
        } catch (reason) {
          results[i] = { status: 'rejected', reason };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(EVENT_CONCURRENCY, chains.length) }, runner));
  return results;
}

async function handleOne(event: MailEvent, i: number, batch: EventBatch, deps: MailEventDeps): Promise<MailEventOutcome[]> {
  assertMailEvent(event);
  const outcomes: MailEventOutcome[] = [];
  for (const recipient of new Set(event.recipients.map((r) => r.trim()))) {
    const engagement = event.type === MailEventType.Open || event.type === MailEventType.Click;
    outcomes.push(await (engagement ? countEngagement(event, recipient, i, batch, deps) : handleRecipient(event, recipient, i, batch, deps)));
  }
  return outcomes;
}

/** Whether the last bounce is older than the window in which transient bounces count as in a row. */
const lapsed = (lastBounceAt: string | undefined, now: Date) =>
  !lastBounceAt || now.getTime() - Date.parse(lastBounceAt) > TRANSIENT_BOUNCE_WINDOW_DAYS * 24 * 60 * 60_000;

/** Keys a link by a digest: receipts and per-link counters hold any URL within a key's length. */
export const linkKey = (url: string) => createHash('sha256').update(url).digest('base64url').slice(0, 22);

/**
 * An open or a click: counted against its release once per recipient (a reader who opens an email
 * five times is one open; a link clicked twice by one reader is one click on it), and a click on
 * each link once per recipient too. No subscriber is looked up and nothing about them is kept: the
 * receipts that make counting once possible hold a digest of the address and expire with the queue's
 * retention (so "once" means once within 14 days).
 */
async function countEngagement(event: MailEvent, recipient: string, i: number, batch: EventBatch, deps: MailEventDeps): Promise<MailEventOutcome> {
  if (!event.releaseId) return { action: MailEventAction.Engagement, firstSeen: true };
  const now = deps.clock.now();
  const receipt = { messageId: event.messageId, eventType: event.type, recipient };
  const firstSeen = await deps.releaseStats.recordEventOnce(receipt, now);
  if (firstSeen) batch.tally.add(event.releaseId, COUNTER_OF[event.type], undefined, i);
  if (event.type === MailEventType.Click && (await deps.releaseStats.recordEventOnce({ ...receipt, eventType: `click#${linkKey(event.link!)}` }, now))) {
    await deps.releaseStats.countLinkClick(event.releaseId, event.link!);
  }
  return { action: MailEventAction.Engagement, firstSeen };
}

/**
 * Keeps the first reason and date: a later bounce must not relabel a complaint. The consent history
 * gets the suppression, with the lists the person was still on, right after it (no transactions
 * locally). Only bounces and complaints come here, never deliveries: a send adds no write per email.
 */
async function suppressOnce(subscriber: Subscriber, reason: SuppressionReason, now: Date, deps: MailEventDeps, stillOn = listsStillOn(subscriber)): Promise<void> {
  if (subscriber.suppressedAt) return;
  await deps.subscribers.suppress(subscriber.id, reason, now);
  await deps.subscribers.recordConsent([
    { subscriberId: subscriber.id, event: consentEvent(ConsentEventType.Suppressed, stillOn, ConsentSource.System, now, { reason }) },
  ]);
  // After the change, once (an address already suppressed returned above); publishing never throws.
  const data = { subscriber: { id: subscriber.id, email: subscriber.email, lists: stillOn }, reason };
  await deps.events?.publish(webhookEvent(WebhookEventType.SubscriberSuppressed, data, now));
}

const listsStillOn = (subscriber: Subscriber) =>
  subscriber.memberships.filter((m) => m.status !== MembershipStatus.Unsubscribed).map((m) => m.listId);

async function handleRecipient(event: MailEvent, recipient: string, i: number, batch: EventBatch, deps: MailEventDeps): Promise<MailEventOutcome> {
  const now = deps.clock.now();
  const subscriber = await findRecipient(event, recipient, deps.subscribers);
  const subscriberId = subscriber?.id;

  // Idempotent effects first, so a redelivery after a crash still completes them.
  let action: MailEventAction = subscriber ? MailEventAction.Counted : MailEventAction.UnknownRecipient;
  if (subscriber) {
    if (event.type === MailEventType.Bounce && event.bounceType === BounceType.Permanent) {
      await suppressOnce(subscriber, SuppressionReason.PermanentBounce, now, deps);
      action = MailEventAction.Suppressed;
    } else if (event.type === MailEventType.Complaint) {
      const stillOn = listsStillOn(subscriber);
      if (stillOn.length) {
        await deps.subscribers.setMemberships(subscriber.id, stillOn.map((listId) => ({ listId, status: MembershipStatus.Unsubscribed })), now);
        const reason = { reason: SuppressionReason.Complaint };
        await deps.subscribers.recordConsent([
          { subscriberId: subscriber.id, event: consentEvent(ConsentEventType.Unsubscribed, stillOn, ConsentSource.System, now, reason) },
        ]);
      }
      await suppressOnce(subscriber, SuppressionReason.Complaint, now, deps, stillOn);
      action = MailEventAction.UnsubscribedAndSuppressed;
    } else if (event.type === MailEventType.Delivery) {
      // Most subscribers have never bounced: skip the write (one per email sent) when there is nothing to reset.
      if (subscriber.transientBounces) await deps.subscribers.resetTransientBounces(subscriber.id);
      action = MailEventAction.Delivered;
    }
  }

  const transient = event.type === MailEventType.Bounce && event.bounceType !== BounceType.Permanent;
  // Nothing left to count for an unknown address on an untagged message: no receipt needed.
  if (!event.releaseId && !(transient && subscriber)) return { action, subscriberId, firstSeen: true };

  // The receipt is the report kept on the delivery when there is one (one write, which also tells
  // staff how the email went for this person and names the tally that counts it), else a receipt item.
  const kind = REPORT_OF[event.type as keyof typeof REPORT_OF];
  const counter = COUNTER_OF[event.type];
  const onDelivery = event.releaseId && subscriber && event.subscriberId === subscriber.id && deps.deliveries
    ? await deps.deliveries.recordReport(event.releaseId, subscriber.id, { kind, at: now, ...(event.bounceType ? { bounceType: event.bounceType } : {}) }, batch.tally.id)
    : 'missing';
  let firstSeen: boolean;
  if (onDelivery === 'missing') {
    firstSeen = await deps.releaseStats.recordEventOnce({ messageId: event.messageId, eventType: event.type, recipient }, now);
    if (firstSeen && event.releaseId) batch.tally.add(event.releaseId, counter, undefined, i);
  } else {
    firstSeen = onDelivery === 'recorded';
    const entry = `${subscriber!.id}#${kind}`;
    if (firstSeen) batch.tally.add(event.releaseId!, counter, entry, i);
    else await recountIfLost(event.releaseId!, subscriber!.id, kind, counter, entry, i, batch, deps);
  }
  // Also for a redelivery: a crash between counting and this check must not let the send run on.
  const alarming = event.type === MailEventType.Bounce || event.type === MailEventType.Complaint;
  if (alarming && event.releaseId) batch.alarming.set(event.releaseId, [...(batch.alarming.get(event.releaseId) ?? []), i]);
  if (transient && subscriber) {
    if (firstSeen && deps.deliveryEvents === false && subscriber.transientBounces && lapsed(subscriber.lastBounceAt, now)) {
      await deps.subscribers.resetTransientBounces(subscriber.id);
    }
    // A redelivery re-checks the stored count, so a crash between counting and suppressing heals.
    const count = firstSeen ? await deps.subscribers.recordTransientBounce(subscriber.id, now) : (subscriber.transientBounces ?? 0);
    if (count >= deps.transientBounceLimit) {
      await suppressOnce(subscriber, SuppressionReason.TransientBounces, now, deps);
      action = MailEventAction.Suppressed;
    } else {
      action = MailEventAction.TransientCounted;
    }
  }
  return { action, subscriberId, firstSeen };
}

/**
 * A redelivered report: counted by the batch that recorded it, unless that batch died first, which
 * its receipt tells (it names every report it counted). A recent report may still be counted by a
 * live batch, so the copy waits ({@link MailEventBusyError}) until the report is older than
 * `reportGraceMs`; then the one copy that moves the report to its own tally counts it.
 */
async function recountIfLost(
  releaseId: string, subscriberId: string, kind: (typeof REPORT_OF)[keyof typeof REPORT_OF], counter: ReleaseCounter, entry: string, i: number, batch: EventBatch, deps: MailEventDeps,
): Promise<void> {
  const record = (await deps.deliveries!.get(releaseId, subscriberId)) as Record<string, unknown> | undefined;
  const pending = record?.[`${kind}Tally`];
  // No mark (recorded before tallies, or by a path that counts nothing), or this very batch's own.
  if (typeof pending !== 'string' || pending === batch.tally.id) return;
  if (await deps.releaseStats.tallyCounted(releaseId, pending, entry)) return;
  const reportedAt = Date.parse(String(record?.[`${kind}At`] ?? ''));
  if (!(deps.clock.now().getTime() - reportedAt >= (deps.reportGraceMs ?? DEFAULT_REPORT_GRACE_MS))) throw new MailEventBusyError(releaseId, subscriberId);
  if (await deps.deliveries!.moveReportTally(releaseId, subscriberId, kind, pending, batch.tally.id)) {
    batch.tally.add(releaseId, counter, entry, i);
  }
}
