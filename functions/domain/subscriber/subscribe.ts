import type { RateLimiter } from '../ports';
import { ValidationError, type FieldIssue } from '../errors';
import { publicLists } from '../lists/mailing-list';
import { sendConfirmationEmail, type ConfirmationDeps } from './confirmation';
import { RateLimitedError } from './errors';
import { isSupportedLanguage } from './language';
import { isDeliverable, normaliseEmail } from './subscriber';

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

export interface RequestSubscriptionDeps extends ConfirmationDeps {
  rateLimiter: RateLimiter;
}

/**
 * What happened, for tests and logs only. Edges must give every caller the same answer whatever
 * this is, so that no one can learn from the form whether an address is subscribed.
 */
export type SubscriptionOutcome = 'sent' | 'rate-limited' | 'already-confirmed' | 'trapped';

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

/** Sign-ups one client address may make per window: enough for a shared office network, too few to flood. */
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
 * Double opt-in sign-up: records the requested lists as pending and sends a confirmation email.
 *
 * Whether the address is new, pending, confirmed, unsubscribed or suppressed, the caller sees the
 * same result: an address already confirmed on every list gets nothing, and an address that got a
 * confirmation email in the last 10 minutes gets nothing more. A suppressed address does get the
 * email: confirming it is the one way back.
 *
 * A sign-up with the honeypot filled resolves `trapped` having stored and sent nothing, so a bot
 * cannot make Pressroom email strangers; edges answer it exactly as an accepted sign-up.
 *
 * @throws ValidationError for a malformed address or a list that is not public; RateLimitedError
 *   when the client address made too many sign-ups this hour (nothing is stored then).
 * @example
 * await requestSubscription({ email: 'ada@example.org', lists: ['blog'], clientIp: '192.0.2.1' }, deps);
 */
export async function requestSubscription(input: SubscriptionRequest, deps: RequestSubscriptionDeps): Promise<SubscriptionOutcome> {
  const wanted = validateSubscription(input, new Set(publicLists(await deps.lists.all()).map((l) => l.id)));
  // After validation, so a malformed sign-up gets the same 400 whether or not the trap is filled;
  // before the limits, so a bot's sign-ups use up neither its network's quota nor the address's
  // confirmation slot (the real owner can still sign up at once).
  if (isTrapFilled(input.trap)) return 'trapped';
  const now = deps.clock.now();
  if (!(await deps.rateLimiter.consume(`signup-ip:${input.clientIp}`, SIGNUPS_PER_IP, SIGNUP_WINDOW_MS, now))) {
    // A whole window is always long enough, whatever window boundaries the limiter uses.
    throw new RateLimitedError(SIGNUP_WINDOW_MS / 1000);
  }
  const { subscriber } = await deps.subscribers.addPending(wanted.email, wanted.lists, wanted.language, now);
  // The link asks about every list not already mailable: new and pending ones, ones the person left
  // (they may come back, by confirming), and all of them while the address is suppressed.
  const toConfirm = wanted.lists.filter((listId) => !isDeliverable(subscriber, listId));
  if (toConfirm.length === 0) return 'already-confirmed';
  return sendConfirmationEmail(subscriber, toConfirm, deps);
}
