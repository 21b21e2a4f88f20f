import { describe, expect, it } from 'vitest';
import { FakeClock, MemoryQueue } from '../helpers/fakes';
import { MemoryWebhookEndpointStore } from '../helpers/webhook-fakes';
import { webhookEvent, webhookMessageId, type WebhookEvent } from '../../functions/domain/webhooks/event';
import { deliverWebhook, fanOutWebhookEvent, retryDelaySeconds, RETRY_WINDOW_MS, type DeliverWebhookDeps } from '../../functions/domain/webhooks/deliver';
import { createEndpoint, endpointDeliveries, listEndpoints, updateEndpoint } from '../../functions/domain/webhooks/manage-endpoints';
import type { WebhookJob, WebhookPoster } from '../../functions/domain/webhooks/ports';
import { AuthenticationError, ValidationError } from '../../functions/domain/errors';
import { verifyWebhook } from '../../functions/domain/security/standard-webhooks';

type Delivery = Extract<WebhookJob, { kind: 'delivery' }>;

function given(answers: Array<number | Error> = [200]) {
  const clock = new FakeClock();
  const endpoints = new MemoryWebhookEndpointStore();
  const queue = new MemoryQueue<WebhookJob>();
  const requests: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
  const post: WebhookPoster = async (url, request) => {
    requests.push({ url, headers: request.headers, body: request.body });
    const answer = answers.length > 1 ? answers.shift()! : answers[0];
    if (answer instanceof Error) throw answer;
    return { status: answer };
  };
  const disabled: string[] = [];
  const deps: DeliverWebhookDeps = { endpoints, queue, post, clock, firstRetrySeconds: 30, onDisabled: (endpoint) => disabled.push(endpoint.id) };
  return { clock, endpoints, queue, requests, deps, disabled };
}

const confirmed = (clock: FakeClock): WebhookEvent =>
  webhookEvent('subscriber.confirmed', { subscriber: { id: 'sub-1', email: 'ada@example.org', lists: ['blog'] } }, clock.now(), 'evt_1');

describe('outgoing webhooks', () => {
  it('registers an endpoint with a whsec_ secret shown once, and refuses a plain-http URL off this machine and unknown event types', async () => {
    const { deps } = given();
    const created = await createEndpoint({ url: 'https://crm.example.org/hooks', events: ['subscriber.confirmed'] }, deps);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ enabled: true, events: ['subscriber.confirmed'] });
    expect(JSON.stringify(await listEndpoints(deps))).not.toContain(created.secret);
    await expect(createEndpoint({ url: 'http://crm.example.org/hooks' }, deps)).rejects.toThrow(ValidationError);
    await expect(createEndpoint({ url: 'https://crm.example.org/hooks', events: ['release.opened'] }, deps)).rejects.toThrow(ValidationError);
    expect((await createEndpoint({ url: 'http://127.0.0.1:9999/hooks' }, deps)).events).toBe('all');
  });

  it('fans an event out to the enabled endpoints whose filter takes it, and to none other', async () => {
    const { deps, queue, clock } = given();
    const all = await createEndpoint({ url: 'https://a.example.org/' }, deps);
    const confirmations = await createEndpoint({ url: 'https://b.example.org/', events: ['subscriber.confirmed'] }, deps);
    await createEndpoint({ url: 'https://c.example.org/', events: ['release.sent'] }, deps);
    await createEndpoint({ url: 'https://d.example.org/', enabled: false }, deps);
    expect(await fanOutWebhookEvent(confirmed(clock), deps)).toBe(2);
    expect(queue.jobs.map((job) => (job as Delivery).endpointId).sort()).toEqual([all.id, confirmations.id].sort());
    expect(queue.jobs.every((job) => (job as Delivery).attempt === 1)).toBe(true);
  });

  // The integration test (webhooks.test.ts) verifies the same with the reference standardwebhooks package.
  it('signs each delivery per Standard Webhooks, with the spec\'s payload shape', async () => {
    const { deps, requests, clock } = given([200]);
    const endpoint = await createEndpoint({ url: 'https://a.example.org/' }, deps);
    const event = confirmed(clock);
    expect(await deliverWebhook({ kind: 'delivery', endpointId: endpoint.id, event, attempt: 1, firstAttemptAt: clock.now().toISOString() }, deps)).toBe('delivered');
    const [{ headers, body }] = requests;
    const signed = { id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], signature: headers['webhook-signature'] };
    expect(signed.timestamp).toBe(String(clock.now().getTime() / 1000));
    expect(verifyWebhook(signed, body, [endpoint.secret], clock.now())).toBe(signed.id);
    expect(JSON.parse(body)).toEqual({ type: 'subscriber.confirmed', timestamp: event.timestamp, data: event.data });
    expect(() => verifyWebhook(signed, body.replace('ada', 'eve'), [endpoint.secret], clock.now())).toThrow(AuthenticationError);
  });

  it('keeps the webhook-id of an event at an endpoint the same on every retry, and different per endpoint and per event', async () => {
    const { deps, requests, clock } = given([500, 200]);
    const endpoint = await createEndpoint({ url: 'https://a.example.org/' }, deps);
    const job: Delivery = { kind: 'delivery', endpointId: endpoint.id, event: confirmed(clock), attempt: 1, firstAttemptAt: clock.now().toISOString() };
    await deliverWebhook(job, deps);
    await deliverWebhook({ ...job, attempt: 2 }, deps);
    expect(requests[0].headers['webhook-id']).toBe(requests[1].headers['webhook-id']);
    expect(requests[0].headers['webhook-id']).toBe(webhookMessageId('evt_1', endpoint.id));
    expect(webhookMessageId('evt_1', 'whk_other')).not.toBe(webhookMessageId('evt_1', endpoint.id));
    expect(webhookMessageId('evt_2', endpoint.id)).not.toBe(webhookMessageId('evt_1', endpoint.id));
  });

  it('backs off exponentially from the first delay up to SQS\'s 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 40].map((n) => retryDelaySeconds(n, 30))).toEqual([30, 60, 120, 240, 480, 900, 900, 900, 900, 900]);
    expect(retryDelaySeconds(3, 1)).toBe(4);
  });

  it('re-queues a failed delivery with the next delay, logs every attempt, and clears the failure on success', async () => {
    const { deps, queue, endpoints, clock } = given([500, new Error('connect ECONNREFUSED'), 204]);
    const endpoint = await createEndpoint({ url: 'https://a.example.org/' }, deps);
    const job: Delivery = { kind: 'delivery', endpointId: endpoint.id, event: confirmed(clock), attempt: 1, firstAttemptAt: clock.now().toISOString() };
    expect(await deliverWebhook(job, deps)).toBe('retrying');
    expect(queue.delayed.at(-1)).toEqual({ job: { ...job, attempt: 2 }, delaySeconds: 30 });
    expect((await endpoints.get(endpoint.id))?.failingSince).toBe(clock.now().toISOString());
    clock.advance(30_000);
    expect(await deliverWebhook(queue.delayed.at(-1)!.job as Delivery, deps)).toBe('retrying');
    expect(queue.delayed.at(-1)).toEqual({ job: { ...job, attempt: 3 }, delaySeconds: 60 });
    clock.advance(60_000);
    expect(await deliverWebhook(queue.delayed.at(-1)!.job as Delivery, deps)).toBe('delivered');
    expect((await endpoints.get(endpoint.id))?.failingSince).toBeUndefined();
    const log = await endpointDeliveries(endpoint.id, deps);
    expect(log.map((a) => [a.attempt, a.status, a.outcome])).toEqual([[3, 204, 'delivered'], [2, undefined, 'retrying'], [1, 500, 'retrying']]);
    expect(log[1].error).toContain('ECONNREFUSED');
    expect(log[2].error).toBe('Answered 500');
  });

  it('disables an endpoint that failed for a day, tells staff, and sends it nothing more until it is enabled again', async () => {
    const { deps, queue, clock, disabled, requests } = given([503]);
    const endpoint = await createEndpoint({ url: 'https://a.example.org/' }, deps);
    let job: Delivery = { kind: 'delivery', endpointId: endpoint.id, event: confirmed(clock), attempt: 1, firstAttemptAt: clock.now().toISOString() };
    let outcome = await deliverWebhook(job, deps);
    let attempts = 1;
    while (outcome === 'retrying') {
      const next = queue.delayed.at(-1)!;
      clock.advance(next.delaySeconds * 1000);
      job = next.job as Delivery;
      outcome = await deliverWebhook(job, deps);
      attempts++;
    }
    expect(outcome).toBe('disabled');
    // At least a day of tries: ~100 at 15 minutes once the backoff reaches its cap.
    expect(attempts).toBeGreaterThan(90);
    expect(Date.parse(clock.now().toISOString()) - Date.parse(job.firstAttemptAt)).toBeGreaterThanOrEqual(RETRY_WINDOW_MS);
    expect(disabled).toEqual([endpoint.id]);
    const [view] = await listEndpoints(deps);
    expect(view.disabledAt).toBe(clock.now().toISOString());
    expect(view.disabledReason).toMatch(/failed for a day.*Answered 503/);
    const sent = requests.length;
    expect(await fanOutWebhookEvent(confirmed(clock), deps)).toBe(0);
    expect(await deliverWebhook({ ...job, attempt: 1 }, deps)).toBe('skipped');
    expect(requests).toHaveLength(sent);
    const enabled = await updateEndpoint(endpoint.id, { enabled: true }, deps);
    expect(enabled.disabledAt).toBeUndefined();
    expect(enabled.failingSince).toBeUndefined();
    expect(await fanOutWebhookEvent(confirmed(clock), deps)).toBe(1);
  });

  it('keeps the last 100 attempts of an endpoint', async () => {
    const { deps, clock } = given([200]);
    const endpoint = await createEndpoint({ url: 'https://a.example.org/' }, deps);
    for (let i = 1; i <= 105; i++) await deliverWebhook({ kind: 'delivery', endpointId: endpoint.id, event: confirmed(clock), attempt: i, firstAttemptAt: clock.now().toISOString() }, deps);
    const log = await endpointDeliveries(endpoint.id, deps);
    expect(log).toHaveLength(100);
    expect(log[0].attempt).toBe(105);
    expect(log.at(-1)!.attempt).toBe(6);
  });
});
