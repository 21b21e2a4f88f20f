import type { JobQueue } from '../ports';
import type { SignupJob } from './subscribe';
import type { ListReader } from '../lists/ports';
import type { Mailer } from '../delivery/ports';
import type { SubscriberStore, WelcomeEmailRenderer } from './ports';
import { UnsendableRecipientError } from '../mail/errors';
import { personaliseMessage } from '../mail/mime';
import { listHeaders, preferencesUrl, senderDomain, senderTemplate, unsubscribeUrl, type SenderIdentity } from '../mail/sender';
import { markdownToHtml, sanitiseReleaseHtml } from '../release/sanitise';
import { signToken, TokenPurpose, type SigningKeyring } from '../security/link-tokens';
import { welcomeTextFor, type ListWelcome } from '../lists/welcome';
import type { MailingList } from '../lists/mailing-list';
import { signPreferencesToken } from './preferences';
import { isDeliverable } from './subscriber';

/** How a membership came to be confirmed: a reader's own double opt-in, or staff's import with consent. */
export const WelcomeVia = { Confirmation: 'confirmation', Import: 'import' } as const;
export type WelcomeVia = (typeof WelcomeVia)[keyof typeof WelcomeVia];

/** A welcome to send, on the sign-up queue beside sign-ups (told apart by `kind`). */
export interface WelcomeJob {
  kind: 'welcome';
  subscriberId: string;
  lists: string[];
  via: WelcomeVia;
}

/** Every job of the sign-up queue: sign-ups (no `kind`, as before welcomes existed) and welcomes. */
export type SignupQueueJob = SignupJob | WelcomeJob;

/** Whether a sign-up queue message is a welcome. */
export const isWelcomeJob = (job: SignupQueueJob): job is WelcomeJob => (job as WelcomeJob).kind === 'welcome';

/** What sending one list's welcome did, for tests and logs. */
export type WelcomeOutcome = 'sent' | 'already-sent' | 'no-welcome' | 'not-a-member' | 'unsendable';

export interface QueueWelcomeDeps {
  lists: ListReader;
  welcomes: JobQueue<WelcomeJob>;
}

export interface SendWelcomeDeps {
  subscribers: Pick<SubscriberStore, 'get' | 'claimWelcome' | 'releaseWelcome'>;
  lists: ListReader;
  mailer: Mailer;
  welcomeEmails: WelcomeEmailRenderer;
  sender: SenderIdentity;
  keyring: SigningKeyring;
  clock: { now(): Date };
}

/** Default subjects, by language, when staff gave none. */
const DEFAULT_SUBJECT: Record<string, (list: string) => string> = {
  en: (list) => `Welcome to ${list}`,
  es: (list) => `Bienvenida a ${list}`,
};

function welcomeFor(list: MailingList | undefined, via: WelcomeVia): ListWelcome | undefined {
  if (!list?.welcome || list.archived) return undefined;
  return via === WelcomeVia.Import && !list.welcome.onImport ? undefined : list.welcome;
}

/**
 * Queues the welcome for the lists among `lists` that have one for this way of joining; queues
 * nothing when none has. The confirmation page and imports call it after the memberships are
 * confirmed, so the email goes from the queue and the page answers at once.
 *
 * @example
 * await queueWelcome('sub-1', ['blog'], WelcomeVia.Confirmation, { lists, welcomes: signupQueue });
 */
export async function queueWelcome(subscriberId: string, lists: string[], via: WelcomeVia, deps: QueueWelcomeDeps): Promise<boolean> {
  if (!lists.length) return false;
  const known = await Promise.all(lists.map((id) => deps.lists.get(id)));
  const welcoming = known.filter((list) => welcomeFor(list, via)).map((list) => list!.id);
  if (!welcoming.length) return false;
  await deps.welcomes.send([{ kind: 'welcome', subscriberId, lists: welcoming, via }]);
  return true;
}

/**
 * Sends each list's welcome of a job, once per (subscriber, list) ever: the claim is a conditional
 * write, so a retried job or a duplicate message finds it taken and sends nothing. A send that fails
 * gives the claim back for the queue's retry; a crash between claim and send loses that welcome
 * rather than risk sending it twice. Someone who leaves and joins again is not welcomed again: they
 * have read it, and a leave-and-join loop must not become a way to mail someone.
 *
 * Checked again at send time: a list whose welcome was removed, and a person no longer mailable on
 * the list (left, suppressed, erased), get nothing. The reader's language picks the text
 * ({@link welcomeTextFor}) and the chrome follows the text's language.
 *
 * @example
 * await sendWelcome({ kind: 'welcome', subscriberId: 'sub-1', lists: ['blog'], via: 'confirmation' }, deps);
 * // { blog: 'sent' }; the same job again → { blog: 'already-sent' }
 */
export async function sendWelcome(job: WelcomeJob, deps: SendWelcomeDeps): Promise<Record<string, WelcomeOutcome>> {
  const outcomes: Record<string, WelcomeOutcome> = {};
  for (const listId of job.lists) outcomes[listId] = await sendOne(job, listId, deps);
  return outcomes;
}

async function sendOne(job: WelcomeJob, listId: string, deps: SendWelcomeDeps): Promise<WelcomeOutcome> {
  const list = await deps.lists.get(listId);
  const welcome = welcomeFor(list, job.via);
  if (!list || !welcome) return 'no-welcome';
  const subscriber = await deps.subscribers.get(job.subscriberId);
  if (!subscriber || !isDeliverable(subscriber, listId)) return 'not-a-member';
  if (!(await deps.subscribers.claimWelcome(subscriber.id, listId))) return 'already-sent';

  const now = deps.clock.now();
  const text = welcomeTextFor(welcome, subscriber.language);
  const unsubscribe = unsubscribeUrl(deps.sender.publicUrl, signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId: subscriber.id, listId }, deps.keyring));
  const subject = text.subject ?? (DEFAULT_SUBJECT[text.language ?? 'en'] ?? DEFAULT_SUBJECT.en)(list.name);
  const domain = senderDomain(deps.sender);
  try {
    const rendered = await deps.welcomeEmails.renderWelcome({
      subject,
      // Staff's Markdown may hold raw HTML: sanitised as a release body is, links resolved against the site.
      bodyHtml: sanitiseReleaseHtml(markdownToHtml(text.markdown), deps.sender.publicUrl),
      listName: list.name,
      language: text.language,
      unsubscribeUrl: unsubscribe,
      preferencesUrl: preferencesUrl(deps.sender.publicUrl, signPreferencesToken(subscriber.id, deps.keyring)),
    });
    let raw: Buffer;
    try {
      raw = personaliseMessage(senderTemplate(deps.sender, rendered, []), {
        to: subscriber.email,
        values: {},
        messageId: `<welcome.${listId}.${subscriber.id}@${domain}>`,
        date: now,
        // As on releases, one-click included.
        headers: listHeaders({ listId, listName: list.name, unsubscribeUrl: unsubscribe }, domain),
      });
    } catch (error) {
      // No retry can send to this address: the claim stays, so no retry tries.
      if (error instanceof UnsendableRecipientError) return 'unsendable';
      throw error;
    }
    await deps.mailer.sendRaw({ from: deps.sender.from.address, to: subscriber.email, raw, tags: { kind: 'welcome', subscriber: subscriber.id, list: listId } });
  } catch (error) {
    await deps.subscribers.releaseWelcome(subscriber.id, listId);
    throw error;
  }
  return 'sent';
}
