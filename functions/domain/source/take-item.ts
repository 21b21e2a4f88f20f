import type { Clock } from '../ports';
import { TooLargeError, ValidationError } from '../errors';
import { PreflightError } from '../release/errors';
import type { FeedItem } from './feed-item';
import type { SourceReach } from './ports';
import { SourceMode, type Source } from './source';
import { carriesFullContent, itemRecord, ItemState, listsFor, releaseBodyFor, type SourceItem } from './source-item';

/**
 * Acts on a post that is new to its source, or changed since it was last seen, and says what became
 * of it (the caller stores that):
 * - a post seen when the source was connected stays `seen`: nothing of the past is mailed;
 * - a new post goes to the lists its categories map to: published at once (`send`), or kept as a
 *   draft of the same release id (`hold`); with no list it is `skipped`, saying which categories it had;
 * - a changed post that is a release is republished: a correction (publish-release.ts), never a
 *   second send; a changed held post updates its draft, or corrects the release staff published from it.
 *
 * A post that cannot be a release as it is (no title, refused by validation or preflight) ends
 * `failed` with the reason; it is tried again when it changes. `publishNow` is staff picking a post
 * (one seen at connection, or held) to publish at once. Anything else (a store or network
 * failure) is thrown, so the post is tried again at the next poll.
 *
 * @example
 * const known = await sources.getItem(source.id, itemReleaseId(source.id, item.key));
 * await sources.putItem(await takeItem(item, source, known, { reach, clock }));
 */
export async function takeItem(
  item: FeedItem,
  source: Source,
  known: SourceItem | undefined,
  deps: { reach: SourceReach; clock: Clock },
  options: { publishNow?: boolean } = {},
): Promise<SourceItem> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const record: SourceItem = {
    ...itemRecord(item, source.id, known?.state ?? ItemState.Seen, at, known),
    ...(known?.lists ? { lists: known.lists } : {}),
    ...(known?.revision ? { revision: known.revision } : {}),
  };
  if (known?.state === ItemState.Seen && !options.publishNow) return record;
  // A post that became a release keeps its lists: a correction changes what it says, not who gets it.
  const lists = known?.lists ?? listsFor(item, source);
  if (!lists.length) {
    const had = item.categories.length ? `its categories (${item.categories.slice(0, 10).join(', ')}) map to no list` : 'it has no category, and no "*" list is set';
    return { ...record, state: ItemState.Skipped, reason: had };
  }
  const article = carriesFullContent(item) || !item.link ? undefined : await deps.reach.fetchArticle(item.link);
  const made = releaseBodyFor(item, source, { lists, article, now });
  if ('reason' in made) return { ...record, state: ItemState.Failed, reason: made.reason };
  try {
    const holding = !options.publishNow && (known?.state === ItemState.Held || (!isRelease(known) && source.mode === SourceMode.Hold));
    if (holding && !(await deps.reach.releaseExists(record.releaseId))) {
      await deps.reach.hold(made.body);
      return { ...record, state: ItemState.Held, lists };
    }
    const result = await deps.reach.publish(made.body);
    return { ...record, state: ItemState.Published, lists, revision: result.revision };
  } catch (error) {
    // Final for the post as it stands; anything else (a correction racing another, a store) is
    // thrown, and the next poll tries again.
    if (error instanceof ValidationError || error instanceof PreflightError || error instanceof TooLargeError) {
      return { ...record, state: ItemState.Failed, lists, reason: error.message.slice(0, 1000) };
    }
    throw error;
  }
}

const isRelease = (known: SourceItem | undefined) => known?.state === ItemState.Published;
