import { beforeEach, describe, expect, it } from 'vitest';
import { postDueSocial } from '../../functions/domain/social/post-due';
import { scheduledPostsFor } from '../../functions/domain/social/schedule-posts';
import { newRelease } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { SocialPostRejectedError, SocialPostRetryableError } from '../../functions/domain/social/errors';
import { SocialPostStatus } from '../../functions/domain/social/social-post';
import { FakeChannel, FakeClock, MemorySocialPostStore } from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';

describe('postDueSocial', () => {
  let clock: FakeClock;
  let store: MemorySocialPostStore;
  let channel: FakeChannel;
  /** The worker dies after the provider made the post, before the post was recorded. */
  const crashOnceAfterPosting = () => {
    const markPosted = store.markPosted.bind(store);
    store.markPosted = async () => {
      store.markPosted = markPosted;
      throw new Error('worker crashed after the provider answered');
    };
  };
  const deps = () => ({ socialPosts: store, channels: new Map([[channel.name, channel]]), clock, backoffMs: 1000, maxAttempts: 3 });

  beforeEach(async () => {
    clock = new FakeClock();
    store = new MemorySocialPostStore();
    channel = new FakeChannel();
    const release = newRelease(parseReleaseInput(releaseBody(), new Set(['blog'])), clock.now(), ['fake']);
    await store.schedule(await scheduledPostsFor(release, clock.now()));
  });

  it('posts a due summary once and records the remote id', async () => {
    expect(await postDueSocial(deps())).toMatchObject({ posted: 1 });
    expect(await postDueSocial(deps())).toMatchObject({ posted: 0 });
    expect(channel.posts).toEqual([{ text: 'Spring update https://example.org/blog/spring-update', key: 'spring-update:fake' }]);
    const [post] = await store.listForRelease('spring-update');
    expect(post).toMatchObject({ status: SocialPostStatus.Posted, remoteId: 'p1', attempts: 1 });
  });

  it('two overlapping runs post once', async () => {
    const results = await Promise.all([postDueSocial(deps()), postDueSocial(deps())]);
    expect(results.map((r) => r.posted).sort()).toEqual([0, 1]);
    expect(channel.posts).toHaveLength(1);
  });

  it('retries with exponential backoff, then ends failed with the error kept', async () => {
    channel.failures = [new SocialPostRetryableError('fake', '503 from provider'), new SocialPostRetryableError('fake', '503 again'), new SocialPostRetryableError('fake', 'still 503')];
    expect(await postDueSocial(deps())).toMatchObject({ retrying: 1 });
    expect(await postDueSocial(deps())).toMatchObject({ posted: 0, retrying: 0 }); // not due yet
    clock.advance(1000);
    expect(await postDueSocial(deps())).toMatchObject({ retrying: 1 });
    clock.advance(1000);
    expect(await postDueSocial(deps())).toMatchObject({ retrying: 0 }); // second backoff is 2 s
    clock.advance(1000);
    expect(await postDueSocial(deps())).toMatchObject({ failed: 1 });
    const [post] = await store.listForRelease('spring-update');
    expect(post).toMatchObject({ status: SocialPostStatus.Failed, lastError: 'still 503', attempts: 3 });
    expect(channel.posts).toHaveLength(0);
  });

  it('does not retry a rejected post', async () => {
    channel.failures = [new SocialPostRejectedError('fake', 'Text too long')];
    expect(await postDueSocial(deps())).toMatchObject({ failed: 1 });
    expect((await store.listForRelease('spring-update'))[0].lastError).toBe('Text too long');
  });

  it('a run that crashed after claiming leaves the post to a later run once the lease expires', async () => {
    const [post] = await store.listDue(clock.now(), 10);
    expect(await store.claim(post, clock.now(), 60_000)).toBe(true); // the crashed run
    expect(await postDueSocial(deps())).toMatchObject({ posted: 0 });
    clock.advance(60_001);
    expect(await postDueSocial(deps())).toMatchObject({ posted: 1 });
    expect(channel.posts[0].key).toBe('spring-update:fake');
  });

  it('a crash after an idempotent channel posted: the next run posts again with the same key, making one post', async () => {
    crashOnceAfterPosting();
    await expect(postDueSocial(deps())).rejects.toThrow('worker crashed');
    const [stuck] = await store.listForRelease('spring-update');
    expect(stuck.status).toBe(SocialPostStatus.Posting);
    clock.advance(5 * 60_000 + 1); // the claim expires
    expect(await postDueSocial(deps())).toMatchObject({ posted: 1 });
    expect(channel.posts).toHaveLength(1);
    expect((await store.listForRelease('spring-update'))[0]).toMatchObject({ status: SocialPostStatus.Posted, remoteId: 'p1' });
  });

  it('a crash after a channel that cannot dedupe posted: the post ends failed and is never made twice', async () => {
    channel = new FakeChannel('fake', false);
    crashOnceAfterPosting();
    await expect(postDueSocial(deps())).rejects.toThrow('worker crashed');
    clock.advance(5 * 60_000 + 1);
    expect(await postDueSocial(deps())).toMatchObject({ posted: 0, failed: 1 });
    clock.advance(60 * 60_000);
    expect(await postDueSocial(deps())).toMatchObject({ posted: 0, failed: 0 });
    expect(channel.posts).toHaveLength(1);
    const [post] = await store.listForRelease('spring-update');
    expect(post.status).toBe(SocialPostStatus.Failed);
    expect(post.lastError).toMatch(/may or may not have been published/);
  });

  it('a timeout on a channel that cannot dedupe is not retried; on one that can, it is', async () => {
    const timeout = () => new SocialPostRetryableError('fake', 'timed out after sending', { mayHavePosted: true });
    channel = new FakeChannel('fake', false);
    channel.failures = [timeout()];
    expect(await postDueSocial(deps())).toMatchObject({ failed: 1 });
    expect(channel.posts).toHaveLength(0);

    const release = newRelease(parseReleaseInput(releaseBody({ id: 'second' }), new Set(['blog'])), clock.now(), ['fake']);
    await store.schedule(await scheduledPostsFor(release, clock.now()));
    channel = new FakeChannel('fake', true);
    channel.failures = [timeout()];
    expect(await postDueSocial(deps())).toMatchObject({ retrying: 1 });
    clock.advance(1000);
    expect(await postDueSocial(deps())).toMatchObject({ posted: 1 });
  });

  it("posts staff's own text for the channel instead of the formatted summary", async () => {
    const release = newRelease(
      parseReleaseInput(releaseBody({ id: 'own-words', social: { channels: [{ channel: 'fake', text: 'Our own words https://example.org/x' }] } }), new Set(['blog'])),
      clock.now(),
      ['fake'],
    );
    await store.schedule(await scheduledPostsFor(release, clock.now()));
    await postDueSocial(deps());
    expect(channel.posts).toContainEqual({ text: 'Our own words https://example.org/x', key: 'own-words:fake' });
  });

  it('holds an embargoed release and staggers channels after the embargo', async () => {
    const embargoUntil = new Date(clock.now().getTime() + 3_600_000).toISOString();
    const release = newRelease(
      parseReleaseInput(releaseBody({ id: 'embargoed', embargoUntil, social: { staggerMinutes: 10, channels: ['fake', 'other'] } }), new Set(['blog'])),
      clock.now(),
    );
    const posts = await scheduledPostsFor(release, clock.now());
    expect(posts.map((p) => [p.channel, p.dueAt])).toEqual([
      ['fake', embargoUntil],
      ['other', new Date(Date.parse(embargoUntil) + 600_000).toISOString()],
    ]);
    await store.schedule(posts);
    store.posts.delete('spring-update#fake');
    expect(await postDueSocial(deps())).toMatchObject({ posted: 0 });
    clock.advance(3_600_000);
    expect(await postDueSocial(deps())).toMatchObject({ posted: 1 });
    expect(channel.posts.map((p) => p.key)).toEqual(['embargoed:fake']);
  });
});
