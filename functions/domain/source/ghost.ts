import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { AuthenticationError, ValidationError } from '../errors';
import { toFieldIssues } from '../field-issues';
import type { FeedItem } from './feed-item';

/**
 * Ghost's post webhooks (`post.published`, `post.published.edited`), read as Ghost sends them.
 *
 * Ghost signs a delivery in ghost/core/core/server/services/webhooks/webhook-trigger.js:
 * `X-Ghost-Signature: sha256=<hex HMAC-SHA256 keyed by the secret, over body + ts>, t=<ts>`, where
 * body is the exact JSON string sent, ts is `Date.now()` (milliseconds) appended with no separator,
 * and the key is the secret typed in Ghost Admin, as UTF-8 text (not base64-decoded).
 */

/** The header Ghost signs its deliveries in (Node lower-cases incoming header names). */
export const GHOST_SIGNATURE_HEADER = 'x-ghost-signature';

/**
 * A delivery older than this is refused. The signature covers the timestamp, so an attacker who
 * captured one delivery could replay it for ever without an age limit; five minutes is the window
 * Standard Webhooks recommends, and Ghost sends within its 2-second request timeout, once.
 */
export const GHOST_MAX_AGE_MS = 5 * 60_000;

/** Real headers are ~90 characters; anything much longer is not Ghost's and is not parsed. */
const MAX_HEADER_LENGTH = 512;

/**
 * Computes the `X-Ghost-Signature` value Ghost would send for this body at this time. For tests and
 * for a local stand-in of Ghost; the verifier below does not call it.
 *
 * @example
 * const header = signGhostPayload(JSON.stringify(payload), secret, Date.now());
 */
export function signGhostPayload(rawBody: string, secret: string, timestampMs: number): string {
  const mac = createHmac('sha256', secret).update(`${rawBody}${timestampMs}`).digest('hex');
  return `sha256=${mac}, t=${timestampMs}`;
}

/**
 * Verifies a Ghost webhook delivery: the MAC over the raw body and the timestamp, then the age.
 *
 * The body must be the bytes exactly as received (before any JSON parsing): Ghost signed that
 * string, and re-serialising it would change spacing or key order.
 *
 * @throws AuthenticationError for a missing or malformed header, a wrong MAC, or a timestamp older
 *   than `maxAgeMs` or more than `maxAgeMs` ahead of `now`; the message says which (for logs: the
 *   edge answers a generic 401).
 * @example
 * verifyGhostSignature(event.headers['x-ghost-signature'], rawBody, source.secret, clock.now());
 */
export function verifyGhostSignature(header: string | undefined, rawBody: string, secret: string, now: Date, maxAgeMs = GHOST_MAX_AGE_MS): void {
  if (!header) throw new AuthenticationError('Missing X-Ghost-Signature header');
  const { mac, timestamp } = parseSignatureHeader(header);
  // The MAC first: an unsigned claim about time is worth nothing, and checking it first means the
  // age messages below are only ever given to someone who holds the secret.
  const expected = createHmac('sha256', secret).update(`${rawBody}${timestamp}`).digest();
  // Both are 32 bytes (the header's hex was checked to be 64 digits), as timingSafeEqual requires.
  if (!timingSafeEqual(Buffer.from(mac, 'hex'), expected)) throw new AuthenticationError('X-Ghost-Signature does not match the body');
  const ageMs = now.getTime() - Number(timestamp);
  if (ageMs > maxAgeMs) throw new AuthenticationError(`X-Ghost-Signature timestamp is too old (${Math.round(ageMs / 1000)} s)`);
  // Clocks drift both ways; a timestamp far ahead would otherwise stay replayable until it ages.
  if (-ageMs > maxAgeMs) throw new AuthenticationError(`X-Ghost-Signature timestamp is in the future (${Math.round(-ageMs / 1000)} s ahead)`);
}

/** `sha256=<64 hex>, t=<ms>`: parts split on commas, in any order, spaces around them ignored. */
function parseSignatureHeader(header: string): { mac: string; timestamp: string } {
  const malformed = () => new AuthenticationError('Malformed X-Ghost-Signature header');
  if (header.length > MAX_HEADER_LENGTH) throw malformed();
  const parts = new Map<string, string>();
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) throw malformed();
    parts.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const mac = parts.get('sha256');
  const timestamp = parts.get('t');
  // 13 digits is milliseconds until the year 2286; 15 leaves room without inviting huge numbers.
  if (!mac || !/^[0-9a-f]{64}$/i.test(mac) || !timestamp || !/^\d{1,15}$/.test(timestamp)) throw malformed();
  return { mac, timestamp };
}

const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

// Ghost sends the whole Admin API post (authors with their notification settings, tiers, counts…):
// only what a release needs is checked, the rest passes untouched (looseObject) so that a field
// Ghost adds tomorrow does not turn its webhooks into 400s.
const ghostTag = z.looseObject({
  name: z.string().min(1),
  visibility: z.string().optional(),
});

const ghostPost = z.looseObject({
  id: z.string().min(1).max(64),
  title: z.string(),
  url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }),
  status: z.string().min(1),
  visibility: z.string().min(1),
  html: z.string().nullish(),
  custom_excerpt: z.string().nullish(),
  excerpt: z.string().nullish(),
  feature_image: z.string().nullish(),
  tags: z.array(ghostTag).nullish(),
  primary_author: z.looseObject({ name: z.string() }).nullish(),
  published_at: isoDate.nullish(),
  updated_at: isoDate.nullish(),
});

const ghostPostEventBody = z.looseObject({
  post: z.looseObject({
    current: ghostPost,
    // Only the attributes that changed, as they were (serialize.js picks `model._changed`); `{}`
    // when the post was created in this save.
    previous: z.looseObject({ status: z.string().optional() }).optional(),
  }),
});

/** A Ghost post event, read onto the shape every source produces. */
export interface GhostPostEvent {
  item: FeedItem;
  /** Ghost's status of the post now: `published`, `draft`, `scheduled`, `sent` (email only)… */
  status: string;
  /** Who may read it on the site: `public`, `members`, `paid` or `tiers`. */
  visibility: string;
  /**
   * True when a post that was already published changed (Ghost's `post.published.edited`): a
   * correction of an existing release, never a new send. False for a first publication.
   */
  edited: boolean;
}

/**
 * Reads a Ghost post webhook body (`{ post: { current, previous } }`) onto a {@link FeedItem}.
 *
 * The item's key is the post's `id`: the ObjectId Ghost's own Admin and Content APIs address a
 * post by, which never changes. The slug (and so `url`) changes whenever staff rename it, which
 * would make an edited post look new; `uuid` is stable too but names the post nowhere staff look.
 *
 * Whether the event is a first publication or an edit is read from `previous`, which holds only
 * the attributes that changed: Ghost fires `post.published` when the status changed to published
 * (`previous.status` is then the old status, or `previous` is `{}` for a post created published),
 * and `post.published.edited` when a published post was saved without a status change (so
 * `previous` has no `status`). A check of the body, not of which webhook URL it came to, so that
 * staff who point both events at one URL get the right answer.
 *
 * @throws ValidationError naming each bad field when the body is not a Ghost post event.
 * @example
 * const { item, edited, status } = ghostPostEvent(JSON.parse(rawBody));
 * if (status === 'published') await (edited ? correct(item) : publish(item));
 */
export function ghostPostEvent(body: unknown): GhostPostEvent {
  const parsed = ghostPostEventBody.safeParse(body);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error), 'Not a Ghost post event');
  const { current, previous = {} } = parsed.data.post;
  const item: FeedItem = {
    key: current.id,
    title: present(current.title),
    link: current.url,
    contentHtml: present(current.html),
    // Ghost fills `excerpt` from the first words of the post when staff wrote none, so the one
    // staff chose comes first.
    summary: present(current.custom_excerpt) ?? present(current.excerpt),
    categories: publicTagNames(current.tags ?? []),
    author: present(current.primary_author?.name),
    publishedAt: current.published_at ?? undefined,
    updatedAt: current.updated_at ?? undefined,
    imageUrl: present(current.feature_image),
  };
  const changedSomething = Object.keys(previous).length > 0;
  const statusUnchanged = previous.status === undefined || previous.status === current.status;
  return {
    item,
    status: current.status,
    visibility: current.visibility,
    edited: current.status === 'published' && changedSomething && statusUnchanged,
  };
}

/**
 * Ghost's internal tags (a name starting with `#`, which Ghost's tag model marks `visibility:
 * internal`) steer themes and routing (`#hide-from-home`) and are never shown to readers; as
 * categories they would reach feeds and list mappings that staff never meant them for.
 */
function publicTagNames(tags: { name: string; visibility?: string }[]): string[] {
  return tags.filter((tag) => !tag.name.startsWith('#') && tag.visibility !== 'internal').map((tag) => tag.name);
}

/** Ghost sends `null` (and an emptied field may be `""`) for what is not there. */
function present(value: string | null | undefined): string | undefined {
  return value?.trim() ? value : undefined;
}
