import { beforeEach, describe, expect, it } from 'vitest';
import { DigestOutcome, latestDigestTime, sendWeeklyDigest, type WeeklyDigestDeps } from '../../functions/domain/digest/weekly-digest';
import { newRelease, ReleaseKind, type Release } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';
import type { FanOutJob } from '../../functions/domain/delivery/ports';
import { FakeClock, MemoryListStore, MemoryQueue, MemoryReleaseStore } from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';

describe('latestDigestTime', () => {
  const monday9 = { weekday: 1, hour: 9 };

  it('is the last Monday 09:00 on the wall clock of the time zone', () => {
    expect(latestDigestTime(new Date('2026-11-30T14:00:00Z'), { ...monday9, timeZone: 'America/New_York' })).toEqual({
      sendAt: new Date('2026-11-30T14:00:00Z'),
      localDate: '2026-11-30',
    });
    // 13:59 UTC is 08:59 in New York: the digest time of the week before.
    expect(latestDigestTime(new Date('2026-11-30T13:59:00Z'), { ...monday9, timeZone: 'America/New_York' }).localDate).toBe('2026-11-23');
    expect(latestDigestTime(new Date('2026-12-03T00:00:00Z'), { ...monday9, timeZone: 'UTC' }).sendAt).toEqual(new Date('2026-11-30T09:00:00Z'));
  });

  it('follows daylight saving time and dates east of UTC', () => {
    // Madrid is UTC+2 in summer and UTC+1 in winter: 09:00 local moves in UTC.
    expect(latestDigestTime(new Date('2026-07-06T12:00:00Z'), { ...monday9, timeZone: 'Europe/Madrid' }).sendAt).toEqual(new Date('2026-07-06T07:00:00Z'));
    expect(latestDigestTime(new Date('2026-11-30T12:00:00Z'), { ...monday9, timeZone: 'Europe/Madrid' }).sendAt).toEqual(new Date('2026-11-30T08:00:00Z'));
    // Sunday 23:30 UTC is already Monday 08:30 in Tokyo, so the digest is still the week before's.
    expect(latestDigestTime(new Date('2026-11-29T23:30:00Z'), { ...monday9, timeZone: 'Asia/Tokyo' }).localDate).toBe('2026-11-23');
    expect(latestDigestTime(new Date('2026-11-30T00:00:00Z'), { ...monday9, timeZone: 'Asia/Tokyo' }).localDate).toBe('2026-11-30');
  });
});

describe('sendWeeklyDigest', () => {
  let deps: WeeklyDigestDeps & { releases: MemoryReleaseStore; fanOutQueue: MemoryQueue<FanOutJob>; clock: FakeClock };
  const rendered: Release[] = [];

  const publish = async (id: string, publishedAt: string, extra: Record<string, unknown> = {}) => {
    const input = parseReleaseInput(releaseBody({ id, title: `Title ${id}`, publishedAt, ...extra }), new Set(['blog', 'staff-only']));
    await deps.releases.create(newRelease(input, new Date(publishedAt)));
  };

  beforeEach(() => {
    rendered.length = 0;
    deps = {
      releases: new MemoryReleaseStore(),
      lists: new MemoryListStore([
        { id: 'blog', public: true },
        { id: 'staff-only', public: false },
        { id: 'weekly', public: true },
      ]),
      fanOutQueue: new MemoryQueue<FanOutJob>(),
      // Monday 30 November 2026, 09:30 UTC.
      clock: new FakeClock(new Date('2026-11-30T09:30:00Z')),
      publicUrl: 'https://news.example.org',
      schedule: { listId: 'weekly', weekday: 1, hour: 9, timeZone: 'UTC', language: 'en' },
      renderer: {
        async render(release) {
          rendered.push(release);
          const link = `<a href="${RecipientPlaceholder.UnsubscribeUrl}">Unsubscribe</a>`;
          return { subject: release.title, html: `<html><body>${release.digest?.items.map((i) => i.title).join(', ')}${link}</body></html>`, text: RecipientPlaceholder.UnsubscribeUrl };
        },
      },
    };
  });

  it("sends the week's public releases, oldest first, with summaries, once", async () => {
    await publish('too-old', '2026-11-22T12:00:00Z');
    await publish('monday', '2026-11-23T09:00:00Z', { summary: 'Our own summary.' });
    await publish('friday', '2026-11-27T12:00:00Z', { html: '<h2>Title friday</h2><p>Dr. Smith spoke today. Then more.</p>' });
    await publish('private', '2026-11-26T12:00:00Z', { lists: ['staff-only'] });
    await publish('after-cut-off', '2026-11-30T09:10:00Z');
    await publish('embargoed', '2026-11-28T12:00:00Z', { embargoUntil: '2026-12-01T00:00:00Z' });

    const result = await sendWeeklyDigest(deps);
    expect(result).toEqual({ outcome: DigestOutcome.Sent, digestId: 'weekly-digest-2026-11-30', items: 2 });
    const digest = deps.releases.releases.get('weekly-digest-2026-11-30')!;
    expect(digest).toMatchObject({ kind: ReleaseKind.Digest, lists: ['weekly'], social: [], sendStatus: 'queued', language: 'en' });
    expect(digest.digest).toEqual({
      from: '2026-11-23T09:00:00.000Z',
      to: '2026-11-30T09:00:00.000Z',
      items: [
        { id: 'monday', title: 'Title monday', url: 'https://example.org/blog/spring-update', summary: 'Our own summary.', publishedAt: '2026-11-23T09:00:00.000Z' },
        { id: 'friday', title: 'Title friday', url: 'https://example.org/blog/spring-update', summary: 'Dr. Smith spoke today.', publishedAt: '2026-11-27T12:00:00.000Z' },
      ],
    });
    expect(deps.releases.rendered.get('weekly-digest-2026-11-30')?.html).toContain('Title monday, Title friday');
    expect(deps.fanOutQueue.jobs).toEqual([{ releaseId: 'weekly-digest-2026-11-30' }]);

    deps.clock.advance(3_600_000);
    expect(await sendWeeklyDigest(deps)).toEqual({ outcome: DigestOutcome.AlreadySent, digestId: 'weekly-digest-2026-11-30' });
    expect(rendered).toHaveLength(1);
  });

  it('skips a week without releases, and sends nothing', async () => {
    await publish('too-old', '2026-11-20T12:00:00Z');
    expect(await sendWeeklyDigest(deps)).toEqual({ outcome: DigestOutcome.Skipped, digestId: 'weekly-digest-2026-11-30' });
    expect(deps.releases.releases.has('weekly-digest-2026-11-30')).toBe(false);
    expect(deps.fanOutQueue.jobs).toEqual([]);
    expect(rendered).toHaveLength(0);
  });

  it('does nothing before the digest hour, long after it, or without the digest list', async () => {
    await publish('monday', '2026-11-23T09:00:00Z');
    deps.clock.current = new Date('2026-11-30T08:59:00Z');
    // Last week's digest time is long gone: wait for this week's.
    expect((await sendWeeklyDigest(deps)).outcome).toBe(DigestOutcome.NotDue);
    deps.clock.current = new Date('2026-11-30T15:01:00Z');
    expect((await sendWeeklyDigest(deps)).outcome).toBe(DigestOutcome.NotDue);
    deps.clock.current = new Date('2026-11-30T09:00:00Z');
    deps.schedule = { ...deps.schedule, listId: 'missing' };
    expect((await sendWeeklyDigest(deps)).outcome).toBe(DigestOutcome.NoList);
    expect(deps.fanOutQueue.jobs).toEqual([]);
  });

  it('a crash after storing the digest is repaired by the next run', async () => {
    await publish('monday', '2026-11-23T09:00:00Z');
    deps.fanOutQueue.send = async () => {
      throw new Error('queue down');
    };
    await expect(sendWeeklyDigest(deps)).rejects.toThrow('queue down');
    deps.fanOutQueue = new MemoryQueue<FanOutJob>();
    expect((await sendWeeklyDigest(deps)).outcome).toBe(DigestOutcome.AlreadySent);
    expect(deps.fanOutQueue.jobs).toEqual([{ releaseId: 'weekly-digest-2026-11-30' }]);
  });
});
