import { SocialPostStatus } from '../../functions/domain/social/social-post';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors';
import { listReleaseOverviews, parseReleaseQuery } from '../../functions/domain/delivery/release-overview';
import { newRelease } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { SendStatus } from '../../functions/domain/release/send-status';
import { MemoryReleaseStatsStore, MemoryReleaseStore, MemorySocialPostStore } from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';

const at = new Date('2026-12-07T12:00:00Z');

describe('the staff list of releases', () => {
  it('reads limit, cursor, status and list, with defaults, and names each bad parameter', () => {
    expect(parseReleaseQuery({})).toEqual({ limit: 25, before: undefined, status: undefined, listId: undefined });
    expect(parseReleaseQuery({ limit: '10', status: 'sending', list: 'blog', cursor: 'abc' })).toEqual({ limit: 10, before: 'abc', status: 'sending', listId: 'blog' });
    try {
      parseReleaseQuery({ limit: '0', status: 'done', list: 'Not A List' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.field)).toEqual(['limit', 'status', 'list']);
    }
    expect(() => parseReleaseQuery({ limit: '101' })).toThrow(ValidationError);
    expect(() => parseReleaseQuery({ limit: '2.5' })).toThrow(ValidationError);
  });

  it('gives each release its send progress: sent of targeted, from the same counters as /send', async () => {
    // Given two releases, the newer one part-way through a send to three people, under embargo.
    const releases = new MemoryReleaseStore();
    const releaseStats = new MemoryReleaseStatsStore();
    const make = (id: string, publishedAt: string, extra = {}) => ({ ...newRelease(parseReleaseInput(releaseBody({ id, publishedAt }), new Set(['blog'])), at), ...extra });
    await releases.create(make('older', '2026-11-01T09:00:00.000Z'));
    await releases.create(make('newer', '2026-11-02T09:00:00.000Z', { embargoUntil: '2026-11-03T00:00:00.000Z' }));
    await releases.transition('newer', [SendStatus.Queued], SendStatus.Sending, at);
    await releases.markPlanningFinished('newer', 3, at);
    await releaseStats.increment('newer', { targeted: 3, sent: 2 });
    const socialPosts = new MemorySocialPostStore();
    const summary = { title: 'Spring update', url: 'https://example.org/spring', tags: [], language: 'en' };
    await socialPosts.schedule([
      { releaseId: 'newer', channel: 'mastodon', status: SocialPostStatus.Scheduled, dueAt: at.toISOString(), attempts: 0, summary },
      { releaseId: 'newer', channel: 'bluesky', status: SocialPostStatus.Scheduled, dueAt: at.toISOString(), attempts: 0, summary },
    ]);
    await socialPosts.markFailed({ releaseId: 'newer', channel: 'bluesky' } as never, 'HTTP 401', at);

    // When staff list them.
    const page = await listReleaseOverviews(parseReleaseQuery({}), { releases, releaseStats, socialPosts });

    // Then newest first, with progress and embargo.
    expect(page.releases.map((r) => r.id)).toEqual(['newer', 'older']);
    expect(page.releases[0]).toMatchObject({ title: 'Spring update', kind: 'release', embargoUntil: '2026-11-03T00:00:00.000Z', lists: ['blog'] });
    expect(page.releases[0].progress).toMatchObject({ status: 'sending', targeted: 3, remaining: 1, counts: expect.objectContaining({ sent: 2 }) });
    expect(page.releases[1].progress).toMatchObject({ status: 'queued', targeted: 0 });
    expect(page.releases[1]).not.toHaveProperty('embargoUntil');
    // Each channel's post and where it stands.
    expect(page.releases[0].social).toEqual(expect.arrayContaining([{ channel: 'mastodon', status: 'scheduled' }, { channel: 'bluesky', status: 'failed' }]));
    expect(page.releases[1].social).toEqual([]);
    expect(page.next).toBeUndefined();
  });
});
