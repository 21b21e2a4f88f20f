import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * An embargoed release through the local stand-ins: stored at once, but no email, social post or
 * web version until the embargo ends; then the `release-embargoed` schedule starts the send and the
 * social schedule posts it, once.
 */
describe('embargo holds email and social until it ends (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const EMBARGO_MS = 4_000;
  let embargoUntil: Date;
  const admin = (path: string) =>
    fetch(`${pressroom.url}${path}`, { headers: { authorization: `Bearer ${pressroom.secrets.adminToken}` } }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as Record<string, any>,
    }));

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_LISTS: 'blog=Blog' } });
    await pressroom.client.addSubscribers([{ email: 'reader@example.com', lists: ['blog'] }]);
    embargoUntil = new Date(Date.now() + EMBARGO_MS);
    const published = await pressroom.client.publish(releaseBody({ id: 'under-embargo', embargoUntil: embargoUntil.toISOString() }));
    expect(published).toMatchObject({ status: 202, body: { releaseId: 'under-embargo', status: 'queued' } });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('before the embargo: nothing is mailed, posted or shown, and staff see why', async () => {
    await pressroom.settle();
    await pressroom.scheduler.runNow('release-embargoed');
    await pressroom.scheduler.runNow('post-social');
    await pressroom.settle();
    expect(await pressroom.client.mail()).toHaveLength(0);
    expect(await pressroom.client.social()).toHaveLength(0);
    expect((await fetch(`${pressroom.url}/releases/under-embargo`)).status).toBe(404);

    const status = await admin('/admin/releases/under-embargo');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      id: 'under-embargo',
      public: false,
      embargoUntil: embargoUntil.toISOString(),
      send: { status: 'queued', embargoUntil: embargoUntil.toISOString() },
      social: [{ channel: 'local', status: 'scheduled', dueAt: embargoUntil.toISOString(), attempts: 0 }],
    });
  });

  it('a fan-out job that arrives early (a replay) plans nobody', async () => {
    await pressroom.queues.fanOut.send([{ releaseId: 'under-embargo' }]);
    await pressroom.settle();
    expect(await pressroom.client.mail()).toHaveLength(0);
    expect((await admin('/admin/releases/under-embargo')).body.send.status).toBe('queued');
  });

  it('after the embargo: one email per subscriber and one post, however often the schedules run', async () => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, embargoUntil.getTime() - Date.now() + 50)));
    await Promise.all([pressroom.scheduler.runNow('release-embargoed'), pressroom.scheduler.runNow('release-embargoed')]);
    await pressroom.settle();
    await pressroom.scheduler.runNow('release-embargoed');
    await Promise.all([pressroom.scheduler.runNow('post-social'), pressroom.scheduler.runNow('post-social')]);
    await pressroom.settle();

    const mail = await pressroom.client.mail();
    expect(mail.map((m) => m.to).flat()).toEqual(['reader@example.com']);
    const posts = await pressroom.client.social();
    expect(posts.map((p) => [p.releaseId, p.channel])).toEqual([['under-embargo', 'local']]);
    expect((await fetch(`${pressroom.url}/releases/under-embargo`)).status).toBe(200);

    const status = await admin('/admin/releases/under-embargo');
    expect(status.body).toMatchObject({
      public: true,
      send: { status: 'sent', counts: { sent: 1 } },
      social: [{ channel: 'local', status: 'posted', remoteUrl: expect.stringMatching(/^local:/), attempts: 1 }],
    });
  });

  it('an unknown release has no status', async () => {
    expect((await admin('/admin/releases/nope')).status).toBe(404);
  });
});
