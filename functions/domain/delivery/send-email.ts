import type { Clock, DeliveryStore, JobQueue, Mailer, ReleaseStatsStore, ReleaseStore, SendJob, SendRateGate, SubscriberStore } from '../ports';
import { NotFoundError } from '../errors';
import { RecipientPlaceholder, SendStatus, type Release } from '../release/release';
import { DeliveryStatus, type DeliveryRecord } from './delivery';
import type { ReleaseCounts } from './release-stats';
import { completeSendIfDone } from './control-send';
import { isDeliverable, type Subscriber } from '../subscriber/subscriber';
import { signToken, TokenPurpose, type SigningKeyring } from '../security/link-tokens';
import { signPreferencesToken } from '../subscriber/preferences';
import { buildMessageTemplate, personaliseMessage, type MessageTemplate } from './mime';
import { DeliveryBusyError, MailerRejectedError, MailerThrottledError } from './errors';
import type { ThrottleReading } from './send-rate';
import { memoizedListNames, type ListNames } from '../lists/list-names';

export interface SenderIdentity {
  from: { name?: string; address: string };
  replyTo?: string;
  /** Base of every link in the email, e.g. `https://news.example.org`. */
  publicUrl: string;
  /** The lists' current names, for the List-Id header (domain/lists/list-names.ts). */
  listNames: ListNames;
}

/** The From address's domain: Message-IDs, List-Ids and Feedback-IDs live under it. */
export function senderDomain(sender: Pick<SenderIdentity, 'from'>): string {
  return sender.from.address.split('@')[1];
}

/** Encodes an email from this sender once (From, Reply-To, subject, both parts) for personalising. */
export function senderTemplate(
  sender: Pick<SenderIdentity, 'from' | 'replyTo'>,
  email: { subject: string; html: string; text: string },
  placeholders: string[],
): MessageTemplate {
  return buildMessageTemplate({ from: sender.from, replyTo: sender.replyTo, ...email, placeholders });
}

export interface SendEmailDeps {
  releases: ReleaseStore;
  subscribers: SubscriberStore;
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
  /** Waits until a rate slot (tests pass a fake). */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Counts each delivery once when it ends, and completes the send. */
  releaseStats: ReleaseStatsStore;
  /** Where jobs of a paused release (delayed) and throttled jobs go back to, instead of being sent. */
  sendQueue: JobQueue<SendJob>;
  /** How long a job of a paused release waits before it looks again (SQS allows up to 900 s). Default 120. */
  pausedRecheckSeconds?: number;
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

const DEFAULT_PAUSED_RECHECK_SECONDS = 120;
const DEFAULT_STATUS_MAX_AGE_MS = 1000;

/**
 * Whether the fan-out certainly planned this subscriber through `listId` as well: they were on it
 * before the release started sending, so that list's job exists and this one can stand down without
 * even touching the claim. When in doubt (they joined later) both jobs go on and the claim decides.
 */
function plannedThrough(subscriber: Subscriber, listId: string, release: Release): boolean {
  const membership = subscriber.memberships.find((m) => m.listId === listId);
  // The fan-out's start, not the latest status change (a pause and resume move that later); without
  // it (a send resumed from queued after planning) let the claim decide.
  return !!release.sendStartedAt && !!membership && membership.changedAt <= release.sendStartedAt;
}

async function count(releaseId: string, counts: Partial<ReleaseCounts>, deps: SendEmailDeps): Promise<void> {
  await deps.releaseStats.increment(releaseId, counts);
}

/** How long a claim (and so a worker holding one) is trusted to live. */
const DEFAULT_CLAIM_LEASE_MS = 5 * 60_000;

type EndedAs = 'sent' | 'failed' | 'skipped';

const ENDED_AS: Partial<Record<DeliveryStatus, EndedAs>> = {
  [DeliveryStatus.Sent]: 'sent',
  [DeliveryStatus.Failed]: 'failed',
  [DeliveryStatus.Skipped]: 'skipped',
};

/**
 * The deliveries a batch ended, counted together once its sends are done: one counter write a batch
 * instead of one an email (DynamoDB writes are the largest cost after SES; docs/benchmarks.md,
 * figure 4).
 *
 * Counting is at least once: every ending write also sets `uncounted`, cleared only after the
 * counters were written. A worker that dies between the two leaves its messages on the queue; the
 * redelivered job finds the delivery ended and still `uncounted` and counts it
 * ({@link recountIfLost}), so the send still completes. Dying after counting but before clearing
 * counts that delivery twice: completion compares with `>=`, and one extra is better than a send
 * that never ends.
 */
class EndingTally {
  private readonly ended = new Map<string, { counts: Partial<ReleaseCounts>; jobs: SendJob[] }>();

  add(job: SendJob, as: EndedAs): void {
    const entry = this.ended.get(job.releaseId) ?? { counts: {}, jobs: [] };
    entry.counts[as] = (entry.counts[as] ?? 0) + 1;
    entry.jobs.push(job);
    this.ended.set(job.releaseId, entry);
  }

  /** Counts every ending, then clears the marks. @returns the jobs whose endings may not be counted, with the error. */
  async flush(deps: SendEmailDeps): Promise<{ job: SendJob; error: unknown }[]> {
    const uncounted: { job: SendJob; error: unknown }[] = [];
    for (const [releaseId, { counts, jobs }] of this.ended) {
      try {
        await count(releaseId, counts, deps);
      } catch (error) {
        uncounted.push(...jobs.map((job) => ({ job, error })));
        continue;
      }
      // A mark left set only means a redelivery recounts it later: the ending was counted here.
      await Promise.allSettled(jobs.map((job) => deps.deliveries.markCounted(releaseId, job.subscriberId)));
    }
    this.ended.clear();
    return uncounted;
  }
}

/** What the steps of one batch share besides the worker's dependencies. */
interface BatchDeps extends SendEmailDeps {
  tally: EndingTally;
  /** How the pacer read each throttle answer this batch had, by the error that carried it. */
  throttleReadings: WeakMap<MailerThrottledError, ThrottleReading>;
}

/**
 * A redelivered job whose delivery it ended itself: counted then, unless that worker died in
 * between. A recent ending may still be counted by a live worker (a redelivery can overtake a slow
 * batch), so the job waits (busy) until the ending is older than a claim lease, the longest a worker
 * is trusted to live; then the first to clear the mark counts it.
 */
async function recountIfLost(job: SendJob, record: DeliveryRecord, deps: SendEmailDeps): Promise<void> {
  const as = ENDED_AS[record.status];
  if (!record.uncounted || !as) return;
  const endedAt = Date.parse(record.endedAt ?? record.sentAt ?? '');
  const grace = deps.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
  if (!(deps.clock.now().getTime() - endedAt >= grace)) throw new DeliveryBusyError(job.releaseId, job.subscriberId);
  if (await deps.deliveries.markCounted(job.releaseId, job.subscriberId)) await count(job.releaseId, { [as]: 1 }, deps);
}

/**
 * A job that found its recipient's delivery ended by someone else. It is a redelivery of the job
 * that ended it (same list: counted already) or another list's job for the same recipient, which
 * counts once as `duplicate` so that ended jobs add up to `targeted`. A receipt per (release,
 * subscriber, job list) keeps a redelivered duplicate from counting again.
 *
 * @param ended whether the delivery is known ended by another list's job without a read.
 */
async function countDuplicateJob(job: SendJob, deps: SendEmailDeps, ended: 'other-list' | 'look' = 'look'): Promise<void> {
  if (ended === 'look') {
    const record = await deps.deliveries.get(job.releaseId, job.subscriberId);
    if (record?.status === DeliveryStatus.Claimed) throw new DeliveryBusyError(job.releaseId, job.subscriberId);
    if (!record) return;
    if ((record.jobListId ?? record.listId) === job.listId) return recountIfLost(job, record, deps);
  }
  const first = await deps.releaseStats.recordEventOnce(
    { messageId: `job:${job.releaseId}:${job.subscriberId}`, eventType: 'duplicate-job', recipient: job.listId },
    deps.clock.now(),
  );
  if (first) await count(job.releaseId, { duplicate: 1 }, deps);
}

/** Ends a delivery as skipped (counted once), or counts the job as a duplicate when it had ended. */
async function skip(job: SendJob, reason: string, deps: BatchDeps): Promise<SendOutcome> {
  if (await deps.deliveries.markSkipped(job.releaseId, job.subscriberId, job.listId, reason, deps.clock.now())) {
    deps.tally.add(job, 'skipped');
  } else {
    await countDuplicateJob(job, deps);
  }
  return 'skipped';
}

/** The URL behind every unsubscribe link and the List-Unsubscribe header. */
export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/unsubscribe/${token}`;
}

/** The URL behind every "manage preferences" link. */
export function preferencesUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/preferences/${token}`;
}

/**
 * Gmail's Feedback Loop identifier: up to four colon-separated fields, the last naming the sender.
 * Fields are cut to letters, digits, `.`, `_` and `-`, so an id can neither add a field nor break the header.
 *
 * @example
 * feedbackId('spring-update', 'blog', 'example.org'); // 'spring-update:blog:pressroom:example.org'
 */
export function feedbackId(releaseId: string, listId: string, senderDomain: string): string {
  const field = (value: string) => value.replace(/[^A-Za-z0-9._-]/g, '') || 'none';
  return [field(releaseId), field(listId), 'pressroom', field(senderDomain)].join(':');
}

async function templateFor(release: Release, deps: SendEmailDeps): Promise<MessageTemplate> {
  const cached = deps.templates.get(release.id);
  if (cached) return cached;
  const rendered = await deps.releases.getRendered(release.id);
  if (!rendered) throw new NotFoundError(`Release ${release.id} has not been rendered`);
  const template = senderTemplate(deps.sender, rendered, [RecipientPlaceholder.UnsubscribeUrl, RecipientPlaceholder.PreferencesUrl]);
  // A worker sees few releases at a time; keep the newest handful rather than grow without bound.
  if (deps.templates.size >= 8) deps.templates.delete(deps.templates.keys().next().value!);
  deps.templates.set(release.id, template);
  return template;
}

/** A delivery that passed its checks and holds its claim: the message is built, ready to go. */
interface PreparedDelivery {
  job: SendJob;
  release: Release;
  subscriberId: string;
  email: string;
  listId: string;
  raw: Buffer;
}

/**
 * Everything before the provider call: check the subscriber can still be mailed (they may have left
 * since the fan-out), claim the delivery, build the message. Returns an outcome when there is
 * nothing to send.
 */
async function prepareDelivery(job: SendJob, release: Release, deps: BatchDeps): Promise<PreparedDelivery | SendOutcome> {
  const now = deps.clock.now();
  const subscriber = await deps.subscribers.get(job.subscriberId);
  // The first targeted list the subscriber is still on decides whose unsubscribe link they get, so a
  // member of two lists is sent (and claimed) the same way whichever job arrives first.
  const listId = subscriber && release.lists.find((list) => isDeliverable(subscriber, list));
  if (!subscriber || !listId) return skip(job, 'not subscribed or suppressed at send time', deps);
  // Only a job for a later list may stand down for an earlier one: the planner plans each member
  // through their first list, so a job for a later list exists only if they left that one.
  if (listId !== job.listId && release.lists.indexOf(listId) < release.lists.indexOf(job.listId) && plannedThrough(subscriber, listId, release)) {
    await countDuplicateJob(job, deps, 'other-list');
    return 'duplicate';
  }

  const claim = await deps.deliveries.claim(release.id, subscriber.id, listId, now, deps.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS, job.listId);
  if (claim === 'done') {
    await countDuplicateJob(job, deps);
    return 'duplicate';
  }
  if (claim === 'busy') throw new DeliveryBusyError(release.id, subscriber.id);

  const template = await templateFor(release, deps);
  const link = unsubscribeUrl(
    deps.sender.publicUrl,
    signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId: subscriber.id, listId }, deps.keyring),
  );
  const domain = senderDomain(deps.sender);
  const listName = await deps.sender.listNames.nameOf(listId);
  const raw = personaliseMessage(template, {
    to: subscriber.email,
    values: {
      [RecipientPlaceholder.UnsubscribeUrl]: link,
      [RecipientPlaceholder.PreferencesUrl]: preferencesUrl(deps.sender.publicUrl, signPreferencesToken(subscriber.id, deps.keyring)),
    },
    // Stable per delivery, so a rare duplicate after a crash threads as the same message.
    messageId: `<${release.id}.${subscriber.id}@${domain}>`,
    date: now,
    headers: {
      'List-Id': `${listName.replace(/[<>"\r\n]/g, '')} <${listId}.${domain}>`,
      'List-Unsubscribe': `<${link}>`,
      // RFC 8058: tells mailbox providers a POST to the URL above unsubscribes without further steps.
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Feedback-ID': feedbackId(release.id, listId, domain),
    },
  });
  return { job, release, subscriberId: subscriber.id, email: subscriber.email, listId, raw };
}

/** The provider call and its record. */
async function deliver(prepared: PreparedDelivery, deps: BatchDeps): Promise<SendOutcome> {
  const { job, release, subscriberId, email, listId, raw } = prepared;
  try {
    const { messageId } = await deps.mailer.sendRaw({
      from: deps.sender.from.address,
      to: email,
      raw,
      // Bounce and complaint events carry these back, so they count against the right release.
      tags: { release: release.id, subscriber: subscriberId, list: listId },
    });
    // Counted only when this record ended the delivery: if our lease ran out and another worker
    // sent and recorded it too, that worker counted it.
    if (await deps.deliveries.markSent(release.id, subscriberId, messageId, deps.clock.now())) {
      deps.tally.add(job, 'sent');
    }
    return 'sent';
  } catch (error) {
    if (error instanceof MailerRejectedError) {
      if (await deps.deliveries.markFailed(release.id, subscriberId, error.message, deps.clock.now())) {
        deps.tally.add(job, 'failed');
      }
      return 'rejected';
    }
    if (error instanceof MailerThrottledError) {
      await deps.deliveries.releaseClaim(release.id, subscriberId);
      deps.throttleReadings.set(error, (await deps.rateGate?.slowDown(deps.clock.now())) ?? 'too-fast');
    }
    // Any other error may have happened after SES accepted the message: the claim stays until its
    // lease runs out, so a retry sends at most one duplicate rather than losing the email.
    throw error;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (clearing the timer, so none outlives its batch). */
const defaultWait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * The status of each release in a batch: one read for all its jobs (they ask at once, so the read
 * itself is shared), and again only when `fresh` is asked for and the last read is older than
 * `statusMaxAgeMs`.
 */
class ReleaseStatuses {
  private readonly read = new Map<string, { release: Promise<Release | undefined>; at: number }>();
  constructor(private readonly deps: SendEmailDeps) {}

  get(releaseId: string, fresh = false): Promise<Release | undefined> {
    const now = this.deps.clock.now().getTime();
    const known = this.read.get(releaseId);
    if (known && !(fresh && now - known.at > (this.deps.statusMaxAgeMs ?? DEFAULT_STATUS_MAX_AGE_MS))) return known.release;
    const release = this.deps.releases.get(releaseId);
    this.read.set(releaseId, { release, at: now });
    return release;
  }

  ids(): string[] {
    return [...this.read.keys()];
  }
}

/** What the release's status says to do with a job before anything is claimed or sent. */
async function gate(job: SendJob, release: Release | undefined, deferred: SendJob[], deps: BatchDeps): Promise<SendOutcome | undefined> {
  if (!release) throw new NotFoundError(`Release ${job.releaseId} not found`);
  if (release.sendStatus === SendStatus.Paused) {
    deferred.push(job);
    return 'deferred';
  }
  if (release.sendStatus === SendStatus.Cancelled) return skip(job, 'cancelled', deps);
  if (release.sendStatus === SendStatus.Failed) return skip(job, 'release failed', deps);
  return undefined;
}

/**
 * How long a throttled job stays off the queue: not at all. The pacer's shared state already holds
 * every worker back for the pause after a throttle (50–200 ms), so a job taken straight up again
 * waits for a slot after it. A delay only added idle time at the end of a send, when the last
 * throttled jobs are all that is left (figure 2b lost ~1.8 s of 55 to a 2 s delay).
 */
export const THROTTLE_RETRY_SECONDS = 0;

/** Puts jobs back on the queue with a delay; if that fails, their messages fail instead, so SQS brings them back. */
async function requeue(
  later: SendJob[],
  delaySeconds: number,
  jobs: SendJob[],
  results: PromiseSettledResult<SendOutcome>[],
  deps: SendEmailDeps,
): Promise<void> {
  if (!later.length) return;
  try {
    await deps.sendQueue.send(later, { delaySeconds });
  } catch (error) {
    jobs.forEach((job, i) => {
      if (later.includes(job)) results[i] = { status: 'rejected', reason: error };
    });
  }
}

/**
 * Sends one SQS batch of deliveries at the shared rate, each at most once, and counts each ended
 * delivery once.
 *
 * Timeline: read each release's status once → paused: re-enqueue the job with a delay (no receive
 * burnt towards the DLQ); cancelled: end it as skipped → prepare the rest (checks, claim, message) →
 * reserve one rate slot per message that is ready → each message, at its own slot and without
 * waiting for the others: re-read a status older than `statusMaxAgeMs` (a pause or cancel stops the
 * batch there) → send → record; then count the batch's endings in one write → check whether the
 * send is complete. A throttled send gives its claim back and slows every worker down; when the
 * pacer reads it as a rate too high (not jitter), the messages of the batch whose slots had not come
 * yet give theirs back too (their slots assumed that rate). Those jobs go straight back on the queue
 * (`deferred`) and wait for slots at the new rate. A rejected address is recorded as failed and not
 * retried.
 *
 * @returns one settled result per job, in order, for the SQS partial batch response.
 * @example
 * const results = await sendBatch(jobs, deps);
 */
export async function sendBatch(jobs: SendJob[], workerDeps: SendEmailDeps): Promise<PromiseSettledResult<SendOutcome>[]> {
  // One name read per list per batch, so a rename reaches the next batch.
  const sender = { ...workerDeps.sender, listNames: memoizedListNames(workerDeps.sender.listNames) };
  const deps: BatchDeps = { ...workerDeps, sender, tally: new EndingTally(), throttleReadings: new WeakMap() };
  const statuses = new ReleaseStatuses(deps);
  const deferred: SendJob[] = [];
  const prepared = await Promise.allSettled(
    jobs.map(async (job) => {
      const release = await statuses.get(job.releaseId);
      return (await gate(job, release, deferred, deps)) ?? prepareDelivery(job, release!, deps);
    }),
  );
  const ready = prepared.flatMap((r, i) => (r.status === 'fulfilled' && typeof r.value === 'object' ? [{ i, delivery: r.value }] : []));
  const results: PromiseSettledResult<SendOutcome>[] = prepared.map((r) =>
    r.status === 'rejected' ? r : { status: 'fulfilled', value: r.value as SendOutcome },
  );
  const slots = deps.rateGate && ready.length ? await deps.rateGate.reserve(ready.length, deps.clock.now()) : [];
  const wait = deps.wait ?? defaultWait;
  // Throttled jobs go back on the queue instead of failing their message: a throttle is no fault of
  // the job, and failing would walk it towards the dead-letter queue.
  const throttledJobs: SendJob[] = [];
  // Set, and `stopped` settled, when a throttle says the rate itself is too high: the messages still
  // waiting stop waiting and go back too (their slots assumed that rate). A throttle the pacer reads
  // as jitter leaves them their slots: every other batch keeps its reserved slots as well, and a
  // slot given back is a slot nobody sends in.
  let stop = false;
  let onStop!: () => void;
  const stopped = new Promise<void>((resolve) => (onStop = resolve));
  const stopWaiting = new AbortController();
  // Each message waits for its own slot and goes without waiting for the previous answer: sent one
  // after another, a batch ran later and later behind its slots (an SES round trip is longer than a
  // slot at 200/s) and a worker could send at most one message per round trip (docs/benchmarks.md,
  // figure 2b).
  await Promise.all(
    ready.map(async ({ i, delivery }, n) => {
      const { job, release, subscriberId } = delivery;
      const delay = slots[n] ? slots[n].getTime() - deps.clock.now().getTime() : 0;
      if (delay > 0 && !stop) await Promise.race([wait(delay, stopWaiting.signal), stopped]);
      try {
        if (stop) {
          await deps.deliveries.releaseClaim(release.id, subscriberId);
          throttledJobs.push(job);
          results[i] = { status: 'fulfilled', value: 'deferred' };
          return;
        }
        const now = await statuses.get(release.id, true);
        if (now?.sendStatus === SendStatus.Paused || now?.sendStatus === SendStatus.Cancelled || now?.sendStatus === SendStatus.Failed) {
          // Paused or cancelled while this batch waited: give the claim back, then defer or skip.
          await deps.deliveries.releaseClaim(release.id, subscriberId);
          results[i] = { status: 'fulfilled', value: (await gate(job, now, deferred, deps))! };
          return;
        }
        results[i] = { status: 'fulfilled', value: await deliver(delivery, deps) };
      } catch (error) {
        if (error instanceof MailerThrottledError) {
          throttledJobs.push(job);
          results[i] = { status: 'fulfilled', value: 'deferred' };
          if (deps.throttleReadings.get(error) !== 'jitter') {
            stop = true;
            onStop();
            stopWaiting.abort();
          }
        } else results[i] = { status: 'rejected', reason: error };
      }
    }),
  );

  // A job whose ending could not be counted fails its message: its redelivery counts it.
  for (const { job, error } of await deps.tally.flush(deps)) results[jobs.indexOf(job)] = { status: 'rejected', reason: error };
  await requeue(deferred, deps.pausedRecheckSeconds ?? DEFAULT_PAUSED_RECHECK_SECONDS, jobs, results, deps);
  await requeue(throttledJobs, THROTTLE_RETRY_SECONDS, jobs, results, deps);
  for (const releaseId of statuses.ids()) {
    try {
      await completeSendIfDone(releaseId, deps);
    } catch {
      // Completion is re-checked after every batch and when planning finishes; one miss is harmless.
    }
  }
  return results;
}

/**
 * Sends one release to one subscriber, at most once: {@link sendBatch} for a single job.
 *
 * @throws MailerThrottledError to ask for a retry; DeliveryBusyError when another worker holds the claim.
 */
export async function sendEmail(job: SendJob, deps: SendEmailDeps): Promise<SendOutcome> {
  const [result] = await sendBatch([job], deps);
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}
