import { beforeEach, describe, expect, it } from 'vitest';
import { publishRelease, type PublishReleaseDeps } from '../../functions/domain/release/publish-release';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';
import { SendStatus } from '../../functions/domain/release/send-status';
import { PreflightError } from '../../functions/domain/release/errors';
import { ValidationError } from '../../functions/domain/errors';
import type { FanOutJob } from '../../functions/domain/delivery/ports';
import { FakeChannel, FakeClock, MemoryQueue, MemoryReleaseStore, MemorySocialPostStore } from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';

describe('publishRelease', () => {
  let deps: PublishReleaseDeps & { releases: MemoryReleaseStore; socialPosts: MemorySocialPostStore; fanOutQueue: MemoryQueue<FanOutJob> };

  beforeEach(() => {
    deps = {
      releases: new MemoryReleaseStore(),
      socialPosts: new MemorySocialPostStore(),
      fanOutQueue: new MemoryQueue<FanOutJob>(),
      clock: new FakeClock(),
      listIds: new Set(['blog', 'press-releases']),
      channels: new Map([['local', new FakeChannel('local')], ['mastodon', new FakeChannel('mastodon', true, 20)]]),
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
    expect(result).toEqual({ releaseId: 'spring-update', created: true, updated: false, revision: 1, status: SendStatus.Queued, warnings: [] });
    expect(deps.releases.rendered.get('spring-update')?.subject).toBe('Spring update');
    expect(deps.fanOutQueue.jobs).toEqual([{ releaseId: 'spring-update' }]);
    expect([...deps.socialPosts.posts.values()].map((p) => p.channel)).toEqual(['local', 'mastodon']);
  });

  it('given an HTML or Markdown body, then it is sanitised once at publish and stored as the canonical body instead of the raw form', async () => {
    const rendered: (string | undefined)[] = [];
    const renderer = deps.renderer;
    deps.renderer = { render: (release) => (rendered.push(release.body), renderer.render(release)) };
    await publishRelease({ body: releaseBody({ id: 'from-html', html: '<p onclick="x()">Hi <a href="/about">there</a></p><script>bad()</script>' }) }, deps);
    await publishRelease({ body: releaseBody({ id: 'from-markdown', html: undefined, markdown: 'Hi **there**' }) }, deps);

    const fromHtml = deps.releases.releases.get('from-html')!;
    expect(fromHtml.body).toBe('<p>Hi <a href="https://example.org/about">there</a></p>');
    expect(fromHtml.html).toBeUndefined();
    const fromMarkdown = deps.releases.releases.get('from-markdown')!;
    expect(fromMarkdown.body).toBe('<p>Hi <strong>there</strong></p>\n');
    expect(fromMarkdown.markdown).toBeUndefined();
    // The renderer was handed the same body that was stored: one sanitising, not one per reader.
    expect(rendered).toEqual([fromHtml.body, fromMarkdown.body]);
  });

  it('given a body too large to store once sanitised, then it is refused naming the field, and nothing is stored', async () => {
    // 270 KB of Markdown (within the input limit) that becomes ~800 KB of paragraphs.
    const markdown = 'x\n\n'.repeat(90_000);
    const error = await publishRelease({ body: releaseBody({ html: undefined, markdown }) }, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ field: 'markdown', message: expect.stringMatching(/^the body is \d+ KB once sanitised; at most 350 KB$/) }]);
    expect(deps.releases.releases.size).toBe(0);
  });

  it('given the same webhook id again, then nothing new is stored even if the body differs', async () => {
    await publishRelease({ body: releaseBody(), webhookId: 'msg_1' }, deps);
    const again = await publishRelease({ body: releaseBody({ title: 'Edited' }), webhookId: 'msg_1' }, deps);
    expect(again).toMatchObject({ releaseId: 'spring-update', created: false });
    expect(deps.releases.releases.get('spring-update')!.title).toBe('Spring update');
    expect(deps.socialPosts.posts.size).toBe(2);
  });

  it('given the same release id and the same content under a new webhook id, then it is a plain duplicate', async () => {
    await publishRelease({ body: releaseBody(), webhookId: 'msg_1' }, deps);
    const again = await publishRelease({ body: releaseBody(), webhookId: 'msg_2' }, deps);
    expect(again).toMatchObject({ releaseId: 'spring-update', created: false, updated: false, revision: 1 });
    expect(deps.releases.releases.size).toBe(1);
    expect(deps.releases.webhooks.get('msg_2')).toBe('spring-update');
  });

  describe('corrections', () => {
    const sent = async () => {
      await publishRelease({ body: releaseBody(), webhookId: 'msg_1' }, deps);
      await deps.releases.transition('spring-update', [SendStatus.Queued], SendStatus.Sending, new Date());
      await deps.releases.transition('spring-update', [SendStatus.Sending], SendStatus.Sent, new Date());
    };

    it('given a changed body for a sent release, then its content, rendering and revision move on and nothing is sent again', async () => {
      await sent();
      (deps.clock as FakeClock).advance(60_000);
      const result = await publishRelease({ body: releaseBody({ title: 'Spring update (corrected)', correction: 'The title had a typo.' }), webhookId: 'msg_2' }, deps);

      expect(result).toMatchObject({ releaseId: 'spring-update', created: false, updated: true, revision: 2, status: SendStatus.Sent });
      const stored = deps.releases.releases.get('spring-update')!;
      expect(stored).toMatchObject({ title: 'Spring update (corrected)', revision: 2, correctionNote: 'The title had a typo.', correctedFields: ['title', 'correctionNote'], sendStatus: SendStatus.Sent });
      expect(stored.updatedAt).toBe((deps.clock as FakeClock).now().toISOString());
      expect(deps.releases.rendered.get('spring-update')).toMatchObject({ subject: 'Spring update (corrected)', revision: 2 });
      // The first publish queued the one fan-out; the correction queues none.
      expect(deps.fanOutQueue.jobs).toHaveLength(1);
      const [first] = await deps.releases.listRevisions('spring-update');
      expect(first).toMatchObject({ revision: 1, title: 'Spring update', changed: [] });
    });

    it('given the same corrected body again, then it is a duplicate and the revision stays', async () => {
      await sent();
      await publishRelease({ body: releaseBody({ title: 'Corrected' }) }, deps);
      const again = await publishRelease({ body: releaseBody({ title: 'Corrected' }) }, deps);
      expect(again).toMatchObject({ created: false, updated: false, revision: 2 });
      expect(deps.releases.releases.get('spring-update')!.revision).toBe(2);
    });

    it('given a correction, then posts not yet made carry the new summary and a post already made keeps its own', async () => {
      await publishRelease({ body: releaseBody({ summary: 'Old summary.' }) }, deps);
      const posted = [...deps.socialPosts.posts.values()].find((p) => p.channel === 'local')!;
      await deps.socialPosts.claim(posted, new Date(Date.parse(posted.dueAt) + 1), 60_000);
      await deps.socialPosts.markPosted(posted, { remoteId: 'r1' }, new Date());

      await publishRelease({ body: releaseBody({ summary: 'New summary.' }) }, deps);
      const bySummary = Object.fromEntries([...deps.socialPosts.posts.values()].map((p) => [p.channel, p.summary.summary]));
      expect(bySummary).toEqual({ local: 'Old summary.', mastodon: 'New summary.' });
    });

    it('given a correction that tries to change lists or the date, then those stay as published, with a warning', async () => {
      await sent();
      const result = await publishRelease({ body: releaseBody({ title: 'New title', lists: ['press-releases'], publishedAt: '2026-01-01T00:00:00Z' }) }, deps);
      expect(result.updated).toBe(true);
      expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'correction-keeps-fields', message: expect.stringContaining('lists, publishedAt') }));
      expect(deps.releases.releases.get('spring-update')!.lists).toEqual(['blog']);
    });

    it('given a correction whose rendering has blocking findings, then it is refused and the release is unchanged', async () => {
      await sent();
      deps.renderer = { render: async (release) => ({ subject: release.title, html: '<p>no footer</p>', text: 'no footer' }) };
      await expect(publishRelease({ body: releaseBody({ title: 'Broken' }) }, deps)).rejects.toBeInstanceOf(PreflightError);
      expect(deps.releases.releases.get('spring-update')!.title).toBe('Spring update');
    });

    it('given another correction stored first, then this one compares again with it and becomes the next revision', async () => {
      await sent();
      const correct = deps.releases.correct.bind(deps.releases);
      let raced = false;
      deps.releases.correct = async (previous, corrected) => {
        if (!raced) {
          raced = true;
          // Another request corrects the title while this one was rendering.
          await correct(previous, { ...corrected, title: 'Other correction', body: corrected.body });
        }
        return correct(previous, corrected);
      };
      const result = await publishRelease({ body: releaseBody({ title: 'Mine' }) }, deps);
      expect(result).toMatchObject({ updated: true, revision: 3 });
      expect(deps.releases.releases.get('spring-update')!.title).toBe('Mine');
      expect((await deps.releases.listRevisions('spring-update')).map((r) => [r.revision, r.title])).toEqual([[1, 'Spring update'], [2, 'Other correction']]);
    });

    it('given a crash after the correction was stored but before its rendering, then the same body again finishes it', async () => {
      await sent();
      const save = deps.releases.saveRendered.bind(deps.releases);
      deps.releases.saveRendered = async () => {
        throw new Error('crash');
      };
      await expect(publishRelease({ body: releaseBody({ title: 'Corrected' }) }, deps)).rejects.toThrow('crash');
      deps.releases.saveRendered = save;
      const again = await publishRelease({ body: releaseBody({ title: 'Corrected' }) }, deps);
      expect(again).toMatchObject({ updated: false, revision: 2 });
      expect(deps.releases.rendered.get('spring-update')).toMatchObject({ subject: 'Corrected', revision: 2 });
    });
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

  it('given an embargo, then the release is stored but neither mailed nor posted before it ends', async () => {
    const embargoUntil = '2027-01-01T09:00:00+01:00';
    const result = await publishRelease({ body: releaseBody({ embargoUntil }) }, deps);
    expect(result.status).toBe(SendStatus.Queued);
    expect(deps.releases.releases.get('spring-update')?.embargoUntil).toBe('2027-01-01T08:00:00.000Z');
    expect(deps.fanOutQueue.jobs).toHaveLength(0);
    expect([...deps.socialPosts.posts.values()].map((p) => p.dueAt)).toEqual(['2027-01-01T08:00:00.000Z', '2027-01-01T08:00:00.000Z']);
  });

  it('given a social plan, then only its channels get posts, staggered, with staff text kept', async () => {
    const now = deps.clock.now().getTime();
    await publishRelease(
      { body: releaseBody({ social: { staggerMinutes: 30, channels: ['mastodon', { channel: 'local', text: 'Our words' }] } }) },
      deps,
    );
    const posts = [...deps.socialPosts.posts.values()];
    expect(posts.map((p) => [p.channel, Date.parse(p.dueAt) - now, p.overrideText])).toEqual([
      ['mastodon', 0, undefined],
      ['local', 30 * 60_000, 'Our words'],
    ]);
    expect(deps.releases.releases.get('spring-update')?.social?.map((e) => e.channel)).toEqual(['mastodon', 'local']);
  });

  it('given an empty channel list, then no social post is scheduled', async () => {
    await publishRelease({ body: releaseBody({ social: { channels: [] } }) }, deps);
    expect(deps.socialPosts.posts.size).toBe(0);
    expect(deps.fanOutQueue.jobs).toHaveLength(1);
  });

  it('given a bad social plan, then every problem is named and nothing is stored', async () => {
    const body = releaseBody({
      social: { channels: ['bluesky', { channel: 'mastodon', text: 'far too long for twenty' }, 'local', 'local'], staggerMinutes: -1 },
    });
    const error = await publishRelease({ body }, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toEqual(['social.staggerMinutes']);
    const second = await publishRelease(
      { body: releaseBody({ social: { channels: ['bluesky', { channel: 'mastodon', text: 'far too long for twenty' }, 'local', 'local'] } }) },
      deps,
    ).catch((e: unknown) => e);
    expect((second as ValidationError).issues).toEqual([
      { field: 'social.channels.0', message: 'unknown channel "bluesky" (configured: local, mastodon)' },
      { field: 'social.channels.1.text', message: 'mastodon would refuse this text: over 20' },
      { field: 'social.channels.3', message: 'channel "local" is listed twice' },
    ]);
    expect(deps.releases.releases.size).toBe(0);
  });

  it('given an embargo in the past, then the release is simply public', async () => {
    await publishRelease({ body: releaseBody({ embargoUntil: '2001-01-01T00:00:00Z' }) }, deps);
    expect(deps.releases.releases.get('spring-update')?.embargoUntil).toBeUndefined();
    expect(deps.fanOutQueue.jobs).toHaveLength(1);
  });
});
