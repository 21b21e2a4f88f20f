import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { startTestPressroom } from '../helpers/local-pressroom';
import { listUnsubscribeUrl } from '../helpers/mail';
import { releaseBody } from '../helpers/releases';

/**
 * "Stop sending me this": an email's one-click unsubscribe leaves every list of that release the
 * reader is on, so the next release to any of them does not arrive. Through the local stack: the
 * real handlers, SES client and DynamoDB store, and the link a mailbox provider would POST to.
 */
describe('one-click unsubscribe leaves the lists that brought the email (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const admin = async (path: string) => {
    const response = await fetch(`${pressroom.url}${path}`, { headers: { authorization: `Bearer ${pressroom.secrets.adminToken}` } });
    return { status: response.status, body: (await response.json()) as { recipients: unknown[] } };
  };
  const mailTo = async (email: string, subject: string): Promise<ParsedMail[]> =>
    (await pressroom.client.mail()).filter((m) => JSON.stringify(m.to).includes(email) && m.subject === subject);
  const standing = async (email: string) =>
    Object.fromEntries((await pressroom.adapters.subscribers.findByEmail(email))!.memberships.map((m) => [m.listId, m.status]));
  const confirmed = async () => {
    const counts = await pressroom.adapters.subscribers.memberCounts(['blog', 'press-releases']);
    return { blog: counts.get('blog')!.confirmed, 'press-releases': counts.get('press-releases')!.confirmed };
  };
  const oneClick = (mail: ParsedMail) =>
    fetch(listUnsubscribeUrl(mail)!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  const publish = async (id: string, lists: string[]) => {
    expect((await pressroom.client.publish(releaseBody({ id, title: `Release ${id}`, lists }))).status).toBe(202);
    await pressroom.settle();
  };

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_LISTS: 'blog=Blog,press-releases=Press Releases' } });
    const subscribers = pressroom.adapters.subscribers;
    await subscribers.addConfirmed('both@example.com', ['blog', 'press-releases'], new Date(), 'en');
    await subscribers.addConfirmed('blog-only@example.com', ['blog'], new Date(), 'en');
    // Stays on both lists, so that every later release is certainly sent.
    await subscribers.addConfirmed('stays@example.com', ['blog', 'press-releases'], new Date(), 'en');
    await publish('two-lists', ['blog', 'press-releases']);
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it("each email's footer names the lists of the release that its reader is on", async () => {
    const [both] = await mailTo('both@example.com', 'Release two-lists');
    const [blogOnly] = await mailTo('blog-only@example.com', 'Release two-lists');
    expect(both.text).toContain('You receive this as a member of Blog and Press Releases.');
    expect(both.html).toContain('You receive this as a member of Blog and Press Releases.');
    expect(blogOnly.text).toContain('You receive this as a member of Blog.');
    expect(blogOnly.text).not.toContain('Press Releases.');
  });

  it('the unsubscribe page (GET) names both lists, changes nothing, and still offers all lists', async () => {
    const [both] = await mailTo('both@example.com', 'Release two-lists');
    const page = await fetch(listUnsubscribeUrl(both)!);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Stop receiving <strong>Blog</strong> and <strong>Press Releases</strong> emails?');
    expect(html).toContain('value="all"');
    expect(html).toContain('../preferences/');
    expect(await standing('both@example.com')).toEqual({ blog: 'confirmed', 'press-releases': 'confirmed' });
  });

  it('one click by a member of both leaves both (memberships and counts), once, attributed to the release', async () => {
    const before = await confirmed();
    const [both] = await mailTo('both@example.com', 'Release two-lists');
    const response = await oneClick(both);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<strong>Blog</strong> and <strong>Press Releases</strong>');
    expect(await standing('both@example.com')).toEqual({ blog: 'unsubscribed', 'press-releases': 'unsubscribed' });
    expect(await confirmed()).toEqual({ blog: before.blog - 1, 'press-releases': before['press-releases'] - 1 });

    // A second click (mailbox providers retry) changes and records nothing more.
    expect((await oneClick(both)).status).toBe(200);
    const subscriber = (await pressroom.adapters.subscribers.findByEmail('both@example.com'))!;
    const history = await pressroom.adapters.subscribers.pageConsentHistory(subscriber.id, undefined, 50);
    const left = history.events.filter((e) => e.type === 'unsubscribed');
    expect(left).toHaveLength(1);
    expect(left[0].lists.sort()).toEqual(['blog', 'press-releases']);

    const [row] = (await admin(`/admin/releases/two-lists/recipients?email=${encodeURIComponent('both@example.com')}`)).body.recipients;
    expect(row).toMatchObject({ outcome: 'sent', membership: 'unsubscribed', reported: { unsubscribed: expect.any(String) } });
  });

  it('one click by a member of Blog only leaves Blog only', async () => {
    const [blogOnly] = await mailTo('blog-only@example.com', 'Release two-lists');
    expect((await oneClick(blogOnly)).status).toBe(200);
    expect(await standing('blog-only@example.com')).toEqual({ blog: 'unsubscribed' });
  });

  it('the next release to either list reaches neither of them, and still reaches the reader who stayed', async () => {
    await publish('press-only', ['press-releases']);
    await publish('blog-next', ['blog']);
    for (const subject of ['Release press-only', 'Release blog-next']) {
      expect(await mailTo('stays@example.com', subject)).toHaveLength(1);
      expect(await mailTo('both@example.com', subject)).toEqual([]);
      expect(await mailTo('blog-only@example.com', subject)).toEqual([]);
    }
  });
});
