import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/** Bad input at the HTTP edge: every refusal is clear, and nothing is stored or sent. */
describe('API edge: signatures, validation, admin auth', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;

  beforeAll(async () => {
    pressroom = await startTestPressroom();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('refuses a webhook with a wrong secret, a stale timestamp or no signature (401)', async () => {
    const wrong = await pressroom.client.publish(releaseBody(), { secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}` });
    const stale = await pressroom.client.publish(releaseBody(), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const unsigned = await fetch(`${pressroom.url}/webhooks/releases`, { method: 'POST', body: JSON.stringify(releaseBody()) });
    expect([wrong.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    expect(await pressroom.adapters.releases.get('spring-update')).toBeUndefined();
  });

  it('answers malformed JSON with 400 saying so', async () => {
    const answer = await pressroom.client.publish('{"id": "x",');
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ field: '(body)', message: expect.stringMatching(/^malformed JSON/) }]);
  });

  it('names each invalid field, including a title with a line break and an unknown list', async () => {
    const answer = await pressroom.client.publish(releaseBody({ title: 'Hi\r\nBcc: x@example.org', url: 'javascript:alert(1)', lists: ['blog', 'nope'] }));
    expect(answer.status).toBe(400);
    expect((answer.body.issues as { field: string }[]).map((i) => i.field).sort()).toEqual(['title', 'url']);
    const lists = await pressroom.client.publish(releaseBody({ lists: ['blog', 'nope'] }));
    expect(lists.body.issues).toEqual([{ field: 'lists.1', message: 'unknown list "nope"' }]);
    await pressroom.settle();
    expect(await pressroom.client.mail()).toHaveLength(0);
  });

  it('refuses admin calls without the bearer token (401)', async () => {
    const missing = await pressroom.client.addSubscribers({ email: 'a@example.com', lists: ['blog'] }, '');
    const wrong = await pressroom.client.addSubscribers({ email: 'a@example.com', lists: ['blog'] }, 'guess');
    expect([missing.status, wrong.status]).toEqual([401, 401]);
  });

  it('names an invalid address and an unknown list, and imports nothing from that request', async () => {
    const answer = await pressroom.client.addSubscribers({
      subscribers: [
        { email: 'good@example.com', lists: ['blog'] },
        { email: 'not an address', lists: ['blog'] },
        { email: 'x@example.com', lists: ['gardening'] },
      ],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      { field: 'subscribers.1.email', message: '"not an address" is not a valid email address' },
      { field: 'subscribers.2.lists.0', message: 'unknown list "gardening"' },
    ]);
    expect(await pressroom.adapters.subscribers.findByEmail('good@example.com')).toBeUndefined();
  });

  it('imports the same address twice as one subscriber, lower-casing the domain only', async () => {
    const first = await pressroom.client.addSubscribers({ email: '  Reader@Example.COM ', lists: ['blog'] });
    const again = await pressroom.client.addSubscribers({ email: 'reader@example.com', lists: ['press-releases'] });
    expect(first.body).toMatchObject({ added: 1, subscribers: [{ email: 'Reader@example.com' }] });
    expect(again.body).toMatchObject({ added: 0, updated: 1 });
    const subscriber = await pressroom.adapters.subscribers.findByEmail('READER@example.com');
    expect(subscriber!.memberships.map((m) => m.listId).sort()).toEqual(['blog', 'press-releases']);
  });

  it('serves the local routes the scripts rely on', async () => {
    expect((await fetch(`${pressroom.url}/health`)).status).toBe(200);
    const mailbox = await fetch(`${pressroom.url}/local/mailbox`);
    expect(mailbox.status).toBe(200);
    expect(mailbox.headers.get('content-type')).toMatch(/text\/html/);
    expect((await fetch(`${pressroom.url}/local/mail/nope`)).status).toBe(404);
    expect((await fetch(`${pressroom.url}/nowhere`)).status).toBe(404);
  });
});
