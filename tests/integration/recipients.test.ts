import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * Who got a release's email, through the admin API of the local stack: members of its lists, each
 * with how the email went for them, paged, or one person looked up by address.
 */
describe('who got it (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const admin = async (path: string) => {
    const response = await fetch(`${pressroom.url}${path}`, { headers: { authorization: `Bearer ${pressroom.secrets.adminToken}` } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_LISTS: 'news=News,events=Events', PRESSROOM_DELIVERY_EVENTS: 'true' } });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('shows each member\'s outcome, the list that brought it, later suppression, and members who joined after', async () => {
    const members = ['ada', 'bo', 'cy', 'di', 'ed'].map((name) => `${name}@example.com`);
    await pressroom.client.addSubscribers(members.map((email) => ({ email, lists: ['news'] })));
    await pressroom.client.addSubscribers([{ email: 'both@example.com', lists: ['news', 'events'] }, { email: 'complaint@simulator.amazonses.com', lists: ['events'] }]);
    expect((await pressroom.client.publish(releaseBody({ id: 'who-got-it', lists: ['news', 'events'] }))).status).toBe(202);
    await pressroom.settle();
    await pressroom.client.addSubscribers([{ email: 'late@example.com', lists: ['news'] }]);

    const first = await admin('/admin/releases/who-got-it/recipients?list=news&limit=4');
    expect(first.status).toBe(200);
    expect(first.body.recipients).toHaveLength(4);
    const rest = await admin(`/admin/releases/who-got-it/recipients?list=news&limit=4&cursor=${encodeURIComponent(first.body.next)}`);
    const news = [...first.body.recipients, ...rest.body.recipients];
    expect(rest.body.next).toBeUndefined();
    expect(news.map((r) => r.email).sort()).toEqual([...members, 'both@example.com', 'late@example.com'].sort());
    // What SES reported afterwards is kept on each delivery: the local SES reports every one delivered.
    for (const email of members) {
      expect(news.find((r) => r.email === email)).toMatchObject({ outcome: 'sent', membership: 'confirmed', at: expect.any(String), reported: { delivered: expect.any(String) } });
    }
    expect(news.find((r) => r.email === 'late@example.com')).toMatchObject({ outcome: 'not-sent' });

    const events = (await admin('/admin/releases/who-got-it/recipients?list=events')).body.recipients;
    // Sent once, through whichever list's job reached them first; the other list shows where.
    const both = [news.find((r) => r.email === 'both@example.com'), events.find((r: { email: string }) => r.email === 'both@example.com')];
    expect(both.map((r) => r.outcome)).toEqual(['sent', 'sent']);
    expect(both.filter((r) => r.reachedThrough)).toHaveLength(1);
    // The simulator complained: unsubscribed from everything and suppressed after the send.
    expect(events.find((r: { email: string }) => r.email === 'complaint@simulator.amazonses.com')).toMatchObject({
      outcome: 'sent', membership: 'unsubscribed', suppressed: { reason: 'complaint', at: expect.any(String) },
      reported: { delivered: expect.any(String), complained: expect.any(String) },
    });
    expect(news.find((r) => r.email === 'late@example.com')).not.toHaveProperty('reported');

    // Ada leaves through the email's own one-click link: noted on that delivery, once.
    const [toAda] = (await pressroom.client.mail()).filter((m) => m.to.includes('ada@example.com'));
    const link = /https?:\/\/[^\s>]+\/unsubscribe\/[A-Za-z0-9_.-]+/.exec(toAda.text ?? '')![0];
    for (let i = 0; i < 2; i++) {
      const left = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      expect(left.status).toBeLessThan(300);
    }
    const afterLeaving = (await admin(`/admin/releases/who-got-it/recipients?email=${encodeURIComponent('ada@example.com')}`)).body.recipients;
    expect(afterLeaving).toMatchObject([{ membership: 'unsubscribed', outcome: 'sent', reported: { delivered: expect.any(String), unsubscribed: expect.any(String) } }]);
    expect((await admin(`/admin/releases/who-got-it/recipients?email=${encodeURIComponent('bo@example.com')}`)).body.recipients[0].reported).not.toHaveProperty('unsubscribed');

    const one = await admin(`/admin/releases/who-got-it/recipients?email=${encodeURIComponent('BOTH@example.com')}`);
    expect(one.body.recipients.map((r: { listId: string }) => r.listId).sort()).toEqual(['events', 'news']);
    expect((await admin('/admin/releases/who-got-it/recipients?email=nobody@example.com')).body.recipients).toEqual([]);
    expect(await admin('/admin/releases/who-got-it/recipients?list=other')).toMatchObject({ status: 400, body: { issues: [{ field: 'list' }] } });
    expect((await admin('/admin/releases/nope/recipients')).status).toBe(404);
  });
});
