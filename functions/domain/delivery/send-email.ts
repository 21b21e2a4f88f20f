import type { Clock, DeliveryStore, Mailer, ReleaseStore, SendJob, SendRateGate, SubscriberStore } from '../ports';
import { NotFoundError } from '../errors';
import { RecipientPlaceholder, SendStatus, type Release } from '../release/release';
import { isDeliverable, type Subscriber } from '../subscriber/subscriber';
import { signToken, TokenPurpose, type SigningKeyring } from '../security/link-tokens';
import { signPreferencesToken } from '../subscriber/preferences';
import { buildMessageTemplate, personaliseMessage, type MessageTemplate } from './mime';
import { DeliveryBusyError, MailerRejectedError, MailerThrottledError } from './errors';

export interface SenderIdentity {
  from: { name?: string; address: string };
  replyTo?: string;
  /** Base of every link in the email, e.g. `https://news.example.org`. */
  publicUrl: string;
  /** List names by id, for the List-Id header. */
  listNames: ReadonlyMap<string, string>;
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
  wait?: (ms: number) => Promise<void>;
}

export type SendOutcome = 'sent' | 'duplicate' | 'skipped' | 'rejected';

/**
 * Whether the fan-out certainly planned this subscriber through `listId` as well: they were on it
 * before the release started sending, so that list's job exists and this one can stand down without
 * even touching the claim. When in doubt (they joined later) both jobs go on and the claim decides.
 */
function plannedThrough(subscriber: Subscriber, listId: string, release: Release): boolean {
  const membership = subscriber.memberships.find((m) => m.listId === listId);
  return release.sendStatus !== SendStatus.Queued && !!membership && membership.changedAt <= release.statusChangedAt;
}

/** The URL behind every unsubscribe link and the List-Unsubscribe header. */
export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/unsubscribe/${token}`;
}

/** The URL behind every "manage preferences" link. */
export function preferencesUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/preferences/${token}`;
}

async function templateFor(release: Release, deps: SendEmailDeps): Promise<MessageTemplate> {
  const cached = deps.templates.get(release.id);
  if (cached) return cached;
  const rendered = await deps.releases.getRendered(release.id);
  if (!rendered) throw new NotFoundError(`Release ${release.id} has not been rendered`);
  const template = buildMessageTemplate({
    from: deps.sender.from,
    replyTo: deps.sender.replyTo,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    placeholders: [RecipientPlaceholder.UnsubscribeUrl, RecipientPlaceholder.PreferencesUrl],
  });
  // A worker sees few releases at a time; keep the newest handful rather than grow without bound.
  if (deps.templates.size >= 8) deps.templates.delete(deps.templates.keys().next().value!);
  deps.templates.set(release.id, template);
  return template;
}

/** A delivery that passed its checks and holds its claim: the message is built, ready to go. */
interface PreparedDelivery {
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
async function prepareDelivery(job: SendJob, deps: SendEmailDeps): Promise<PreparedDelivery | SendOutcome> {
  const release = await deps.releases.get(job.releaseId);
  if (!release) throw new NotFoundError(`Release ${job.releaseId} not found`);
  const now = deps.clock.now();
  const subscriber = await deps.subscribers.get(job.subscriberId);
  // The first targeted list the subscriber is still on decides whose unsubscribe link they get, so a
  // member of two lists is sent (and claimed) the same way whichever job arrives first.
  const listId = subscriber && release.lists.find((list) => isDeliverable(subscriber, list));
  if (!subscriber || !listId) {
    await deps.deliveries.markSkipped(release.id, job.subscriberId, job.listId, 'not subscribed or suppressed at send time', now);
    return 'skipped';
  }
  if (listId !== job.listId && plannedThrough(subscriber, listId, release)) return 'duplicate';

  const claim = await deps.deliveries.claim(release.id, subscriber.id, listId, now, deps.claimLeaseMs ?? 5 * 60_000);
  if (claim === 'done') return 'duplicate';
  if (claim === 'busy') throw new DeliveryBusyError(release.id, subscriber.id);

  const template = await templateFor(release, deps);
  const link = unsubscribeUrl(
    deps.sender.publicUrl,
    signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId: subscriber.id, listId }, deps.keyring),
  );
  const domain = deps.sender.from.address.split('@')[1];
  const listName = deps.sender.listNames.get(listId) ?? listId;
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
    },
  });
  return { release, subscriberId: subscriber.id, email: subscriber.email, listId, raw };
}

/** The provider call and its record. */
async function deliver(prepared: PreparedDelivery, deps: SendEmailDeps): Promise<SendOutcome> {
  const { release, subscriberId, email, listId, raw } = prepared;
  try {
    const { messageId } = await deps.mailer.sendRaw({
      from: deps.sender.from.address,
      to: email,
      raw,
      // Bounce and complaint events carry these back, so they count against the right release.
      tags: { release: release.id, subscriber: subscriberId, list: listId },
    });
    await deps.deliveries.markSent(release.id, subscriberId, messageId, deps.clock.now());
    return 'sent';
  } catch (error) {
    if (error instanceof MailerRejectedError) {
      await deps.deliveries.markFailed(release.id, subscriberId, error.message, deps.clock.now());
      return 'rejected';
    }
    if (error instanceof MailerThrottledError) {
      await deps.deliveries.releaseClaim(release.id, subscriberId);
      await deps.rateGate?.slowDown(deps.clock.now());
    }
    // Any other error may have happened after SES accepted the message: the claim stays until its
    // lease runs out, so a retry sends at most one duplicate rather than losing the email.
    throw error;
  }
}

const defaultWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends one SQS batch of deliveries at the shared rate, each at most once.
 *
 * Timeline: prepare every job (checks, claim, message) → reserve one rate slot per message that is
 * ready → send each at its slot → record. A throttled send gives its claim back, slows every worker
 * down, and gives back the claims of the rest of the batch too (their slots assumed the old rate),
 * so the queue retries them later; a rejected address is recorded as failed and not retried.
 *
 * @returns one settled result per job, in order, for the SQS partial batch response.
 * @example
 * const results = await sendBatch(jobs, deps);
 */
export async function sendBatch(jobs: SendJob[], deps: SendEmailDeps): Promise<PromiseSettledResult<SendOutcome>[]> {
  const prepared = await Promise.allSettled(jobs.map((job) => prepareDelivery(job, deps)));
  const ready = prepared.flatMap((r, i) => (r.status === 'fulfilled' && typeof r.value === 'object' ? [{ i, delivery: r.value }] : []));
  const results: PromiseSettledResult<SendOutcome>[] = prepared.map((r) =>
    r.status === 'rejected' ? r : { status: 'fulfilled', value: r.value as SendOutcome },
  );
  const slots = deps.rateGate ? await deps.rateGate.reserve(ready.length, deps.clock.now()) : [];
  const wait = deps.wait ?? defaultWait;
  let throttled: MailerThrottledError | undefined;
  for (const [n, { i, delivery }] of ready.entries()) {
    if (throttled) {
      await deps.deliveries.releaseClaim(delivery.release.id, delivery.subscriberId);
      results[i] = { status: 'rejected', reason: throttled };
      continue;
    }
    const delay = slots[n] ? slots[n].getTime() - deps.clock.now().getTime() : 0;
    if (delay > 0) await wait(delay);
    try {
      results[i] = { status: 'fulfilled', value: await deliver(delivery, deps) };
    } catch (error) {
      if (error instanceof MailerThrottledError) throttled = error;
      results[i] = { status: 'rejected', reason: error };
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
