import { beforeEach, describe, expect, it } from 'vitest';
import { publishRelease, type PublishReleaseDeps } from '../../functions/domain/release/publish-release';
import { RecipientPlaceholder, SendStatus } from '../../functions/domain/release/release';
import { PreflightError } from '../../functions/domain/release/errors';
import { ValidationError } from '../../functions/domain/errors';
import type { FanOutJob } from '../../functions/domain/ports';
import { FakeClock, MemoryQueue, MemoryReleaseStore, MemorySocialPostStore } from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';

describe('publishRelease', () => {
  let deps: PublishReleaseDeps & { releases: MemoryReleaseStore; socialPosts: MemorySocialPostStore; fanOutQueue: MemoryQueue<FanOutJob> };

  beforeEach(() => {
    deps = {
      releases: new MemoryReleaseStore(),
      socialPosts: new MemorySocialPostStore(),
      fanOutQueue: new MemoryQueue<FanOutJob>(),
      clock: new FakeClock(),
      lists: new Set(['blog', 'press-releases']),
      socialChannels: ['local', 'mastodon'],
      renderer: {
        async render(release) {
          const link = `<a href="${RecipientPlaceholder.UnsubscribeUrl}">Unsubscribe</a>`;
          return { subject: release.title, html: `<html><body><p>${release.title}</p>${link}</body></html>`, text: `${release.title}\n${RecipientPlaceholder.UnsubscribeUrl}` };
        },
      },
    };
  });

  it('given a new release, when published, then it is stored queued with one fan-out job and one post per channel', async () => {
    const result = await publishRelease({ body: releaseBody(), webhookId: 'msg_1' }, deps);
    expect(result).toEqual({ releaseId: 'spring-update', created: true, status: SendStatus.Queued, warnings: [] });
    expect(deps.releases.rendered.get('spring-update')?.subject).toBe('Spring update');
    expect(deps.fanOutQueue.jobs).toEqual([{ releaseId: 'spring-update' }]);
    expect([...deps.socialPosts.posts.values()].map((p) => p.channel)).toEqual(['local', 'mastodon']);
  });

  it('given the same webhook id again, then nothing new is stored even if the body differs', async () => {
    await publishRelease({ body: releaseBody(), webhookId: 'msg_1' }, deps);
    const again = await publishRelease({ body: releaseBody({ title: 'Edited' }), webhookId: 'msg_1' }, deps);
    expect(again).toMatchObject({ releaseId: 'spring-update', created: false });
    expect(deps.releases.releases.get('spring-update')!.title).toBe('Spring update');
    expect(deps.socialPosts.posts.size).toBe(2);
  });

  it('given the same release id under a new webhook id, then the first release stands', async () => {
    await publishRelease({ body: releaseBody(), webhookId: 'msg_1' }, deps);
    const again = await publishRelease({ body: releaseBody({ title: 'Edited' }), webhookId: 'msg_2' }, deps);
    expect(again).toMatchObject({ releaseId: 'spring-update', created: false });
    expect(deps.releases.releases.size).toBe(1);
    expect(deps.releases.webhooks.get('msg_2')).toBe('spring-update');
  });

  it('given a send already under way, then a replay enqueues no new fan-out', async () => {
    await publishRelease({ body: releaseBody(), webhookId: 'msg_1' }, deps);
    await deps.releases.transition('spring-update', [SendStatus.Queued], SendStatus.Sending, new Date());
    await publishRelease({ body: releaseBody(), webhookId: 'msg_1' }, deps);
    expect(deps.fanOutQueue.jobs).toHaveLength(1);
  });

  it('given a crash before the fan-out job was queued, then the sender retry queues it', async () => {
    deps.fanOutQueue.send = async () => {
      throw new Error('queue unavailable');
    };
    await expect(publishRelease({ body: releaseBody(), webhookId: 'msg_1' }, deps)).rejects.toThrow('queue unavailable');
    deps.fanOutQueue = new MemoryQueue<FanOutJob>();
    await publishRelease({ body: releaseBody(), webhookId: 'msg_1' }, deps);
    expect(deps.fanOutQueue.jobs).toEqual([{ releaseId: 'spring-update' }]);
  });

  it('given a rendering with blocking findings, then it is refused with the findings and nothing is stored', async () => {
    deps.renderer = { render: async (release) => ({ subject: release.title, html: '<p>no footer</p>', text: 'no footer' }) };
    const error = await publishRelease({ body: releaseBody(), webhookId: 'msg_1' }, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as PreflightError).findings.map((f) => f.code)).toContain('unsubscribe-missing');
    expect(deps.releases.releases.size).toBe(0);
    expect(deps.fanOutQueue.jobs).toHaveLength(0);
  });

  it('given invalid input, then nothing is stored', async () => {
    await expect(publishRelease({ body: releaseBody({ lists: ['nope'] }) }, deps)).rejects.toBeInstanceOf(ValidationError);
    expect(deps.releases.releases.size).toBe(0);
    expect(deps.fanOutQueue.jobs).toHaveLength(0);
  });
});
