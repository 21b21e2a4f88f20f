import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody, sampleRelease } from '../helpers/releases';
import { listUnsubscribeUrl, rawHeader } from '../helpers/mail';

/**
 * The whole publish path through the local stand-ins, over HTTP, with the real AWS SDK clients:
 * admin import → signed webhook → fan-out queue → send queue → local SES → parsed MIME → one-click
 * unsubscribe → next release; and the scheduled social summary.
 */
describe('publishing a release end to end (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const recipients = (mail: { to: string[] }[]) => mail.flatMap((m) => m.to).sort();
  const mailOf = async (title: string) => (await pressroom.client.mail()).filter((m) => m.subject === title);

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_LISTS: 'blog=Blog,press-releases=Press Releases,events=Events' } });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  /**
   * A list of its own with `people` on it (their addresses made unique), and a release to it sent:
   * each case that needs an email asserts only on its own list, people and release.
   */
  async function sendOwnRelease(name: string, people: string[], release: Record<string, unknown> = {}) {
    const id = `${name}-${randomUUID().slice(0, 8)}`;
    const at = new Date().toISOString();
    const listName = `List ${id}`;
    await pressroom.adapters.lists.create({ id, name: listName, public: false, archived: false, createdAt: at, updatedAt: at });
    const emails = people.map((who) => `${who}-${id}@example.com`);
    if (emails.length > 0) expect((await pressroom.client.addSubscribers(emails.map((email) => ({ email, lists: [id] })))).status).toBe(200);
    const title = `Release ${id}`;
    expect((await pressroom.client.publish(releaseBody({ ...release, id, title, lists: [id] }))).status).toBe(202);
    await pressroom.settle();
    return { list: id, listName, releaseId: id, title, emails, mail: await mailOf(title) };
  }

  it('given subscribers on blog, press-releases, both and neither, when the sample is published, each targeted subscriber gets exactly one email', async () => {
    const imported = await pressroom.client.addSubscribers([
      { email: 'blog@example.com', lists: ['blog'] },
      { email: 'press@example.com', lists: ['press-releases'] },
      { email: 'both@example.com', lists: ['blog', 'press-releases'] },
      { email: 'events@example.com', lists: ['events'] },
    ]);
    expect(imported).toMatchObject({ status: 200, body: { added: 4, updated: 0 } });

    const published = await pressroom.client.publish(sampleRelease(), { webhookId: 'msg_sample' });
    expect(published).toEqual({ status: 202, body: { releaseId: 'ice-retaliation-and-intimidation', duplicate: false, updated: false, revision: 1, status: 'queued', warnings: [] } });
    await pressroom.settle();

    const mail = await mailOf(String(sampleRelease().title));
    expect(recipients(mail)).toEqual(['blog@example.com', 'both@example.com', 'press@example.com']);
    for (const message of mail) {
      expect(rawHeader(message, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      const url = listUnsubscribeUrl(message)!;
      expect(url.startsWith(`${pressroom.url}/unsubscribe/`)).toBe(true);
      // The same link is visible in both parts of the email.
      expect(message.html).toContain(url);
      expect(message.text).toContain(url);
      expect(message.text).toContain('Immigration and Customs Enforcement has been targeting');
    }
  });

  it('a replayed webhook, or the same release under a new webhook id, answers 202 with the same id and sends nothing new', async () => {
    const id = `replayed-${randomUUID().slice(0, 8)}`;
    const body = releaseBody({ id, title: `Release ${id}`, lists: ['events'] });
    await pressroom.client.addSubscribers([{ email: `reader-${id}@example.com`, lists: ['events'] }]);
    expect((await pressroom.client.publish(body, { webhookId: `msg_${id}` })).body).toMatchObject({ releaseId: id, duplicate: false });
    await pressroom.settle();
    const first = recipients(await mailOf(`Release ${id}`));
    expect(first).toContain(`reader-${id}@example.com`);

    const replay = await pressroom.client.publish(body, { webhookId: `msg_${id}` });
    const resent = await pressroom.client.publish(body, { webhookId: `msg_${id}_other` });
    for (const answer of [replay, resent]) {
      expect(answer).toMatchObject({ status: 202, body: { releaseId: id, duplicate: true } });
    }
    await pressroom.settle();
    expect(recipients(await mailOf(`Release ${id}`))).toEqual(first);
  });

  it('the unsubscribe link shows a page on GET and changes nothing', async () => {
    const { list, listName, emails, mail } = await sendOwnRelease('unsubscribe-page', ['reader']);
    const page = await fetch(listUnsubscribeUrl(mail[0])!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post"');
    expect(html).toContain(listName);
    const subscriber = await pressroom.adapters.subscribers.findByEmail(emails[0]);
    expect(subscriber!.memberships).toEqual([expect.objectContaining({ listId: list, status: 'confirmed' })]);
  });

  it('a one-click POST unsubscribes (200, no redirect) and the next release does not reach that subscriber', async () => {
    const { list, emails, mail } = await sendOwnRelease('one-click', ['leaver', 'stayer']);
    const [leaver, stayer] = emails;
    const message = mail.find((m) => m.to.includes(leaver))!;
    const response = await fetch(listUnsubscribeUrl(message)!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You are unsubscribed');

    const next = `next-${list}`;
    await pressroom.client.publish(releaseBody({ id: next, title: `Release ${next}`, lists: [list] }));
    await pressroom.settle();
    expect(recipients(await mailOf(`Release ${next}`))).toEqual([stayer]);
  });

  it('a tampered or foreign token gets a 400 page that reveals nothing', async () => {
    const { listName, emails, mail } = await sendOwnRelease('tampered', ['reader']);
    const url = listUnsubscribeUrl(mail[0])!;
    const tampered = url.slice(0, -3) + (url.endsWith('AAA') ? 'BBB' : 'AAA');
    const pages = await Promise.all(
      [tampered, `${pressroom.url}/unsubscribe/not-a-token`].flatMap((u) => [fetch(u), fetch(u, { method: 'POST', body: 'List-Unsubscribe=One-Click' })]),
    );
    const bodies = await Promise.all(pages.map((p) => p.text()));
    expect(pages.map((p) => p.status)).toEqual([400, 400, 400, 400]);
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).not.toContain(emails[0]);
    expect(bodies[0]).not.toContain(listName);
    const reader = await pressroom.adapters.subscribers.findByEmail(emails[0]);
    expect(reader!.memberships.every((m) => m.status === 'confirmed')).toBe(true);
  });

  it('the scheduled job posts one summary per release to the local channel, and only once', async () => {
    const { releaseId: plain } = await sendOwnRelease('social', []);
    // The sample's words and tags under an id of its own, to a list with nobody on it.
    const { releaseId: sample } = await sendOwnRelease('social-sample', [], sampleRelease());

    await pressroom.scheduler.runNow('post-social');
    await pressroom.scheduler.runNow('post-social');
    const posts = (await pressroom.client.social()).filter((p) => p.releaseId === plain || p.releaseId === sample);
    expect(posts.map((p) => [p.releaseId, p.channel]).sort()).toEqual([
      [plain, 'local'],
      [sample, 'local'],
    ].sort());
    const samplePost = posts.find((p) => p.releaseId === sample)!;
    expect(samplePost.url).toBe('https://example.org/blog/ice-retaliation-and-intimidation');
    expect(samplePost.text).toContain('#PressReleases');
    const stored = await pressroom.adapters.socialPosts.listForRelease(plain);
    expect(stored).toEqual([expect.objectContaining({ status: 'posted', remoteUrl: expect.stringMatching(/^local:/) })]);
  });
});
