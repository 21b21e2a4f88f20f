import type { Clock, RateLimiter } from '../ports';
import type { ListReader } from '../lists/ports';
import { listIn } from '../lists/mailing-list';
import type { Mailer } from '../delivery/ports';
import type { SubscriberStore, SystemEmailRenderer } from './ports';
import { UnsendableRecipientError } from '../mail/errors';
import { personaliseMessage } from '../mail/mime';
import { senderDomain, senderTemplate, type SenderIdentity } from '../mail/sender';
import { signToken, TokenPurpose, type SigningKeyring } from '../security/link-tokens';
import type { Subscriber } from './subscriber';

/** How long a confirmation link works; the purge job removes sign-ups left unconfirmed after it. */
export const CONFIRMATION_VALID_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * At most one confirmation email per address in this interval, so a form cannot be used to flood
 * someone's inbox; a repeated sign-up within it still gets the same answer.
 */
export const CONFIRMATION_INTERVAL_MS = 10 * 60 * 1000;
/**
 * And at most this many a day, whoever asks (a sign-up form, an import): one per 10 minutes alone
 * would still let a stranger send someone ~144 a day.
 */
export const CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What sending a confirmation email needs (sign-up, and CSV import without consent). */
export interface ConfirmationDeps {
  subscribers: SubscriberStore;
  mailer: Mailer;
  clock: Clock;
  keyring: SigningKeyring;
  sender: SenderIdentity;
  systemEmails: SystemEmailRenderer;
  lists: ListReader;
  /** Counts confirmation emails per address per day. */
  rateLimiter: RateLimiter;
}

/** What asking for a confirmation did; only `sent` sent an email. */
export type ConfirmationOutcome = 'sent' | 'rate-limited' | 'capped' | 'unsendable';

/** The page behind the confirmation link. */
export function confirmUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/confirm/${token}`;
}

/**
 * Sends the double opt-in email for `lists` (ids) to a subscriber, unless one went to this address
 * in the last 10 minutes. The link carries the lists and when it was signed, and expires in 7 days;
 * following it is the only way those memberships become confirmed, and the only way a list the
 * person left, or a suppression, is lifted (confirm-subscription.ts).
 *
 * @returns `sent`; `rate-limited` when one went in the last 10 minutes, `capped` when the address
 *   had its emails for the day, `unsendable` when the stored address can never be sent to (nothing
 *   sent in those cases).
 * @example
 * const { subscriber } = await deps.subscribers.addPending('ada@example.org', ['blog'], 'en', now);
 * await sendConfirmationEmail(subscriber, ['blog'], deps); // 'sent'
 * await sendConfirmationEmail(subscriber, ['blog'], deps); // 'rate-limited'
 */
export async function sendConfirmationEmail(
  subscriber: Subscriber,
  lists: string[],
  deps: ConfirmationDeps,
): Promise<ConfirmationOutcome> {
  const now = deps.clock.now();
  // The claim is a conditional write, so two racing sign-ups still send one email. The day's count
  // comes after it, so requests the 10-minute claim holds back do not use up the day.
  if (!(await deps.subscribers.claimConfirmationEmail(subscriber.id, now, CONFIRMATION_INTERVAL_MS))) return 'rate-limited';
  if (!(await deps.rateLimiter.consume(`confirm-address:${subscriber.id}`, CONFIRMATIONS_PER_ADDRESS_PER_DAY, DAY_MS, now))) return 'capped';

  const token = signToken(
    {
      purpose: TokenPurpose.Confirm,
      subscriberId: subscriber.id,
      lists,
      expiresAt: Math.floor((now.getTime() + CONFIRMATION_VALID_MS) / 1000),
      issuedAt: now.getTime(),
    },
    deps.keyring,
  );
  // Names as staff call the lists today (they may have renamed one since configuration seeded it),
  // in the subscriber's language when staff named them in it, as the email around them is.
  const names = await Promise.all(lists.map(async (id) => {
    const list = await deps.lists.get(id);
    return list ? listIn(list, subscriber.language).name : id;
  }));
  const rendered = await deps.systemEmails.renderConfirmation({
    lists: names,
    confirmUrl: confirmUrl(deps.sender.publicUrl, token),
    language: subscriber.language,
  });
  // One recipient, one message: no point keeping the template, and no placeholders to fill.
  const template = senderTemplate(deps.sender, rendered, []);
  const domain = senderDomain(deps.sender);
  let raw: Buffer;
  try {
    raw = personaliseMessage(template, {
      to: subscriber.email,
      values: {},
      messageId: `<confirm.${subscriber.id}.${now.getTime()}@${domain}>`,
      date: now,
    });
  } catch (error) {
    // An address stored before addresses were checked for what SES can send: no retry can help.
    if (error instanceof UnsendableRecipientError) return 'unsendable';
    throw error;
  }
  await deps.mailer.sendRaw({
    from: deps.sender.from.address,
    to: subscriber.email,
    raw,
    // Bounce and complaint events name the subscriber, and say this was not a release.
    tags: { kind: 'confirmation', subscriber: subscriber.id },
  });
  return 'sent';
}
