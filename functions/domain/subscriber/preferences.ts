import type { Clock } from '../ports';
import type { ListReader } from '../lists/ports';
import type { MembershipChange, SubscriberStore } from './ports';
import { InvalidTokenError, ValidationError } from '../errors';
import { listIn, type MailingList } from '../lists/mailing-list';
import { signToken, verifyToken, TokenPurpose, type SigningKeyring } from '../security/link-tokens';
import { MembershipStatus, type Subscriber } from './subscriber';
import { ConsentEventType, ConsentSource, ConsentVia, consentEvent, type ConsentRecord } from './consent';
import type { EventPublisher } from '../webhooks/ports';
import { webhookEvent, WebhookEventType } from '../webhooks/event';

/**
 * The preference centre: a subscriber, holding the signed link from one of our emails, sees their
 * lists, joins or leaves public ones, or leaves everything.
 */
export interface PreferencesDeps {
  subscribers: SubscriberStore;
  lists: ListReader;
  clock: Clock;
  keyring: SigningKeyring;
  /** Outgoing webhooks: lists left and joined here are told like those of the email's links. */
  events?: EventPublisher;
}

/** What the form asks for: save the ticked lists, or leave every list whatever is ticked. */
export const PreferencesAction = {
  Save: 'save',
  UnsubscribeAll: 'unsubscribe-all',
} as const;
export type PreferencesAction = (typeof PreferencesAction)[keyof typeof PreferencesAction];

export interface PreferencesForm {
  action: PreferencesAction;
  /** List ids ticked on the form. */
  lists: string[];
}

export interface ListPreference {
  id: string;
  name: string;
  description?: string;
  /** Confirmed on the list (the checkbox is ticked). */
  subscribed: boolean;
  /** Signed up and waiting for the confirmation email's link; ticking it here confirms it. */
  pending: boolean;
  /** False for a private list (leave only) and for every list while the address is suppressed. */
  joinable: boolean;
}

export interface PreferencesView {
  /**
   * The address masked (`r•••@example.com`): enough to tell which inbox, not the whole address.
   * Newsletters get forwarded with their links in them; whoever opens a forwarded link should not
   * learn the original reader's full address from the page.
   */
  maskedEmail: string;
  /** The subscriber's language (BCP 47), for the page's wording. */
  language?: string;
  /** The address is suppressed (bounce, complaint, staff): only a fresh sign-up brings mail back. */
  suppressed: boolean;
  /** Public lists they may join, then lists they are on and may only leave; in the store's order. */
  lists: ListPreference[];
}

export interface PreferencesUpdate {
  view: PreferencesView;
  action: PreferencesAction;
  joined: string[];
  left: string[];
  /** Ticked lists that were not joined: unknown, private, archived, or the address is suppressed. */
  refused: string[];
}

/**
 * Signs the link to a subscriber's preference centre. It never expires, like the unsubscribe link
 * next to it in every email.
 *
 * @example
 * const url = `${publicUrl}/preferences/${signPreferencesToken(subscriber.id, keyring)}`;
 */
export function signPreferencesToken(subscriberId: string, keyring: SigningKeyring): string {
  return signToken({ purpose: TokenPurpose.Preferences, subscriberId }, keyring);
}

/**
 * Masks an address for the page: first character of the local part, then the domain.
 *
 * @example
 * maskEmail('reader@example.com'); // 'r•••@example.com'
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/**
 * Reads the posted form (`application/x-www-form-urlencoded`: repeated `lists` fields and an `action`).
 *
 * @throws ValidationError when the action is neither `save` nor `unsubscribe-all`.
 * @example
 * parsePreferencesForm(new URLSearchParams('lists=blog&lists=events&action=save')); // { action: 'save', lists: ['blog', 'events'] }
 */
export function parsePreferencesForm(fields: URLSearchParams): PreferencesForm {
  const action = fields.get('action') ?? PreferencesAction.Save;
  if (action !== PreferencesAction.Save && action !== PreferencesAction.UnsubscribeAll) {
    throw new ValidationError([{ field: 'action', message: 'must be "save" or "unsubscribe-all"' }], 'Invalid form');
  }
  return { action, lists: [...new Set(fields.getAll('lists'))] };
}

/** Changes that take the subscriber off every list they have any standing on, pending ones included. */
export function leaveAllChanges(subscriber: Subscriber): MembershipChange[] {
  return subscriber.memberships
    .filter((m) => m.status !== MembershipStatus.Unsubscribed)
    .map((m) => ({ listId: m.listId, status: MembershipStatus.Unsubscribed }));
}

/**
 * The preference centre's page for the subscriber the token names. Changes nothing.
 *
 * @throws InvalidTokenError when the token is not a preferences token we signed, or its subscriber
 *   was erased (the edge shows both as the same page, so it reveals nothing).
 * @example
 * const view = await readPreferences(token, { subscribers, lists, clock, keyring });
 */
export async function readPreferences(token: string, deps: PreferencesDeps): Promise<PreferencesView> {
  const subscriber = await subscriberFor(token, deps);
  return buildView(subscriber, await deps.lists.all());
}

/**
 * Applies the form: ticked public lists are joined, unticked lists the subscriber is on are left,
 * or every membership is left. Takes effect before it returns, so a release already queued skips
 * the lists left (send time re-checks membership).
 *
 * Joining here confirms at once, without another double opt-in email: the token only ever reached
 * this person inside an email sent to their address, so holding it already proves they read that
 * mailbox, which is all a confirmation link proves. A suppressed address is the exception: it
 * bounced or complained, so only a fresh sign-up at /subscribe may bring it back, and nothing
 * is joined here.
 *
 * @throws InvalidTokenError as {@link readPreferences} does.
 * @example
 * const { view, joined, left } = await updatePreferences(token, { action: 'save', lists: ['blog'] }, deps);
 */
export async function updatePreferences(token: string, form: PreferencesForm, deps: PreferencesDeps): Promise<PreferencesUpdate> {
  const subscriber = await subscriberFor(token, deps);
  const lists = await deps.lists.all();
  const ticked = new Set(form.lists);
  const before = buildView(subscriber, lists);
  const shown = new Set(before.lists.map((l) => l.id));
  const joinable = new Set(before.lists.filter((l) => l.joinable).map((l) => l.id));
  const confirmed = new Set(subscriber.memberships.filter((m) => m.status === MembershipStatus.Confirmed).map((m) => m.listId));

  let changes: MembershipChange[];
  if (form.action === PreferencesAction.UnsubscribeAll) {
    changes = leaveAllChanges(subscriber);
  } else {
    // Only lists shown on the page can be left by unticking: a list the page did not offer (archived)
    // was not in front of the subscriber, so its absence from the form says nothing.
    const leave = [...confirmed].filter((id) => shown.has(id) && !ticked.has(id));
    const join = [...ticked].filter((id) => joinable.has(id) && !confirmed.has(id));
    changes = [
      ...leave.map((listId) => ({ listId, status: MembershipStatus.Unsubscribed })),
      ...join.map((listId) => ({ listId, status: MembershipStatus.Confirmed })),
    ];
  }
  const now = deps.clock.now();
  const joined = changes.filter((c) => c.status === MembershipStatus.Confirmed).map((c) => c.listId);
  const left = changes.filter((c) => c.status === MembershipStatus.Unsubscribed).map((c) => c.listId);
  if (changes.length) {
    // Recorded before the change (no transactions locally): a change that then fails is made when the
    // reader saves again, which records it again; a record written after would, failing, be lost.
    const via = { via: ConsentVia.Preferences };
    const records: ConsentRecord[] = [];
    if (left.length) records.push({ subscriberId: subscriber.id, event: consentEvent(ConsentEventType.Unsubscribed, left, ConsentSource.Reader, now, via) });
    if (joined.length) records.push({ subscriberId: subscriber.id, event: consentEvent(ConsentEventType.Confirmed, joined, ConsentSource.Reader, now, via) });
    await deps.subscribers.recordConsent(records);
    await deps.subscribers.setMemberships(subscriber.id, changes, now);
    // After the change, and never throwing (the publisher logs instead).
    const person = (lists: string[]) => ({ subscriber: { id: subscriber.id, email: subscriber.email, lists } });
    if (left.length) await deps.events?.publish(webhookEvent(WebhookEventType.SubscriberUnsubscribed, person(left), now));
    if (joined.length) await deps.events?.publish(webhookEvent(WebhookEventType.SubscriberConfirmed, person(joined), now));
  }

  const after = (await deps.subscribers.get(subscriber.id)) ?? subscriber;
  return {
    view: buildView(after, lists),
    action: form.action,
    joined,
    left,
    refused: form.action === PreferencesAction.Save ? [...ticked].filter((id) => !confirmed.has(id) && !joined.includes(id)) : [],
  };
}

async function subscriberFor(token: string, deps: PreferencesDeps): Promise<Subscriber> {
  const claims = verifyToken(token, TokenPurpose.Preferences, deps.keyring, deps.clock.now());
  const subscriber = await deps.subscribers.get(claims.subscriberId);
  // An erased subscriber's link is as good as a forged one, and must look the same.
  if (!subscriber) throw new InvalidTokenError('unknown subscriber');
  return subscriber;
}

/** Pure: which lists the page shows for this subscriber, and how. */
function buildView(subscriber: Subscriber, lists: MailingList[]): PreferencesView {
  const suppressed = !!subscriber.suppressedAt;
  const statusOf = (listId: string) => subscriber.memberships.find((m) => m.listId === listId)?.status;
  const entries = lists
    .filter((list) => !list.archived)
    .map((list): ListPreference => {
      const status = statusOf(list.id);
      // In the subscriber's language, as the page around it is.
      const { name, description } = listIn(list, subscriber.language);
      return {
        id: list.id,
        name,
        description,
        subscribed: status === MembershipStatus.Confirmed,
        pending: status === MembershipStatus.Pending,
        joinable: list.public && !suppressed,
      };
    })
    // A private list appears only while they are on it; a suppressed address sees only its own lists.
    .filter((l) => l.joinable || l.subscribed);
  return {
    maskedEmail: maskEmail(subscriber.email),
    language: subscriber.language,
    suppressed,
    lists: [...entries.filter((l) => l.joinable), ...entries.filter((l) => !l.joinable)],
  };
}
