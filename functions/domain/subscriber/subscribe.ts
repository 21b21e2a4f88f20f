import type { Clock, JobQueue, RateLimiter } from '../ports';
import type { ListReader } from '../lists/ports';
import { ValidationError, type FieldIssue } from '../errors';
import { publicLists } from '../lists/mailing-list';
import { sendConfirmationEmail, type ConfirmationDeps, type ConfirmationOutcome } from './confirmation';
import { RateLimitedError } from './errors';
import { isSupportedLanguage } from './language';
import { isDeliverable, normaliseEmail } from './subscriber';
import { ConsentEventType, ConsentSource, consentEvent } from './consent';

/** A sign-up as it arrived (form or JSON), not yet validated. */
export interface SubscriptionRequest {
  email: unknown;
  lists: unknown;
  language?: unknown;
  /** The client's address, for the per-network limit. */
  clientIp: string;
  /**
   * A field no person sees or can reach (a honeypot): bots fill in every field they find, so any
   * value here means no one asked for this sign-up.
   */
  trap?: unknown;
}

/** A sign-up that passed validation, waiting on the sign-up queue to be acted on. */
export interface SignupJob {
  email: string;
  lists: string[];
  language?: string;
  /** When it was accepted (ISO 8601). */
  requestedAt: string;
}

/** What accepting a sign-up needs: nothing that reads or writes the address's own records. */
export interface AcceptSubscriptionDeps {
  lists: ListReader;
  rateLimiter: RateLimiter;
  signups: JobQueue<SignupJob>;
  clock: Clock;
}

/** What acting on an accepted sign-up needs. */
export type ProcessSubscriptionDeps = ConfirmationDeps;

/**
 * What accepting said, for tests and logs only: edges answer both the same.
 */
export type AcceptOutcome = 'accepted' | 'trapped';

/**
 * What acting on a sign-up did, for tests and logs only. It happens after the answer, on the
 * sign-up queue, so no caller can learn from the form (or its timing) whether an address is
 * subscribed.
 */
export type SubscriptionOutcome = ConfirmationOutcome | 'already-confirmed' | 'no-lists';

/**
 * Whether a bot filled in the honeypot: any non-blank text, or any other value a JSON client sent.
 *
 * @example
 * isTrapFilled(''); // false
 * isTrapFilled('https://spam.example'); // true
 */
export function isTrapFilled(trap: unknown): boolean {
  return typeof trap === 'string' ? trap.trim() !== '' : trap !== undefined && trap !== null;
}

/**
 * Sign-up requests one client address may make per window, valid or not: enough for a shared office
 * network, too few to flood or to probe the form.
 */
export const SIGNUPS_PER_IP = 20;
export const SIGNUP_WINDOW_MS = 60 * 60 * 1000;


/** A validated sign-up: a normalised address, known public list ids, a supported language. */
export interface ValidSubscription {
  email: string;
  lists: string[];
  language?: string;
}

/**
 * Checks a sign-up against the lists anyone may join.
 *
 * @throws ValidationError naming `email`, `lists` (or `lists.N`) and `language` as needed.
 * @example
 * validateSubscription({ email: ' Ada@Example.ORG ', lists: ['blog'] }, new Set(['blog']));
 * // → { email: 'Ada@example.org', lists: ['blog'], language: undefined }
 */
export function validateSubscription(input: Omit<SubscriptionRequest, 'clientIp'>, publicListIds: ReadonlySet<string>): ValidSubscription {
  const issues: FieldIssue[] = [];
  let email = '';
  try {
    email = normaliseEmail(input.email);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...error.issues);
  }
  const lists = typeof input.lists === 'string' ? [input.lists] : input.lists;
  if (!Array.isArray(lists) || lists.length === 0) {
    issues.push({ field: 'lists', message: 'choose at least one list' });
  } else {
    lists.forEach((list: unknown, i) => {
      // Private and archived lists get the same message as unknown ones: the form does not reveal them.
      if (typeof list !== 'string' || !publicListIds.has(list)) issues.push({ field: `lists.${i}`, message: `unknown list "${String(list)}"` });
    });
  }
  const language = input.language === '' ? undefined : input.language;
  if (language !== undefined && !isSupportedLanguage(language)) issues.push({ field: 'language', message: 'must be "en" or "es"' });
  if (issues.length) throw new ValidationError(issues, 'Invalid sign-up');
  return { email, lists: [...new Set(lists as string[])], language: language as string | undefined };
}

/**
 * The answer half of a double opt-in sign-up: counts the request against its client, validates it,
 * and queues it. It reads and writes nothing of the address's own, so its work, and its answer,
 * are the same whether the address is new, pending, confirmed, unsubscribed or suppressed.
 *
 * Every request counts against its client address, valid or not, trap filled or not. A sign-up
 * with the honeypot filled resolves `trapped` having queued nothing, so a bot cannot make
 * Pressroom email strangers; edges answer it exactly as an accepted sign-up.
 *
 * @throws RateLimitedError when the client address made too many requests this hour (checked first);
 *   ValidationError for a malformed address or a list that is not public.
 * @example
 * await acceptSubscription({ email: 'ada@example.org', lists: ['blog'], clientIp: '192.0.2.1' }, deps); // 'accepted'
 */
export async function acceptSubscription(input: SubscriptionRequest, deps: AcceptSubscriptionDeps): Promise<AcceptOutcome> {
  const now = deps.clock.now();
  if (!(await deps.rateLimiter.consume(`signup-ip:${input.clientIp}`, SIGNUPS_PER_IP, SIGNUP_WINDOW_MS, now))) {
    // A whole window is always long enough, whatever window boundaries the limiter uses.
    throw new RateLimitedError(SIGNUP_WINDOW_MS / 1000);
  }
  const wanted = validateSubscription(input, new Set(publicLists(await deps.lists.all()).map((l) => l.id)));
  // After validation, so a malformed sign-up gets the same 400 whether or not the trap is filled.
  if (isTrapFilled(input.trap)) return 'trapped';
  await deps.signups.send([{ ...wanted, requestedAt: now.toISOString() }]);
  return 'accepted';
}

/**
 * The work half, on the sign-up queue: records the lists as pending (never touching a list the
 * person is confirmed on or left: see `pendingChanges`) and sends the confirmation email for every
 * list that is not mailable yet. An address confirmed on every list gets nothing; one that got a
 * confirmation email in the last 10 minutes, or 3 today, gets nothing more. A suppressed address
 * does get the email: confirming it is the one way back. Lists no longer public since the request
 * was accepted are dropped. An address that can never be sent to (queued before addresses were
 * checked, or stored so) ends `unsendable` rather than failing on every receive.
 *
 * @example
 * await processSubscription({ email: 'ada@example.org', lists: ['blog'], requestedAt }, deps); // 'sent'
 */
export async function processSubscription(job: SignupJob, deps: ProcessSubscriptionDeps): Promise<SubscriptionOutcome> {
  // Checked again: a job accepted before addresses were checked for what SES can send would store
  // an address no email can reach and fail on every receive. It ends here, with nothing stored.
  let email: string;
  try {
    email = normaliseEmail(job.email);
  } catch (error) {
    if (error instanceof ValidationError) return 'unsendable';
    throw error;
  }
  const open = new Set(publicLists(await deps.lists.all()).map((l) => l.id));
  const lists = job.lists.filter((l) => open.has(l));
  if (!lists.length) return 'no-lists';
  const now = deps.clock.now();
  const { subscriber } = await deps.subscribers.addPending(email, lists, job.language, now);
  // The link asks about every list not already mailable: new and pending ones, ones the person left
  // (they may come back, by confirming), and all of them while the address is suppressed.
  const toConfirm = lists.filter((listId) => !isDeliverable(subscriber, listId));
  if (toConfirm.length === 0) return 'already-confirmed';
  // Recorded right after the change (no transactions locally): the lists the link will ask about,
  // whether or not the email goes out now (a held-back email leaves the sign-up standing).
  await deps.subscribers.recordConsent([
    { subscriberId: subscriber.id, event: consentEvent(ConsentEventType.SignedUp, toConfirm, ConsentSource.Reader, now) },
  ]);
  return sendConfirmationEmail(subscriber, toConfirm, deps);
}
