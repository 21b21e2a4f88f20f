/**
 * Everything before the provider call for one delivery: is the subscriber still mailable, which
 * list reaches them, the claim, and the personalised message with its links and headers.
 */
import type { SendJob } from './ports';
import { NotFoundError } from '../errors';
import { RecipientPlaceholder } from '../release/rendered-email';
import { deliveryMessage, recipientListNames } from './delivery-message';
import { revisionOf, type Release } from '../release/release';
import { translationFor } from '../release/translations';
import { isDeliverable, type Subscriber } from '../subscriber/subscriber';
import { countDuplicateJob, DEFAULT_CLAIM_LEASE_MS, skip } from './ending-tally';
import { DeliveryBusyError } from './errors';
import { UnsendableRecipientError } from '../mail/errors';
import type { MessageTemplate } from '../mail/mime';
import type { BatchDeps, SendEmailDeps, SendOutcome } from './send-deps';
import { senderTemplate } from '../mail/sender';

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

/**
 * The message template of one version of a release: `language` names a translation (translations.ts
 * `translationFor`), undefined the release's own language.
 */
async function templateFor(release: Release, language: string | undefined, deps: SendEmailDeps): Promise<MessageTemplate> {
  // By revision: a corrected release's remaining recipients get the corrected email; by language:
  // each translation is its own email.
  const key = `${release.id}#${revisionOf(release)}#${language?.toLowerCase() ?? ''}`;
  const cached = deps.templates.get(key);
  if (cached) return cached;
  const rendered = await deps.releases.getRendered(release.id, language);
  if (!rendered) throw new NotFoundError(`Release ${release.id} has not been rendered${language ? ` in ${language}` : ''}`);
  const template = senderTemplate(deps.sender, rendered, Object.values(RecipientPlaceholder));
  // A correction stores its rendering just after the release: until then, send the one there is
  // without keeping it, so the next batch picks up the corrected email.
  if ((rendered.revision ?? 1) < revisionOf(release)) return template;
  // A worker sees few releases at a time; keep the newest handful rather than grow without bound.
  if (deps.templates.size >= 8) deps.templates.delete(deps.templates.keys().next().value!);
  deps.templates.set(key, template);
  return template;
}

/** A delivery that passed its checks and holds its claim: the message is built, ready to go. */
export interface PreparedDelivery {
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
 * nothing to send, `rejected` when the stored address can never be sent to (the delivery ends
 * `failed`).
 */
export async function prepareDelivery(job: SendJob, release: Release, deps: BatchDeps): Promise<PreparedDelivery | SendOutcome> {
  const now = deps.clock.now();
  // Eventually consistent (half the read units, one read per email): a change from the last moment
  // may be missed, as one made just after this read would be; SES's account suppression list still
  // refuses an address suppressed for a bounce or complaint.
  const subscriber = await deps.subscribers.get(job.subscriberId, { consistent: false });
  // Every targeted list the subscriber is still on brought them this email: the footer names them
  // and its unsubscribe link leaves them all. The first decides the claim and the List-Id, so a
  // member of two lists is sent (and claimed) the same way whichever job arrives first.
  const lists = subscriber ? release.lists.filter((list) => isDeliverable(subscriber, list)) : [];
  const listId = lists[0];
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

  // The subscriber's stored language picks the version: no read beyond the record already read above.
  const template = await templateFor(release, translationFor(release, subscriber.language)?.language, deps);
  const names = await recipientListNames(lists, release.language, deps.sender.listNames);
  let raw: Buffer;
  try {
    raw = deliveryMessage(template, { releaseId: release.id, subscriberId: subscriber.id, email: subscriber.email, lists, ...names }, now, deps);
  } catch (error) {
    if (!(error instanceof UnsendableRecipientError)) throw error;
    // No retry can send it: end the delivery failed now (as SES refusing the address would), so the
    // job is not retried until it dead-letters and the send can complete.
    if (await deps.deliveries.markFailed(release.id, subscriber.id, error.message, now, deps.tally.id)) deps.tally.add(job, 'failed');
    return 'rejected';
  }
  return { job, release, subscriberId: subscriber.id, email: subscriber.email, listId, raw };
}
