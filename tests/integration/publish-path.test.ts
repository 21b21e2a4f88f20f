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

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_LISTS: 'blog=Blog,press-releases=Press Releases,events=Events' } });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('given subscribers on blog, press-releases, both and neither, when the sample is published, each targeted subscriber gets exactly one email', async () => {
    const imported = await pressroom.client.addSubscribers([
      { email: 'blog@example.com', lists: ['blog'] },
      { email: 'press@example.com', lists: ['press-releases'] },
      { email: 'both@example.com', lists: ['blog', 'press-releases'] },
      { email: 'events@example.com', lists: ['events'] },
    ]);
    expect(imported).toMatchObject({ status: 200, body: { added: 4, updated: 0 } });

    const published = await pressroom.client.publish(sampleRelease(), { webhookId: 'msg_sample' });
    expect(published).toEqual({ status: 202, body: { releaseId: 'ice-retaliation-and-intimidation', duplicate: false, status: 'queued', warnings: [] } });
    await pressroom.settle();

    const mail = await pressroom.client.mail();
    expect(recipients(mail)).toEqual(['blog@example.com', 'both@example.com', 'press@example.com']);
    for (const message of mail) {
      expect(message.subject).toBe(sampleRelease().title);
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
    const replay = await pressroom.client.publish(sampleRelease(), { webhookId: 'msg_sample' });
    const resent = await pressroom.client.publish(sampleRelease(), { webhookId: 'msg_other' });
    for (const answer of [replay, resent]) {
      expect(answer).toMatchObject({ status: 202, body: { releaseId: 'ice-retaliation-and-intimidation', duplicate: true } });
    }
    await pressroom.settle();
    expect(await pressroom.client.mail()).toHaveLength(3);
  });

  it('the unsubscribe link shows a page on GET and changes nothing', async () => {
    const message = (await pressroom.client.mail()).find((m) => m.to.includes('blog@example.com'))!;
    const page = await fetch(listUnsubscribeUrl(message)!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post"');
    expect(html).toContain('Blog');
    const subscriber = await pressroom.adapters.subscribers.findByEmail('blog@example.com');
    expect(subscriber!.memberships).toEqual([expect.objectContaining({ listId: 'blog', status: 'confirmed' })]);
  });

  it('a one-click POST unsubscribes (200, no redirect) and the next release does not reach that subscriber', async () => {
    const message = (await pressroom.client.mail()).find((m) => m.to.includes('blog@example.com'))!;
    const response = await fetch(listUnsubscribeUrl(message)!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You are unsubscribed');

    await pressroom.client.publish(releaseBody({ id: 'second-release', title: 'Second release', lists: ['blog'] }));
    await pressroom.settle();
    const second = (await pressroom.client.mail()).filter((m) => m.subject === 'Second release');
    expect(recipients(second)).toEqual(['both@example.com']);
  });

  it('a tampered or foreign token gets a 400 page that reveals nothing', async () => {
    const message = (await pressroom.client.mail()).find((m) => m.to.includes('both@example.com'))!;
    const url = listUnsubscribeUrl(message)!;
    const tampered = url.slice(0, -3) + (url.endsWith('AAA') ? 'BBB' : 'AAA');
    const pages = await Promise.all(
      [tampered, `${pressroom.url}/unsubscribe/not-a-token`].flatMap((u) => [fetch(u), fetch(u, { method: 'POST', body: 'List-Unsubscribe=One-Click' })]),
    );
    const bodies = await Promise.all(pages.map((p) => p.text()));
    expect(pages.map((p) => p.status)).toEqual([400, 400, 400, 400]);
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).not.toMatch(/both@example\.com|Blog|Press Releases/);
    const both = await pressroom.adapters.subscribers.findByEmail('both@example.com');
    expect(both!.memberships.every((m) => m.status === 'confirmed')).toBe(true);
  });

  it('the scheduled job posts one summary per release to the local channel, and only once', async () => {
    await pressroom.scheduler.runNow('post-social');
    await pressroom.scheduler.runNow('post-social');
    const posts = await pressroom.client.social();
    expect(posts.map((p) => [p.releaseId, p.channel]).sort()).toEqual([
      ['ice-retaliation-and-intimidation', 'local'],
      ['second-release', 'local'],
    ]);
    const sample = posts.find((p) => p.releaseId === 'ice-retaliation-and-intimidation')!;
    expect(sample.url).toBe('https://example.org/blog/ice-retaliation-and-intimidation');
    expect(sample.text).toContain('#PressReleases');
    const stored = await pressroom.adapters.socialPosts.listForRelease('second-release');
    expect(stored).toEqual([expect.objectContaining({ status: 'posted', remoteUrl: expect.stringMatching(/^local:/) })]);
  });
});
