import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { startTestPressroom } from '../helpers/local-pressroom';
import { listUnsubscribeUrl } from '../helpers/mail';
import { releaseBody } from '../helpers/releases';
import { SocialPostStatus } from '../../functions/domain/social/social-post';

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  answered: number;
}

/**
 * Outgoing webhooks through the local stack: each event caused the way it happens (a reader signs
 * up and confirms, SES reports a bounce, a send ends, the social poster posts or is refused, a reader
 * leaves by one-click), queued, fanned out and POSTed to a receiver on 127.0.0.1 that verifies every
 * signature with the reference `standardwebhooks` package. Retries are shortened to 1 s, 2 s, 4 s….
 */
describe('outgoing webhooks (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let receiver: Server;
  let base: string;
  const received: Received[] = [];
  // The flaky receiver answers 500 to this many requests, then 204: an endpoint down for a while.
  let flakyFailuresLeft = 2;

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${pressroom.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${pressroom.secrets.adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '';
        const status = path === '/flaky' && flakyFailuresLeft-- > 0 ? 500 : path === '/flaky' ? 204 : 200;
        received.push({ path, headers: flat(request.headers), body: Buffer.concat(chunks).toString('utf8'), answered: status });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    pressroom = await startTestPressroom({ env: { PRESSROOM_WEBHOOK_RETRY_SECONDS: '1' } });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
    receiver?.close();
  });

  it('delivers each event type signed, retries an endpoint that is down until it answers, and sends nothing to a disabled one', async () => {
    // Given three endpoints: every event; confirmations only, down for its first two requests; and one staff disabled.
    const all = await admin('POST', '/admin/webhooks', { url: `${base}/all`, description: 'CRM' });
    expect(all.status).toBe(201);
    expect(all.body.secret).toMatch(/^whsec_/);
    const flaky = await admin('POST', '/admin/webhooks', { url: `${base}/flaky`, events: ['subscriber.confirmed'] });
    const off = await admin('POST', '/admin/webhooks', { url: `${base}/off` });
    expect(await admin('PATCH', `/admin/webhooks/${off.body.id}`, { enabled: false })).toMatchObject({ status: 200, body: { enabled: false } });
    const listed = await admin('GET', '/admin/webhooks');
    expect(listed.body.endpoints.map((e: { url: string }) => e.url)).toEqual([`${base}/all`, `${base}/flaky`, `${base}/off`]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    expect((await admin('POST', '/admin/webhooks', { url: 'http://crm.example.org/hooks' })).status).toBe(400);

    // When a reader signs up and confirms…
    const email = 'hooked-reader@example.org';
    const signUp = await fetch(`${pressroom.url}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, lists: ['blog'] }) });
    expect(signUp.status).toBe(202);
    await pressroom.settle();
    const confirmation = (await pressroom.client.mail()).find((m) => m.to.includes(email) && m.subject?.startsWith('Confirm'))!;
    expect((await fetch(/href="([^"]*\/confirm\/[^"]+)"/.exec(String(confirmation.html))![1], { method: 'POST' })).status).toBe(200);
    // …a release goes to them and to an address that bounces, and is posted on the local channel…
    expect((await pressroom.client.addSubscribers([{ email: 'bounce@simulator.amazonses.com', lists: ['blog'] }])).status).toBe(200);
    expect((await pressroom.client.publish(releaseBody({ id: 'hooked-release', title: 'Hooked release' }))).status).toBe(202);
    await pressroom.settle();
    await pressroom.scheduler.runNow('post-social');
    // …the reader leaves by the email's one-click link…
    const release = (await pressroom.client.mail()).find((m) => m.to.includes(email) && m.subject === 'Hooked release')!;
    expect((await fetch(listUnsubscribeUrl(release)!, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    // …and the channel refuses a post (too long for it, as a provider refuses one).
    const [posted] = await pressroom.adapters.socialPosts.listForRelease('hooked-release');
    await pressroom.adapters.socialPosts.schedule([
      { releaseId: 'refused-release', channel: 'local', status: SocialPostStatus.Scheduled, dueAt: new Date().toISOString(), attempts: 0, summary: posted.summary, overrideText: 'x'.repeat(5000) },
    ]);
    await pressroom.scheduler.runNow('post-social');
    await pressroom.settle();

    // Then the first endpoint got every type once, each verified by the reference library.
    const toAll = received.filter((r) => r.path === '/all');
    const payloads = toAll.map((r) => new Webhook(all.body.secret).verify(r.body, r.headers) as { type: string; timestamp: string; data: any });
    expect(payloads.map((p) => p.type).sort()).toEqual(['post.failed', 'post.published', 'release.sent', 'subscriber.confirmed', 'subscriber.suppressed', 'subscriber.unsubscribed']);
    const ofType = (type: string) => payloads.find((p) => p.type === type)!.data;
    const readerId = (await pressroom.adapters.subscribers.findByEmail(email))!.id;
    expect(ofType('subscriber.confirmed')).toEqual({ subscriber: { id: readerId, email, lists: ['blog'] } });
    expect(ofType('subscriber.unsubscribed')).toEqual({ subscriber: { id: readerId, email, lists: ['blog'] } });
    expect(ofType('subscriber.suppressed')).toMatchObject({ subscriber: { email: 'bounce@simulator.amazonses.com', lists: ['blog'] }, reason: 'permanent-bounce' });
    expect(ofType('release.sent')).toMatchObject({ release: { id: 'hooked-release', title: 'Hooked release', lists: ['blog'] } });
    expect(ofType('post.published')).toMatchObject({ post: { releaseId: 'hooked-release', channel: 'local' } });
    expect(ofType('post.failed')).toMatchObject({ post: { releaseId: 'refused-release', channel: 'local' } });
    expect(ofType('post.failed').post.error).toMatch(/over/);
    expect(() => new Webhook(flaky.body.secret).verify(toAll[0].body, toAll[0].headers)).toThrow();

    // The endpoint that was down got the confirmation once it came back: the same webhook-id each time.
    const toFlaky = received.filter((r) => r.path === '/flaky');
    expect(toFlaky.map((r) => r.answered)).toEqual([500, 500, 204]);
    expect(new Set(toFlaky.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Webhook(flaky.body.secret).verify(toFlaky[2].body, toFlaky[2].headers)).toMatchObject({ type: 'subscriber.confirmed' });
    const log = await admin('GET', `/admin/webhooks/${flaky.body.id}/deliveries`);
    expect(log.body.deliveries.map((d: { attempt: number; status: number; outcome: string }) => [d.attempt, d.status, d.outcome])).toEqual([
      [3, 204, 'delivered'],
      [2, 500, 'retrying'],
      [1, 500, 'retrying'],
    ]);
    expect((await admin('GET', `/admin/webhooks/${flaky.body.id}`)).body.failingSince).toBeUndefined();

    // The disabled endpoint got nothing.
    expect(received.filter((r) => r.path === '/off')).toEqual([]);
    expect(pressroom.queues.byName.get('webhooks')!.deadLetters()).toEqual([]);
  });

  it("tells staff's list changes to a subscriber as the reader's own are told: confirmed for lists added, unsubscribed for lists left, nothing for no change", async () => {
    const hook = await admin('POST', '/admin/webhooks', { url: `${base}/staff`, events: ['subscriber.confirmed', 'subscriber.unsubscribed'] });
    expect(hook.status).toBe(201);
    expect((await pressroom.client.addSubscribers([{ email: 'staff-changed@example.org', lists: ['blog'] }])).status).toBe(200);
    const { id } = (await pressroom.adapters.subscribers.findByEmail('staff-changed@example.org'))!;

    expect((await admin('PATCH', `/admin/subscribers/${id}`, { lists: { add: ['press-releases'], remove: ['blog'] } })).status).toBe(200);
    // Adding a list they are on, or removing one they never joined, changes nothing and says nothing.
    expect((await admin('PATCH', `/admin/subscribers/${id}`, { lists: { add: ['press-releases'] } })).status).toBe(200);
    await pressroom.settle();

    const told = received
      .filter((r) => r.path === '/staff')
      .map((r) => new Webhook(hook.body.secret).verify(r.body, r.headers) as { type: string; data: unknown })
      .sort((a, b) => a.type.localeCompare(b.type));
    expect(told).toEqual([
      expect.objectContaining({ type: 'subscriber.confirmed', data: { subscriber: { id, email: 'staff-changed@example.org', lists: ['press-releases'] } } }),
      expect.objectContaining({ type: 'subscriber.unsubscribed', data: { subscriber: { id, email: 'staff-changed@example.org', lists: ['blog'] } } }),
    ]);
  });

  it('removes an endpoint, with its log, and refuses one it does not know', async () => {
    const created = await admin('POST', '/admin/webhooks', { url: `${base}/gone`, events: ['release.sent'] });
    expect(await admin('DELETE', `/admin/webhooks/${created.body.id}`)).toMatchObject({ status: 200, body: { removed: true } });
    expect((await admin('GET', `/admin/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await admin('GET', `/admin/webhooks/${created.body.id}/deliveries`)).status).toBe(404);
  });
});

function flat(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
}
