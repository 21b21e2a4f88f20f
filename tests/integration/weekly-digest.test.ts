import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { listUnsubscribeUrl, rawHeader } from '../helpers/mail';
import { releaseBody } from '../helpers/releases';

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/**
 * The weekly digest through the local stand-ins: the schedule is set to this very hour, so the
 * digest of the last seven days is due now; it goes through the fan-out and send workers to the
 * digest list only, with the same one-click unsubscribe as a release.
 */
describe('weekly digest (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const now = new Date();

  beforeAll(async () => {
    pressroom = await startTestPressroom({
      env: {
        PRESSROOM_LISTS: 'blog=Blog,weekly-digest=Weekly digest',
        PRESSROOM_DIGEST_DAY: DAYS[now.getUTCDay()],
        PRESSROOM_DIGEST_HOUR: String(now.getUTCHours()),
        PRESSROOM_TIME_ZONE: 'UTC',
      },
    });
    await pressroom.client.addSubscribers([
      { email: 'digest@example.com', lists: ['weekly-digest'] },
      { email: 'blog@example.com', lists: ['blog'] },
    ]);
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  const digests = async () => (await pressroom.client.mail()).filter((m) => m.subject?.includes('the week in review'));

  it('a week without releases sends no digest', async () => {
    await pressroom.client.publish(releaseBody({ id: 'last-month', title: 'Last month', publishedAt: daysAgo(30) }));
    await pressroom.settle();
    await pressroom.scheduler.runNow('weekly-digest');
    await pressroom.settle();
    expect(await digests()).toHaveLength(0);
  });

  it("sends the week's releases once, to the digest list only, with their summaries and links", async () => {
    // Older than the week, so not in the digest (this case's own, not the first case's release).
    await pressroom.client.publish(releaseBody({ id: 'five-weeks-ago', title: 'Five weeks ago', publishedAt: daysAgo(35) }));
    await pressroom.client.publish(
      releaseBody({ id: 'budget-vote', title: 'The budget vote', summary: 'What the vote means for you.', url: 'https://example.org/blog/budget', publishedAt: daysAgo(3) }),
    );
    await pressroom.client.publish(
      releaseBody({ id: 'town-hall', title: 'Town hall on Thursday', html: '<p>Join us at the library. Doors open at six.</p>', url: 'https://example.org/blog/town-hall', publishedAt: daysAgo(1) }),
    );
    await pressroom.settle();
    await Promise.all([pressroom.scheduler.runNow('weekly-digest'), pressroom.scheduler.runNow('weekly-digest')]);
    await pressroom.settle();
    await pressroom.scheduler.runNow('weekly-digest');
    await pressroom.settle();

    const [digest, ...more] = await digests();
    expect(more).toHaveLength(0);
    expect(digest.to).toEqual(['digest@example.com']);
    const text = digest.text as string;
    // Oldest first, each with its summary (or first sentence) and link; older releases are not there.
    expect(text.indexOf('THE BUDGET VOTE')).toBeLessThan(text.indexOf('TOWN HALL ON THURSDAY'));
    expect(text).toContain('What the vote means for you.');
    expect(text).toContain('Join us at the library.');
    expect(text).not.toContain('Doors open at six');
    expect(text).not.toMatch(/FIVE WEEKS AGO|LAST MONTH/);
    expect(text).toMatch(/^\[\d+\] https:\/\/example\.org\/blog\/budget$/m);
    expect(digest.html).toContain('href="https://example.org/blog/town-hall"');
    expect(rawHeader(digest, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    // One click leaves the digest list, like any release email.
    const leave = await fetch(listUnsubscribeUrl(digest)!, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    expect(leave.status).toBe(200);
    const subscriber = await pressroom.adapters.subscribers.findByEmail('digest@example.com');
    expect(subscriber!.memberships).toEqual([expect.objectContaining({ listId: 'weekly-digest', status: 'unsubscribed' })]);
  });

  it('the digest is not a release: no social post, no feed entry', async () => {
    await pressroom.scheduler.runNow('post-social');
    const posted = (await pressroom.client.social()).map((p) => p.releaseId);
    expect(posted).toEqual(expect.arrayContaining(['budget-vote', 'town-hall']));
    expect(posted.some((id) => id.startsWith('weekly-digest'))).toBe(false);
    const feed = await (await fetch(`${pressroom.url}/feeds/all.json`)).json();
    expect((feed as { items: { id: string }[] }).items.some((i) => i.id.includes('weekly-digest'))).toBe(false);
  });
});
