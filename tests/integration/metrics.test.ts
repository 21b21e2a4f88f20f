import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * The metrics on-call watches (runtime/metrics.ts), counted by the handlers as a user's actions
 * reach them. The local runner tallies them in memory; on AWS the same counts are EMF log lines.
 * Each case reads the change it causes, since one process shares one tally.
 */
describe('metrics counted at the edges (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const snapshot = () => new Map(pressroom.metrics);
  const delta = (before: Map<string, number>) =>
    Object.fromEntries([...pressroom.metrics].filter(([key, value]) => value !== (before.get(key) ?? 0)).map(([key, value]) => [key, value - (before.get(key) ?? 0)]));

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_LISTS: 'blog=Blog,metrics=Metrics' } });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('a sign-up counts as accepted, its email as sent, and following the link as a confirmed subscription', async () => {
    const before = snapshot();
    const signUp = await fetch(`${pressroom.url}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'counted@example.org', lists: ['blog'] }),
    });
    expect(signUp.status).toBe(202);
    await pressroom.settle();
    const mail = (await pressroom.client.mail()).find((m) => m.to.includes('counted@example.org'))!;
    const link = /href="([^"]*\/confirm\/[^"]+)"/.exec(String(mail.html))![1];
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    expect(delta(before)).toEqual({ SignupsAccepted: 1, ConfirmationEmailsSent: 1, SubscriptionsConfirmed: 1 });
    // The same tally as `npm start` shows it.
    const shown = (await (await fetch(`${pressroom.url}/local/metrics`)).json()) as Record<string, number>;
    expect(shown.SubscriptionsConfirmed).toBe(pressroom.metrics.get('SubscriptionsConfirmed'));
    const queues = (await (await fetch(`${pressroom.url}/local/queues`)).json()) as Record<string, unknown>;
    expect(Object.keys(queues)).toEqual(['fan-out', 'send', 'mail-events', 'signups', 'bulk', 'webhooks']);
  });

  it('a release to two members counts two emails sent and a post per channel; a bounce and a complaint count once each however often they arrive', async () => {
    const emails = ['m1@example.org', 'm2@example.org'];
    expect((await pressroom.client.addSubscribers(emails.map((email) => ({ email, lists: ['metrics'] })))).status).toBe(200);
    const before = snapshot();
    expect((await pressroom.client.publish(releaseBody({ id: 'metrics-release', lists: ['metrics'] }))).status).toBe(202);
    await pressroom.settle();
    await pressroom.scheduler.runNow('post-social');
    expect(delta(before)).toEqual({ EmailsSent: 2, 'PostsMade{channel=local}': 1 });

    const afterSend = snapshot();
    const at = new Date().toISOString();
    // As SES reports on a release's email: tagged with the release and the subscriber.
    const tags = async (email: string) => ({ release: ['metrics-release'], subscriber: [(await pressroom.adapters.subscribers.findByEmail(email))!.id] });
    const bounce = {
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: emails[0] }], timestamp: at },
      mail: { timestamp: at, source: 'news@example.org', messageId: 'metrics-bounce', destination: [emails[0]], tags: await tags(emails[0]) },
    };
    const complaint = {
      eventType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: emails[1] }], timestamp: at, complaintFeedbackType: 'abuse' },
      mail: { timestamp: at, source: 'news@example.org', messageId: 'metrics-complaint', destination: [emails[1]], tags: await tags(emails[1]) },
    };
    await pressroom.queues.mailEvents.send([bounce, bounce, complaint]);
    await pressroom.settle();
    expect(delta(afterSend)).toEqual({ Bounces: 1, Complaints: 1 });
  });

  it('a release webhook with a bad signature counts as rejected', async () => {
    const before = snapshot();
    const refused = await pressroom.client.publish(releaseBody({ id: 'forged' }), { secret: `whsec_${randomBytes(32).toString('base64')}` });
    expect(refused.status).toBe(401);
    expect(delta(before)).toEqual({ WebhooksRejected: 1 });
  });
});
