import type { Clock, DeliveryStore, Mailer, ReleaseStore, SendJob, SubscriberStore } from '../ports';
import { NotFoundError } from '../errors';
import { RecipientPlaceholder, SendStatus, type Release } from '../release/release';
import { isDeliverable, type Subscriber } from '../subscriber/subscriber';
import { signToken, TokenPurpose, type SigningKeyring } from '../security/link-tokens';
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
    placeholders: [RecipientPlaceholder.UnsubscribeUrl],
  });
  // A worker sees few releases at a time; keep the newest handful rather than grow without bound.
  if (deps.templates.size >= 8) deps.templates.delete(deps.templates.keys().next().value!);
  deps.templates.set(release.id, template);
  return template;
}

/**
 * Sends one release to one subscriber, at most once.
 *
 * Timeline of a delivery: check the subscriber can still be mailed (they may have left since the
 * fan-out) → claim the delivery → send → record. A throttled send gives the claim back and throws,
 * so the queue retries it later; a rejected address is recorded as failed and not retried.
 *
 * @throws MailerThrottledError to ask for a retry; DeliveryBusyError when another worker holds the claim.
 */
export async function sendEmail(job: SendJob, deps: SendEmailDeps): Promise<SendOutcome> {
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
    values: { [RecipientPlaceholder.UnsubscribeUrl]: link },
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

  try {
    const { messageId } = await deps.mailer.sendRaw({
      from: deps.sender.from.address,
      to: subscriber.email,
      raw,
      // Bounce and complaint events carry these back, so they count against the right release.
      tags: { release: release.id, subscriber: subscriber.id, list: listId },
    });
    await deps.deliveries.markSent(release.id, subscriber.id, messageId, deps.clock.now());
    return 'sent';
  } catch (error) {
    if (error instanceof MailerRejectedError) {
      await deps.deliveries.markFailed(release.id, subscriber.id, error.message, deps.clock.now());
      return 'rejected';
    }
    if (error instanceof MailerThrottledError) await deps.deliveries.releaseClaim(release.id, subscriber.id);
    // Any other error may have happened after SES accepted the message: the claim stays until its
    // lease runs out, so a retry sends at most one duplicate rather than losing the email.
    throw error;
  }
}
