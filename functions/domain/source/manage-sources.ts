import type { Clock } from '../ports';
import { ConflictError, GoneError, NotFoundError, ValidationError } from '../errors';
import type { SourceReach, SourceStore } from './ports';
import {
  newGhostSecret, newSourceId, parseNewSource, parseSourcePatch, POLL_MINUTES, SourceKind, sourceView,
  type Source, type SourceView,
} from './source';
import { fingerprintOf, itemRecord, itemReleaseId, ItemState, type SourceItem } from './source-item';
import { nextPollAt, pollSource, type PollReport } from './poll-source';
import { takeItem } from './take-item';
import { ghostPostEvent, verifyGhostSignature } from './ghost';
import type { ListResolver } from '../lists/list-resolver';

export interface SourcesDeps {
  sources: SourceStore;
  reach: SourceReach;
  clock: Clock;
  /** Lists' ids from what staff typed (ids or names). */
  resolveList: ListResolver;
}

/** A registered source; a Ghost source's secret is given this once. */
export interface RegisteredSource {
  source: SourceView;
  /** Ghost sources: the secret to paste into Ghost's webhook settings. Never shown again. */
  secret?: string;
}

/**
 * Registers a source (POST /admin/sources). A feed is polled at once by the schedule (that first
 * poll marks what it holds as seen); a Ghost source gets its secret.
 *
 * @throws ValidationError naming each bad field.
 * @example
 * await registerSource({ url: 'https://example.org/feed/', lists: { Blog: 'blog' }, mode: 'send' }, 'editor@example.org', deps);
 */
export async function registerSource(body: unknown, by: string | undefined, deps: Omit<SourcesDeps, 'reach'>): Promise<RegisteredSource> {
  const input = parseNewSource(body, deps.resolveList);
  const at = deps.clock.now().toISOString();
  const secret = input.kind === SourceKind.Ghost ? newGhostSecret() : undefined;
  const source: Source = {
    id: newSourceId(),
    kind: input.kind,
    ...(input.name ? { name: input.name } : {}),
    ...(input.url ? { url: input.url } : {}),
    lists: input.lists,
    mode: input.mode,
    pollMinutes: input.pollMinutes ?? POLL_MINUTES.default,
    ...(secret ? { secret } : {}),
    createdAt: at,
    ...(by ? { createdBy: by } : {}),
    updatedAt: at,
    // Due now: its first poll (which sends nothing) tells staff at once whether the feed reads.
    ...(input.kind === SourceKind.Feed ? { nextPollAt: at } : {}),
    itemsSeen: 0,
  };
  // Ids carry 32 random bits: a collision is all but impossible, and refused rather than overwritten.
  if (!(await deps.sources.create(source))) throw new ConflictError('Source id taken; register it again');
  return { source: sourceView(source), ...(secret ? { secret } : {}) };
}

/** A source that is there (not removed), or NotFoundError. */
async function existing(id: string, sources: SourceStore): Promise<Source> {
  const source = await sources.get(id);
  if (!source || source.deletedAt) throw new NotFoundError(`No source "${id}"`);
  return source;
}

/** Every source, as staff see them. */
export async function listSources(deps: Pick<SourcesDeps, 'sources'>): Promise<SourceView[]> {
  return (await deps.sources.list()).map(sourceView);
}

/**
 * One source with what it knows of each post, newest first. A held post that staff have since
 * published from its draft (the console, the API) is shown as published: the source learns of it
 * only at the post's next change, and until then its record still says held. One release lookup per
 * held post; a source holds a few.
 *
 * @throws NotFoundError
 */
export async function sourceDetails(id: string, deps: Pick<SourcesDeps, 'sources' | 'reach'>): Promise<SourceView & { items: SourceItem[] }> {
  const source = await existing(id, deps.sources);
  const stored = (await deps.sources.listItems(id)).sort((a, b) => b.firstSeenAt.localeCompare(a.firstSeenAt) || b.lastChangedAt.localeCompare(a.lastChangedAt));
  const items = await Promise.all(
    stored.map(async (item) =>
      item.state === ItemState.Held && (await deps.reach.releaseExists(item.releaseId)) ? { ...item, state: ItemState.Published, reason: 'published by staff from its draft' } : item,
    ),
  );
  return { ...sourceView(source), items };
}

/**
 * Staff's change to a source (PATCH). A new feed address starts the source over: its first poll
 * marks the new feed's posts as seen, so a different feed's history is not mailed either.
 *
 * @throws ValidationError, NotFoundError
 */
export async function updateSource(id: string, body: unknown, deps: Omit<SourcesDeps, 'reach'>): Promise<SourceView> {
  const source = await existing(id, deps.sources);
  const patch = parseSourcePatch(body, source.kind, deps.resolveList);
  const restart = patch.url !== undefined && patch.url !== source.url;
  if (!(await deps.sources.update(id, { ...patch, ...(restart ? { primedAt: null } : {}) }, deps.clock.now()))) throw new NotFoundError(`No source "${id}"`);
  return sourceView(await existing(id, deps.sources));
}

/** Removes a source: no more polls; Ghost is answered 410 Gone and removes its webhook. @throws NotFoundError */
export async function removeSource(id: string, deps: Pick<SourcesDeps, 'sources' | 'clock'>): Promise<void> {
  await existing(id, deps.sources);
  await deps.sources.remove(id, deps.clock.now());
}

/**
 * Polls a feed source now (POST /admin/sources/{id}/poll), and moves its next scheduled poll on.
 *
 * @throws NotFoundError; ValidationError for a Ghost source (Ghost calls Pressroom).
 */
export async function pollNow(id: string, deps: SourcesDeps): Promise<PollReport> {
  const source = await existing(id, deps.sources);
  if (source.kind !== SourceKind.Feed) throw new ValidationError([{ field: 'kind', message: 'a Ghost source is not polled: Ghost calls Pressroom when a post is published' }]);
  await deps.sources.claimPoll(id, source.nextPollAt, nextPollAt(source, deps.clock.now()));
  return pollSource(source, deps);
}

/**
 * Polls every feed source that is due (the schedule, every minute). Each poll is taken by moving the
 * source's next poll on first, so two runs at once do not poll the same feed twice; a failing feed
 * does not stop the others.
 */
export async function pollDueSources(deps: SourcesDeps & { limit?: number }): Promise<PollReport[]> {
  const now = deps.clock.now();
  const reports: PollReport[] = [];
  for (const source of await deps.sources.listDue(now, deps.limit ?? 25)) {
    if (!(await deps.sources.claimPoll(source.id, source.nextPollAt, nextPollAt(source, now)))) continue;
    reports.push(await pollSource(source, deps));
  }
  return reports;
}

/**
 * Staff pick a post to publish now: one seen when the source was connected, one that failed, or one
 * held (which publishing its draft does too). The feed is read again for the post's current content.
 *
 * @throws NotFoundError when the source does not know the post, or the feed no longer carries it.
 */
export async function publishItem(sourceId: string, releaseId: string, deps: SourcesDeps): Promise<SourceItem> {
  const source = await existing(sourceId, deps.sources);
  const known = await deps.sources.getItem(sourceId, releaseId);
  if (!known) throw new NotFoundError(`Source "${sourceId}" has no post "${releaseId}"`);
  if (known.state === ItemState.Published) return known;
  if (!source.url) throw new ValidationError([{ field: 'releaseId', message: 'a Ghost post is published by Ghost' }]);
  const answer = await deps.reach.fetchFeed(source.url, {});
  const item = answer.notModified ? undefined : answer.feed.items.find((i) => itemReleaseId(sourceId, i.key) === releaseId);
  if (!item) throw new NotFoundError(`The feed no longer carries "${known.title ?? known.key}"`);
  const after = await takeItem(item, source, known, deps, { publishNow: true });
  await deps.sources.putItem(after);
  return after;
}

/** What a Ghost delivery did. */
export interface GhostDeliveryResult {
  releaseId?: string;
  state: ItemState | 'ignored';
  reason?: string;
  revision?: number;
}

/**
 * A Ghost webhook delivery (POST /webhooks/ghost/{sourceId}): verified against the source's secret,
 * then taken like a feed post. An edit of a post Pressroom never received as published (one from
 * before the connection) is recorded as seen, never mailed; a post not public in Ghost (members or
 * paid only) is skipped, so that paid content is not mailed to free lists.
 *
 * @throws NotFoundError (no such source), GoneError (removed: Ghost then deletes its webhook),
 * AuthenticationError (bad signature or age), ValidationError (not a post event).
 */
export async function receiveGhostWebhook(
  sourceId: string,
  delivery: { signature: string | undefined; rawBody: string },
  deps: Omit<SourcesDeps, 'resolveList'>,
): Promise<GhostDeliveryResult> {
  const source = await deps.sources.get(sourceId);
  if (!source || source.kind !== SourceKind.Ghost || !source.secret) throw new NotFoundError(`No Ghost source "${sourceId}"`);
  if (source.deletedAt) throw new GoneError(`Source "${sourceId}" was removed`);
  verifyGhostSignature(delivery.signature, delivery.rawBody, source.secret, deps.clock.now());
  let body: unknown;
  try {
    body = JSON.parse(delivery.rawBody);
  } catch {
    throw new ValidationError([{ field: 'body', message: 'must be JSON' }], 'Invalid Ghost webhook');
  }
  const event = ghostPostEvent(body);
  if (event.status !== 'published') return { state: 'ignored', reason: `the post is ${event.status}, not published` };
  const releaseId = itemReleaseId(sourceId, event.item.key);
  const known = await deps.sources.getItem(sourceId, releaseId);
  if (known && known.fingerprint === fingerprintOf(event.item)) return { releaseId, state: known.state, ...(known.revision ? { revision: known.revision } : {}) };
  const at = deps.clock.now().toISOString();
  const unsent = (state: ItemState, reason: string): SourceItem => ({ ...itemRecord(event.item, sourceId, state, at, known), reason });
  let after: SourceItem;
  if (!known && event.edited) after = unsent(ItemState.Seen, 'an edit of a post published before the source was connected');
  else if (event.visibility !== 'public' && known?.state !== ItemState.Published) after = unsent(ItemState.Skipped, `the post is for ${event.visibility} readers only in Ghost`);
  else after = await takeItem(event.item, source, known, deps);
  await deps.sources.putItem(after, { countNew: true });
  return { releaseId, state: after.state, ...(after.reason ? { reason: after.reason } : {}), ...(after.revision ? { revision: after.revision } : {}) };
}
