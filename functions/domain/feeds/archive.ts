import type { Clock } from '../ports';
import type { ListReader } from '../lists/ports';
import type { ReleaseStore } from '../release/ports';
import { publicLists, type MailingList } from '../lists/mailing-list';
import type { Release } from '../release/release';
import { NotFoundError } from '../errors';
import { releaseBody } from '../release/release-body';
import { releaseSummary } from '../release/release-summary';
import { collectListed, cursorPosition, syndicatedListIds } from './listing';

/** Releases on one archive page. */
export const ARCHIVE_PAGE_SIZE = 25;

/** Store reads one archive page may spend; a page that hits it comes out short and links on. */
const ARCHIVE_MAX_READS = 10;

/** Characters of each release's summary the archive shows. */
const ARCHIVE_SUMMARY_MAX = 280;

export interface ArchivePage {
  /** Newest first. */
  releases: Release[];
  /** Each release's summary (its own, else its first sentence), by release id; empty when it has none. */
  summaries: Record<string, string>;
  /** Cursor of the next (older) page; absent on the last page. */
  next?: string;
  /** Lists whose feeds the archive offers and that it filters by (public, not archived). */
  lists: MailingList[];
  /** The list this page is filtered to, when it is. */
  list?: MailingList;
}

/**
 * One page of the public archive: the same releases the all-releases feed carries (or, with
 * `listId`, the ones that list's feed carries), newest first, starting after the `before` cursor of
 * the previous page.
 *
 * @throws ValidationError for a `before` that is not a cursor this archive made; NotFoundError for a
 *   `listId` that is not a public list (private lists are not announced, so they answer as unknown).
 * @example
 * const { releases, next } = await archivePage({ before: query.before, listId: 'blog' }, { releases, lists, clock });
 */
export async function archivePage(
  input: { before?: string; listId?: string },
  deps: { releases: ReleaseStore; lists: ListReader; clock: Clock },
): Promise<ArchivePage> {
  // Checked before any read, so a mangled link gets a clear answer whatever the store does.
  if (input.before !== undefined) cursorPosition(input.before);
  const lists = await deps.lists.all();
  const syndicated = syndicatedListIds(lists);
  // An archived public list keeps its history here, as its feed does.
  const list = input.listId === undefined ? undefined : lists.find((l) => l.id === input.listId && syndicated.has(l.id));
  if (input.listId !== undefined && !list) throw new NotFoundError(`No public list "${input.listId}"`);
  const page = await collectListed(deps.releases, {
    before: input.before,
    limit: ARCHIVE_PAGE_SIZE,
    now: deps.clock.now(),
    wanted: list ? (r) => r.lists.includes(list.id) : (r) => r.lists.some((id) => syndicated.has(id)),
    maxReads: ARCHIVE_MAX_READS,
  });
  const summaries: Record<string, string> = {};
  for (const release of page.releases) summaries[release.id] = releaseSummary(release, await releaseBody(release), ARCHIVE_SUMMARY_MAX);
  return { ...page, summaries, lists: publicLists(lists), ...(list ? { list } : {}) };
}
