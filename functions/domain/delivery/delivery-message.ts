/**
 * One recipient's message of a release: their signed links, their headers, and the release's
 * encoded template filled in. This is all the send worker does per recipient once the claim is
 * held, so it is kept apart from the I/O around it: `prepareDelivery` calls it, and so does figure 1
 * of the benchmarks (bench/per-recipient.ts), which then times exactly the worker's work.
 */
import { RecipientPlaceholder } from '../release/rendered-email';
import type { SigningKeyring } from '../security/link-tokens';
import { signPreferencesToken } from '../subscriber/preferences';
import { signUnsubscribeToken } from '../subscriber/unsubscribe';
import { personaliseMessage, type MessageTemplate } from '../mail/mime';
import { feedbackId, joinListNames, listHeaders, preferencesUrl, senderDomain, unsubscribeUrl, type SenderIdentity } from '../mail/sender';

export interface DeliveryRecipient {
  releaseId: string;
  subscriberId: string;
  email: string;
  /** The release's lists that reach the subscriber, in the release's order: the first is the List-Id. */
  lists: readonly string[];
  /** The first list's current name, for the List-Id header. */
  listName: string;
  /** The footer's "a member of …": every list's name, joined in the email's language. */
  listNames: string;
}

/** What differs per recipient, before it goes into the message. */
export interface DeliveryParts {
  unsubscribe: string;
  preferences: string;
  listNames: string;
  messageId: string;
  headers: Record<string, string>;
}

export interface DeliveryMessageDeps {
  sender: Pick<SenderIdentity, 'from' | 'publicUrl'>;
  keyring: SigningKeyring;
}

/**
 * The names a recipient's message shows: the first list's for List-Id, all of them for the footer.
 * Asked of `listNames` per recipient, so the send worker gives it a memoised one (one read per list
 * per batch).
 *
 * @example
 * await recipientListNames(['blog', 'press-releases'], 'en', listNames);
 * // { listName: 'Blog', listNames: 'Blog and Press Releases' }
 */
export async function recipientListNames(
  lists: readonly string[],
  language: string | undefined,
  listNames: SenderIdentity['listNames'],
): Promise<Pick<DeliveryRecipient, 'listName' | 'listNames'>> {
  // One wait for all the names: with a memoised ListNames each is already known after the first
  // recipient. A loop, not a closure made per recipient.
  const pending: Promise<string>[] = [];
  for (const id of lists) pending.push(listNames.nameOf(id));
  const names = await Promise.all(pending);
  return { listName: names[0], listNames: joinListNames(names, language) };
}

/**
 * Signs one recipient's links and builds their headers: two HMACs and a few short strings.
 *
 * @example
 * const parts = deliveryParts({ releaseId, subscriberId, email, lists: ['blog'], listName: 'Blog', listNames: 'Blog' }, deps);
 * parts.headers['List-Unsubscribe']; // '<https://news.example.org/unsubscribe/k1.eyJ…>'
 */
export function deliveryParts(recipient: Omit<DeliveryRecipient, 'email'>, deps: DeliveryMessageDeps): DeliveryParts {
  const { releaseId, subscriberId, lists } = recipient;
  // The release too, so that staff see who left from which email (who got it).
  const unsubscribe = unsubscribeUrl(deps.sender.publicUrl, signUnsubscribeToken({ subscriberId, releaseId, lists }, deps.keyring));
  const domain = senderDomain(deps.sender);
  const headers = listHeaders({ listId: lists[0], listName: recipient.listName, unsubscribeUrl: unsubscribe }, domain);
  headers['Feedback-ID'] = feedbackId(releaseId, lists[0], domain);
  return {
    unsubscribe,
    preferences: preferencesUrl(deps.sender.publicUrl, signPreferencesToken(subscriberId, deps.keyring)),
    listNames: recipient.listNames,
    // Stable per delivery, so a rare duplicate after a crash threads as the same message.
    messageId: `<${releaseId}.${subscriberId}@${domain}>`,
    headers,
  };
}

/**
 * One recipient's complete raw message from the release's template.
 *
 * @throws UnsendableRecipientError when the address cannot be written into a header (personaliseMessage).
 * @example
 * const raw = deliveryMessage(template, { releaseId, subscriberId, email, lists, ...names }, clock.now(), deps);
 */
export function deliveryMessage(template: MessageTemplate, recipient: DeliveryRecipient, now: Date, deps: DeliveryMessageDeps): Buffer {
  const parts = deliveryParts(recipient, deps);
  return personaliseMessage(template, {
    to: recipient.email,
    values: {
      [RecipientPlaceholder.UnsubscribeUrl]: parts.unsubscribe,
      [RecipientPlaceholder.PreferencesUrl]: parts.preferences,
      [RecipientPlaceholder.ListNames]: parts.listNames,
    },
    messageId: parts.messageId,
    date: now,
    headers: parts.headers,
  });
}
