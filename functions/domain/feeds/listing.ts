import type { MailingList } from '../lists/mailing-list';
import type { ReleaseStore } from '../release/ports';
import { ValidationError } from '../errors';
import { isPublic, ReleaseKind, type Release } from '../release/release';

/**
 * Which releases the public listings (feeds and the archive) show, in what order, and how a reader
 * pages through them. Both release stores and the feed and archive use cases read these.
 */

/**
 * Whether a release belongs in the public listings at `now`: its embargo has passed and it is not a
 * digest (a digest repeats releases that are listed already).
 *
 * A release whose email send was cancelled, paused or failed stays listed: the send status is about
 * the email only, and the release itself is still published on the organisation's website.
 *
 * @example
 * isListed(release, clock.now());
 */
export function isListed(release: Release, now: Date): boolean {
  return isPublic(release, now) && release.kind !== ReleaseKind.Digest;
}

/**
 * A release's place in the listings, newest last when sorted as strings: `publishedAt` is always
 * stored as `toISOString()` (fixed width), so string order is time order, and the id breaks ties.
 * The DynamoDB store keeps this as the release's GSI2 sort key.
 */
export function listingPosition(release: Pick<Release, 'publishedAt' | 'id'>): string {
  return `${release.publishedAt}#${release.id}`;
}

const POSITION = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)#([A-Za-z0-9][A-Za-z0-9._-]{0,127})$/;

/** The opaque cursor a page ends with: listings continue with the releases older than this one. */
export function releaseCursor(release: Pick<Release, 'publishedAt' | 'id'>): string {
  return Buffer.from(listingPosition(release)).toString('base64url');
}

/**
 * The listing position a cursor stands for.
 *
 * @throws ValidationError when the cursor was not made by {@link releaseCursor} (hand-edited or cut short).
 */
export function cursorPosition(cursor: string): string {
  const position = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = POSITION.exec(position);
  if (!match || Number.isNaN(Date.parse(match[1]))) {
    throw new ValidationError([{ field: 'before', message: 'is not a position in the archive; follow the links on the archive pages' }], 'Invalid cursor');
  }
  return position;
}

/**
 * Lists whose releases are syndicated. A release sent only to private lists (staff-managed audiences)
 * is not announced in public feeds or the archive; archived public lists keep their history.
 */
export function syndicatedListIds(lists: MailingList[]): Set<string> {
  return new Set(lists.filter((l) => l.public).map((l) => l.id));
}

/** Releases one store read asks for while collecting; the filters below usually keep most of them. */
const READ_SIZE = 50;

/**
 * Collects up to `limit` listed releases newest first, strictly older than `before`, keeping only
 * those `wanted` accepts. Stops after `maxReads` store reads, so a list that had no release for a
 * long time costs a bounded number of reads: the result may then be short, and `next` says where
 * to go on.
 */
export async function collectListed(
  releases: ReleaseStore,
  options: { before?: string; limit: number; now: Date; wanted: (release: Release) => boolean; maxReads: number },
): Promise<{ releases: Release[]; next?: string }> {
  const kept: Release[] = [];
  let before = options.before;
  for (let read = 0; read < options.maxReads; read++) {
    const page = await releases.listPublished({ before, limit: READ_SIZE, now: options.now });
    for (const [i, release] of page.releases.entries()) {
      if (!options.wanted(release)) continue;
      kept.push(release);
      if (kept.length === options.limit) {
        const more = page.releases.slice(i + 1).some(options.wanted) || page.next !== undefined;
        return { releases: kept, next: more ? releaseCursor(release) : undefined };
      }
    }
    if (!page.next) return { releases: kept };
    before = page.next;
  }
  return { releases: kept, next: before };
}
