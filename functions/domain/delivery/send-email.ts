import type { SendJob } from './ports';
import { NotFoundError } from '../errors';
import { SendStatus } from '../release/send-status';
import type { Release } from '../release/release';
import { PausedBy } from '../release/send-status';
import { completeSendIfDone, pauseSend, resumeAfterQuota } from './control-send';
import { EndingTally, skip } from './ending-tally';
import { MailerQuotaExceededError, MailerRejectedError, MailerThrottledError } from './errors';
import { endedJobs, quotaPauseOver, quotaResumeAt } from './send-progress';
import { prepareDelivery, type PreparedDelivery } from './prepare-delivery';
import type { BatchDeps, SendEmailDeps, SendOutcome } from './send-deps';
import { memoizedListNames } from '../lists/list-names';

export type { SendEmailDeps, SendOutcome } from './send-deps';

const DEFAULT_PAUSED_RECHECK_SECONDS = 120;
const DEFAULT_QUOTA_RECHECK_SECONDS = 3600;
/** SQS's longest message delay: a job of a send paused for longer comes back, finds it paused, and waits again. */
const MAX_DELAY_SECONDS = 900;
const DEFAULT_STATUS_MAX_AGE_MS = 1000;

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
    if (await deps.deliveries.markSent(release.id, subscriberId, messageId, deps.clock.now(), deps.tally.id)) {
      deps.tally.add(job, 'sent');
    }
    return 'sent';
  } catch (error) {
    if (error instanceof MailerRejectedError) {
      if (await deps.deliveries.markFailed(release.id, subscriberId, error.message, deps.clock.now(), deps.tally.id)) {
        deps.tally.add(job, 'failed');
      }
      return 'rejected';
    }
    if (error instanceof MailerThrottledError) {
      await deps.deliveries.releaseClaim(release.id, subscriberId);
      deps.throttleReadings.set(error, (await deps.rateGate?.slowDown(deps.clock.now())) ?? 'too-fast');
    }
    // Not a rate cut: the pacer's rate is right, the day's allowance is spent (the send pauses).
    if (error instanceof MailerQuotaExceededError) await deps.deliveries.releaseClaim(release.id, subscriberId);
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
    // A send the daily quota paused resumes here, once its time has come: a job of it coming back
    // is what notices (every job of a paused send comes back by then, see `deferFor`).
    // Eventually consistent: a pause reaches a batch within about `statusMaxAgeMs` by design, and a
    // release item (its body) is several read units, half of them saved per read this way. The
    // completion check after the batch reads consistently (it must see planning finished).
    const release = this.deps.releases
      .get(releaseId, { consistent: false })
      .then((r) => (r && quotaPauseOver(r, this.deps.clock.now()) ? resumeAfterQuota(r, this.deps) : r));
    this.read.set(releaseId, { release, at: now });
    return release;
  }

  ids(): string[] {
    return [...this.read.keys()];
  }
}

/** Jobs to put back on the queue, by delay. */
type Later = Map<number, SendJob[]>;
const putBack = (later: Later, delaySeconds: number, job: SendJob) => void later.set(delaySeconds, [...(later.get(delaySeconds) ?? []), job]);

/**
 * How long a job of a paused send stays off the queue: until a daily-quota pause is due to end
 * (SQS allows 900 s at most; the job then looks again), else the paused-recheck interval.
 */
function deferFor(release: Release, deps: SendEmailDeps): number {
  const untilResume = release.pausedBy === PausedBy.Quota && release.resumeAt ? Date.parse(release.resumeAt) - deps.clock.now().getTime() : NaN;
  if (untilResume > 0) return Math.min(MAX_DELAY_SECONDS, Math.ceil(untilResume / 1000));
  return deps.pausedRecheckSeconds ?? DEFAULT_PAUSED_RECHECK_SECONDS;
}

/** What the release's status says to do with a job before anything is claimed or sent. */
async function gate(job: SendJob, release: Release | undefined, later: Later, deps: BatchDeps): Promise<SendOutcome | undefined> {
  if (!release) throw new NotFoundError(`Release ${job.releaseId} not found`);
  if (release.sendStatus === SendStatus.Paused) {
    putBack(later, deferFor(release, deps), job);
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

/** Puts jobs back on the queue with their delays; if that fails, their messages fail instead, so SQS brings them back. */
async function requeue(later: Later, jobs: SendJob[], results: PromiseSettledResult<SendOutcome>[], deps: SendEmailDeps): Promise<void> {
  for (const [delaySeconds, group] of later) {
    try {
      await deps.sendQueue.send(group, { delaySeconds });
    } catch (error) {
      jobs.forEach((job, i) => {
        if (group.includes(job)) results[i] = { status: 'rejected', reason: error };
      });
    }
  }
}

/**
 * Pauses each send whose job met the provider's daily quota (`pausedBy: 'quota'`, resuming by
 * itself at {@link quotaResumeAt}) and puts those jobs back until then. A send another worker paused
 * first, or staff paused or cancelled, is left as it is; its jobs come back and find it so.
 */
async function pauseForQuota(quotaJobs: SendJob[], statuses: ReleaseStatuses, later: Later, deps: BatchDeps): Promise<void> {
  const now = deps.clock.now();
  for (const releaseId of new Set(quotaJobs.map((job) => job.releaseId))) {
    const release = await statuses.get(releaseId);
    const resumeAt = release ? quotaResumeAt(release, now, (deps.quotaRecheckSeconds ?? DEFAULT_QUOTA_RECHECK_SECONDS) * 1000) : now;
    try {
      await pauseSend(releaseId, deps, { by: PausedBy.Quota, reason: 'the daily sending quota is used up', resumeAt });
    } catch {
      // Paused already (another worker met the quota too), or cancelled: nothing to change.
    }
    const delay = Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((resumeAt.getTime() - now.getTime()) / 1000)));
    for (const job of quotaJobs) if (job.releaseId === releaseId) putBack(later, delay, job);
  }
}

/**
 * How long before the invocation's end the last send of a batch may start: its SES answer (~0.1 s,
 * up to ~0.5 s when the SDK retries a dropped connection), then the batch's count write, requeues and
 * completion check (a few DynamoDB and SQS calls). A send later than that could be cut off by the
 * timeout with its claim held, and its job would come back only after the visibility timeout, one
 * receive nearer the dead-letter queue. An invocation with less than three times this left at its
 * start keeps a third of it instead (the local runner's tests give functions 1–3 s), so that a
 * batch always has time to send something and never requeues itself forever.
 */
export const SEND_DEADLINE_MARGIN_MS = 1_000;

/** The latest a batch's sends may start, or undefined when the batch has no deadline. */
function lastSlotTime(deps: SendEmailDeps, batchStart: Date): Date | undefined {
  if (!deps.invocationEndsAt) return undefined;
  const left = deps.invocationEndsAt.getTime() - batchStart.getTime();
  return new Date(deps.invocationEndsAt.getTime() - Math.min(SEND_DEADLINE_MARGIN_MS, Math.max(0, left) / 3));
}

/**
 * Sends one SQS batch of deliveries at the shared rate, each at most once, and counts each ended
 * delivery once.
 *
 * Timeline: read each release's status once → paused: re-enqueue the job with a delay (no receive
 * burnt towards the DLQ); cancelled: end it as skipped → prepare the rest (checks, claim, message) →
 * reserve one rate slot per message that is ready, only as many as start before the invocation ends
 * (`invocationEndsAt` less {@link SEND_DEADLINE_MARGIN_MS} or a third of the time left; the others give their claim back and go
 * straight back on the queue, `deferred`) → each message, at its own slot and without
 * waiting for the others: re-read a status older than `statusMaxAgeMs` (a pause or cancel stops the
 * batch there) → send → record; then count the batch's endings in one write → check whether the
 * send is complete. A daily-quota refusal is no rate cut: the sends of its release pause
 * (`pausedBy: 'quota'`, `resumeAt` from {@link quotaResumeAt}), the batch's waiting messages stop,
 * and their jobs come back once the pause is due to end; the first job back resumes the send. A
 * throttled send gives its claim back and slows every worker down; when the
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
  const sendBy = lastSlotTime(deps, deps.clock.now());
  const statuses = new ReleaseStatuses(deps);
  const later: Later = new Map();
  const prepared = await Promise.allSettled(
    jobs.map(async (job) => {
      const release = await statuses.get(job.releaseId);
      return (await gate(job, release, later, deps)) ?? prepareDelivery(job, release!, deps);
    }),
  );
  const ready = prepared.flatMap((r, i) => (r.status === 'fulfilled' && typeof r.value === 'object' ? [{ i, delivery: r.value }] : []));
  const results: PromiseSettledResult<SendOutcome>[] = prepared.map((r) =>
    r.status === 'rejected' ? r : { status: 'fulfilled', value: r.value as SendOutcome },
  );
  const slots = deps.rateGate && ready.length ? await deps.rateGate.reserve(ready.length, deps.clock.now(), sendBy) : [];
  // Throttled jobs, and jobs whose slot would come after the invocation's end, go back on the queue
  // instead of failing their message: neither is the job's fault, and failing would walk it towards
  // the dead-letter queue.
  const throttledJobs: SendJob[] = [];
  // Jobs that met the daily quota, or waited for a slot when another did: their sends pause.
  const quotaJobs: SendJob[] = [];
  const outOfTime = deps.rateGate ? ready.slice(slots.length) : sendBy && deps.clock.now() > sendBy ? ready : [];
  await Promise.all(
    outOfTime.map(async ({ i, delivery: { job, release, subscriberId } }) => {
      try {
        await deps.deliveries.releaseClaim(release.id, subscriberId);
        throttledJobs.push(job);
        results[i] = { status: 'fulfilled', value: 'deferred' };
      } catch (error) {
        results[i] = { status: 'rejected', reason: error };
      }
    }),
  );
  const wait = deps.wait ?? defaultWait;
  // Aborted when a throttle says the rate itself is too high: the messages still waiting stop
  // waiting and go back too (their slots assumed that rate). A throttle the pacer reads as jitter
  // leaves them their slots: every other batch keeps its reserved slots as well, and a slot given
  // back is a slot nobody sends in. Aborted with the reason 'quota' when the daily quota is used up:
  // the quota is the account's, so every message still waiting would meet it too.
  const stopWaiting = new AbortController();
  // Each message waits for its own slot and goes without waiting for the previous answer: sent one
  // after another, a batch ran later and later behind its slots (an SES round trip is longer than a
  // slot at 200/s) and a worker could send at most one message per round trip (docs/benchmarks.md,
  // figure 2b).
  await Promise.all(
    ready.slice(0, ready.length - outOfTime.length).map(async ({ i, delivery }, n) => {
      const { job, release, subscriberId } = delivery;
      const delay = slots[n] ? slots[n].getTime() - deps.clock.now().getTime() : 0;
      if (delay > 0 && !stopWaiting.signal.aborted) await wait(delay, stopWaiting.signal);
      try {
        if (stopWaiting.signal.aborted) {
          await deps.deliveries.releaseClaim(release.id, subscriberId);
          (stopWaiting.signal.reason === 'quota' ? quotaJobs : throttledJobs).push(job);
          results[i] = { status: 'fulfilled', value: 'deferred' };
          return;
        }
        const now = await statuses.get(release.id, true);
        if (now?.sendStatus === SendStatus.Paused || now?.sendStatus === SendStatus.Cancelled || now?.sendStatus === SendStatus.Failed) {
          // Paused or cancelled while this batch waited: give the claim back, then defer or skip.
          await deps.deliveries.releaseClaim(release.id, subscriberId);
          results[i] = { status: 'fulfilled', value: (await gate(job, now, later, deps))! };
          return;
        }
        results[i] = { status: 'fulfilled', value: await deliver(delivery, deps) };
      } catch (error) {
        if (error instanceof MailerThrottledError) {
          throttledJobs.push(job);
          results[i] = { status: 'fulfilled', value: 'deferred' };
          if (deps.throttleReadings.get(error) !== 'jitter') stopWaiting.abort();
        } else if (error instanceof MailerQuotaExceededError) {
          quotaJobs.push(job);
          results[i] = { status: 'fulfilled', value: 'deferred' };
          stopWaiting.abort('quota');
        } else results[i] = { status: 'rejected', reason: error };
      }
    }),
  );

  // A job whose ending could not be counted fails its message: its redelivery counts it.
  const { uncounted, totals } = await deps.tally.flush(deps);
  for (const { job, error } of uncounted) results[jobs.indexOf(job)] = { status: 'rejected', reason: error };
  await pauseForQuota(quotaJobs, statuses, later, deps);
  for (const job of throttledJobs) putBack(later, THROTTLE_RETRY_SECONDS, job);
  await requeue(later, jobs, results, deps);
  for (const releaseId of statuses.ids()) {
    try {
      const after = totals.get(releaseId);
      // Planning had finished when this batch read the release, so its `targeted` is final: totals
      // short of it need no read at all. Else, with the totals, only a batch that may have ended the
      // send reads the counters.
      const seen = await statuses.get(releaseId);
      if (after && seen?.planningFinishedAt && typeof seen.targeted === 'number' && endedJobs(after) < seen.targeted) continue;
      await completeSendIfDone(releaseId, deps, undefined, after);
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
