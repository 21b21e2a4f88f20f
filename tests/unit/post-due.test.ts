import { beforeEach, describe, expect, it } from 'vitest';
import { postDueSocial } from '../../functions/domain/social/post-due';
import { scheduledPostsFor } from '../../functions/domain/social/schedule-posts';
import { newRelease, parseReleaseInput } from '../../functions/domain/release/release';
import { SocialPostRejectedError, SocialPostRetryableError } from '../../functions/domain/social/errors';
import { SocialPostStatus } from '../../functions/domain/social/social-post';
import { FakeChannel, FakeClock, MemorySocialPostStore } from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';

describe('postDueSocial', () => {
  let clock: FakeClock;
  let store: MemorySocialPostStore;
  let channel: FakeChannel;
  const deps = () => ({ socialPosts: store, channels: new Map([[channel.name, channel]]), clock, backoffMs: 1000, maxAttempts: 3 });

  beforeEach(async () => {
    clock = new FakeClock();
    store = new MemorySocialPostStore();
    channel = new FakeChannel();
    const release = newRelease(parseReleaseInput(releaseBody(), new Set(['blog'])), clock.now());
    await store.schedule(scheduledPostsFor(release, ['fake'], clock.now()));
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
});
