import { beforeEach, describe, expect, it } from 'vitest';
import { publishRelease, type PublishReleaseDeps } from '../../functions/domain/release/publish-release';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';
import type { FanOutJob } from '../../functions/domain/delivery/ports';
import { SendStatus } from '../../functions/domain/release/send-status';
import type { FeedItem, ParsedFeed } from '../../functions/domain/source/feed-item';
import type { FeedAnswer, SourceReach } from '../../functions/domain/source/ports';
import { NotAFeedError } from '../../functions/domain/source/errors';
import { carriesFullContent, itemReleaseId, listsFor, releaseBodyFor } from '../../functions/domain/source/source-item';
import { MAX_ITEMS_PER_POLL, pollSource } from '../../functions/domain/source/poll-source';
import { pollDueSources, receiveGhostWebhook, registerSource, sourceDetails } from '../../functions/domain/source/manage-sources';
import { signGhostPayload } from '../../functions/domain/source/ghost';
import { listResolver } from '../../functions/domain/lists/list-resolver';
import type { Source } from '../../functions/domain/source/source';
import { FakeChannel, FakeClock, MemoryQueue, MemoryReleaseStore, MemorySocialPostStore, MemorySourceStore } from '../helpers/fakes';

const post = (n: number, overrides: Partial<FeedItem> = {}): FeedItem => ({
  key: `https://example.org/?p=${n}`,
  title: `Post ${n}`,
  link: `https://example.org/post-${n}/`,
  contentHtml: `<p>${`The whole of post number ${n}. `.repeat(40)}</p>`,
  summary: `The whole of post number ${n} [&#8230;]`,
  categories: ['Blog'],
  publishedAt: '2026-12-01T09:00:00.000Z',
  ...overrides,
});

describe('which lists a post goes to, and what of it becomes the release', () => {
  it('maps categories without regard to case, uses "*" only when nothing else matched, and names each list once', () => {
    const source = { lists: { 'press releases': 'press-releases', Blog: 'blog', News: 'blog', '*': 'everything' } };
    expect(listsFor({ categories: ['Press Releases', 'BLOG', 'News'] }, source)).toEqual(['press-releases', 'blog']);
    expect(listsFor({ categories: ['Other'] }, source)).toEqual(['everything']);
    expect(listsFor({ categories: ['Other'] }, { lists: { Blog: 'blog' } })).toEqual([]);
  });

  it('tells an excerpt from a whole post', () => {
    expect(carriesFullContent({ contentHtml: '<p>Short teaser […]</p>' })).toBe(false);
    expect(carriesFullContent({ contentHtml: '<p>Same words</p>', summary: 'Same words' })).toBe(false);
    expect(carriesFullContent({ summary: 'Only a summary' })).toBe(false);
    expect(carriesFullContent({ contentHtml: `<p>${'A real paragraph. '.repeat(10)}</p>`, summary: 'A real paragraph.' })).toBe(true);
  });

  it('builds the release body, leaving out a date a release would refuse, and says why a post cannot be one', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    const made = releaseBodyFor(post(1, { publishedAt: '2031-01-01T00:00:00Z', author: 'Ana\nLópez' }), { id: 'src-1', language: 'es' }, { lists: ['blog'], now });
    expect(made).toEqual({
      body: expect.objectContaining({ id: itemReleaseId('src-1', 'https://example.org/?p=1'), title: 'Post 1', url: 'https://example.org/post-1/', lists: ['blog'], tags: ['Blog'], summary: 'The whole of post number 1…', author: 'Ana López', language: 'es' }),
    });
    expect('body' in made && 'publishedAt' in made.body).toBe(false);
    expect(releaseBodyFor(post(2, { title: '' }), { id: 'src-1' }, { lists: ['blog'], now })).toEqual({ reason: 'the post has no title' });
    // An excerpt whose page had no article: the excerpt stands in.
    expect(releaseBodyFor(post(3, { contentHtml: undefined }), { id: 'src-1' }, { lists: ['blog'], now })).toMatchObject({ body: { html: 'The whole of post number 3 [&#8230;]' } });
  });
});

describe('polling a feed source', () => {
  let clock: FakeClock;
  let sources: MemorySourceStore;
  let publishDeps: PublishReleaseDeps & { releases: MemoryReleaseStore; fanOutQueue: MemoryQueue<FanOutJob> };
  let feed: ParsedFeed;
  let answers: (() => FeedAnswer)[];
  let held: Record<string, unknown>[];
  let reach: SourceReach;
  let source: Source;

  beforeEach(async () => {
    clock = new FakeClock(new Date('2026-12-07T12:00:00Z'));
    sources = new MemorySourceStore();
    publishDeps = {
      releases: new MemoryReleaseStore(),
      socialPosts: new MemorySocialPostStore(),
      fanOutQueue: new MemoryQueue<FanOutJob>(),
      clock,
      listIds: new Set(['blog', 'press-releases']),
      channels: new Map([['local', new FakeChannel('local')]]),
      renderer: {
        async render(release) {
          return { subject: release.title, html: `<html><body>${release.body}<a href="${RecipientPlaceholder.UnsubscribeUrl}">Unsubscribe</a></body></html>`, text: `${release.title}\n${RecipientPlaceholder.UnsubscribeUrl}` };
        },
      },
    };
    feed = { title: 'Example', items: [post(2), post(1)] };
    answers = [];
    held = [];
    reach = {
      fetchFeed: async () => (answers.shift() ?? (() => ({ notModified: false, feed: structuredClone(feed), etag: '"v1"' })))(),
      fetchArticle: async () => undefined,
      publish: (body) => publishRelease({ body }, publishDeps),
      hold: async (body) => void held.push(body),
      releaseExists: async (id) => (await publishDeps.releases.get(id)) !== undefined,
    };
    const resolve = listResolver([{ id: 'blog', name: 'Blog' }, { id: 'press-releases', name: 'Press Releases' }]);
    const registered = await registerSource({ url: 'https://example.org/feed/', lists: { Blog: 'Blog' }, mode: 'send' }, undefined, { sources, clock, resolveList: resolve });
    source = (await sources.get(registered.source.id))!;
  });

  const deps = () => ({ sources, reach, clock });
  const pollAgain = async () => pollSource((await sources.get(source.id))!, deps());

  it('given a first poll, then it marks every post as seen and publishes none', async () => {
    expect(await pollAgain()).toMatchObject({ status: 'ok', inFeed: 2, seen: 2, published: 0 });
    expect(publishDeps.releases.releases.size).toBe(0);
    expect((await sources.get(source.id))!).toMatchObject({ primedAt: clock.now().toISOString(), itemsSeen: 2, etag: '"v1"' });
  });

  it('given a new post, then it is published once, however often the feed is read, reordered or redated', async () => {
    await pollAgain();
    feed.items.unshift(post(3));
    expect(await pollAgain()).toMatchObject({ published: 1 });
    feed.items = [post(1, { publishedAt: '2026-12-05T00:00:00.000Z' }), post(3, { publishedAt: '2026-12-06T00:00:00.000Z' }), post(2)];
    expect(await pollAgain()).toMatchObject({ published: 0, corrected: 0 });
    expect(publishDeps.fanOutQueue.jobs).toEqual([{ releaseId: itemReleaseId(source.id, post(3).key) }]);
  });

  it('given an edited post, then its release is corrected and its send is not started again', async () => {
    await pollAgain();
    feed.items.unshift(post(3));
    await pollAgain();
    const releaseId = itemReleaseId(source.id, post(3).key);
    // Its send ran to the end.
    await publishDeps.releases.transition(releaseId, [SendStatus.Queued], SendStatus.Sent, clock.now());
    feed.items[0] = post(3, { title: 'Post 3, corrected' });
    expect(await pollAgain()).toMatchObject({ corrected: 1, published: 0 });
    const release = (await publishDeps.releases.get(releaseId))!;
    expect(release).toMatchObject({ title: 'Post 3, corrected', revision: 2 });
    expect(publishDeps.fanOutQueue.jobs).toHaveLength(1);
  });

  it('given a feed that cannot be read, then the poll fails with the reason kept, and the next good poll clears it', async () => {
    answers.push(() => {
      throw new NotAFeedError('https://example.org/feed/ is a web page, not a feed');
    });
    expect(await pollAgain()).toMatchObject({ status: 'failed', error: 'https://example.org/feed/ is a web page, not a feed' });
    expect((await sources.get(source.id))!).toMatchObject({ lastPollStatus: 'failed', lastError: expect.stringContaining('web page') });
    expect((await sources.get(source.id))!.primedAt).toBeUndefined();
    await pollAgain();
    expect((await sources.get(source.id))!.lastError).toBeUndefined();
  });

  it('given a 304, then nothing is read and the validators stay', async () => {
    await pollAgain();
    answers.push(() => ({ notModified: true }));
    expect(await pollAgain()).toMatchObject({ status: 'not-modified' });
    expect((await sources.get(source.id))!.etag).toBe('"v1"');
  });

  it('given more new posts than one poll takes, then the rest wait for the next poll', async () => {
    await pollAgain();
    feed.items = Array.from({ length: MAX_ITEMS_PER_POLL + 3 }, (_, i) => post(100 + i));
    expect(await pollAgain()).toMatchObject({ published: MAX_ITEMS_PER_POLL, deferred: 3 });
    expect(await pollAgain()).toMatchObject({ published: 3, deferred: 0 });
    expect(publishDeps.fanOutQueue.jobs).toHaveLength(MAX_ITEMS_PER_POLL + 3);
  });

  it('given hold mode, then a new post is held, and a change after staff published it corrects the release', async () => {
    await sources.update(source.id, { mode: 'hold' }, clock.now());
    await pollAgain();
    feed.items.unshift(post(3));
    expect(await pollAgain()).toMatchObject({ held: 1, published: 0 });
    expect(held.map((b) => b.id)).toEqual([itemReleaseId(source.id, post(3).key)]);
    const heldId = itemReleaseId(source.id, post(3).key);
    expect((await sourceDetails(source.id, deps())).items.find((i) => i.releaseId === heldId)).toMatchObject({ state: 'held' });
    // Staff publish the draft (the draft's id is the release id): the source's page says so at once.
    await publishRelease({ body: held[0] }, publishDeps);
    expect((await sourceDetails(source.id, deps())).items.find((i) => i.releaseId === heldId)).toMatchObject({ state: 'published', reason: 'published by staff from its draft' });
    feed.items[0] = post(3, { title: 'Post 3, edited' });
    expect(await pollAgain()).toMatchObject({ corrected: 1 });
    expect(held).toHaveLength(1);
  });

  it('given two scheduled runs at once, then each due feed is polled once', async () => {
    const reads: string[] = [];
    const fetchFeed = reach.fetchFeed;
    reach.fetchFeed = async (url, validators) => (reads.push(url), fetchFeed(url, validators));
    await Promise.all([pollDueSources({ ...deps(), resolveList: listResolver([]) }), pollDueSources({ ...deps(), resolveList: listResolver([]) })]);
    expect(reads).toEqual(['https://example.org/feed/']);
    expect((await sources.get(source.id))!.nextPollAt).toBe(new Date(clock.now().getTime() + 10 * 60_000).toISOString());
  });
});

describe('Ghost deliveries', () => {
  const clock = new FakeClock(new Date('2026-12-07T12:00:00Z'));
  const ghostPost = (current: Record<string, unknown>, previous: Record<string, unknown> = { status: 'draft' }) =>
    JSON.stringify({ post: { current: { id: 'p1', uuid: 'u1', title: 'Hello', slug: 'hello', html: '<p>Hello readers.</p>', url: 'https://ghost.example.org/hello/', status: 'published', visibility: 'public', tags: [], published_at: '2026-12-07T11:00:00.000Z', updated_at: '2026-12-07T11:00:00.000Z', ...current }, previous } });

  it('records an edit of a post never received as published as seen, skips members-only posts, and ignores drafts', async () => {
    const sources = new MemorySourceStore();
    const published: unknown[] = [];
    const reach = { publish: async (body: unknown) => (published.push(body), { releaseId: 'x', created: true, updated: false, revision: 1, status: 'queued' as const, warnings: [] }) } as unknown as SourceReach;
    const { source, secret } = await registerSource({ kind: 'ghost', lists: { '*': 'blog' }, mode: 'send' }, undefined, { sources, clock, resolveList: listResolver([{ id: 'blog', name: 'Blog' }]) });
    const deliver = (body: string) => receiveGhostWebhook(source.id, { signature: signGhostPayload(body, secret!, clock.now().getTime()), rawBody: body }, { sources, reach, clock });

    expect(await deliver(ghostPost({ id: 'old' }, { title: 'Before' }))).toMatchObject({ state: 'seen' });
    expect(await deliver(ghostPost({ id: 'paid', visibility: 'paid' }))).toMatchObject({ state: 'skipped', reason: 'the post is for paid readers only in Ghost' });
    expect(await deliver(ghostPost({ id: 'draft', status: 'draft' }))).toMatchObject({ state: 'ignored' });
    expect(published).toEqual([]);
    expect(await deliver(ghostPost({ id: 'new' }))).toMatchObject({ state: 'published' });
    expect(published).toHaveLength(1);
  });
});
