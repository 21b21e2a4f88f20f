import type { Clock } from '../ports';
import type { ListReader } from '../lists/ports';
import type { ReleaseStore } from '../release/ports';
import { publicLists, type MailingList } from '../lists/mailing-list';
import type { Release } from '../release/release';
import { collectListed, cursorPosition, syndicatedListIds } from './listing';

/** Releases on one archive page. */
export const ARCHIVE_PAGE_SIZE = 25;

/** Store reads one archive page may spend; a page that hits it comes out short and links on. */
const ARCHIVE_MAX_READS = 10;

export interface ArchivePage {
  /** Newest first. */
  releases: Release[];
  /** Cursor of the next (older) page; absent on the last page. */
  next?: string;
  /** Lists whose feeds the archive offers (public, not archived). */
  lists: MailingList[];
}

/**
 * One page of the public archive: the same releases the all-releases feed carries, newest first,
 * starting after the `before` cursor of the previous page.
 *
 * @throws ValidationError for a `before` that is not a cursor this archive made.
 * @example
 * const { releases, next } = await archivePage({ before: query.before }, { releases, lists, clock });
 */
export async function archivePage(
  input: { before?: string },
  deps: { releases: ReleaseStore; lists: ListReader; clock: Clock },
): Promise<ArchivePage> {
  // Checked before any read, so a mangled link gets a clear answer whatever the store does.
  if (input.before !== undefined) cursorPosition(input.before);
  const lists = await deps.lists.all();
  const syndicated = syndicatedListIds(lists);
  const page = await collectListed(deps.releases, {
    before: input.before,
    limit: ARCHIVE_PAGE_SIZE,
    now: deps.clock.now(),
    wanted: (r) => r.lists.some((id) => syndicated.has(id)),
    maxReads: ARCHIVE_MAX_READS,
  });
  return { ...page, lists: publicLists(lists) };
}
