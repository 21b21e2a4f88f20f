import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * Staff's retry of a failed social post, through the admin API and the scheduled poster of the local
 * stack: the post that failed is posted once on the next run, and nothing else is touched.
 */
describe('retrying a failed social post (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const admin = async (method: 'GET' | 'POST', path: string) => {
    const response = await fetch(`${pressroom.url}${path}`, { method, headers: { authorization: `Bearer ${pressroom.secrets.adminToken}` } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    pressroom = await startTestPressroom();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('given a post that failed for good, a retry posts it once on the next run; a posted one cannot be retried', async () => {
    expect((await pressroom.client.publish(releaseBody({ id: 'retry-me' }))).status).toBe(202);
    await pressroom.settle();
    const [scheduled] = await pressroom.adapters.socialPosts.listForRelease('retry-me');
    expect(scheduled).toMatchObject({ channel: 'local', status: 'scheduled' });
    // The channel refused it past its retries (a revoked token, say).
    await pressroom.adapters.socialPosts.markFailed(scheduled, 'HTTP 401: the access token was revoked', new Date());
    expect((await admin('GET', '/admin/releases/retry-me')).body.social).toMatchObject([{ channel: 'local', status: 'failed', lastError: 'HTTP 401: the access token was revoked' }]);

    const retried = await admin('POST', '/admin/releases/retry-me/social/local/retry');
    expect(retried).toMatchObject({ status: 200, body: { channel: 'local', status: 'scheduled', attempts: 0 } });
    expect(retried.body.retriedAt).toBeTruthy();
    // Twice in a row: the second finds it waiting, not failed.
    expect(await admin('POST', '/admin/releases/retry-me/social/local/retry')).toMatchObject({ status: 409, body: { error: 'Conflict', status: 'scheduled' } });

    await pressroom.scheduler.runNow('post-social');
    expect(pressroom.social.list().filter((p) => p.releaseId === 'retry-me')).toHaveLength(1);
    expect((await admin('GET', '/admin/releases/retry-me')).body.social).toMatchObject([{ channel: 'local', status: 'posted' }]);
    expect((await admin('POST', '/admin/releases/retry-me/social/local/retry')).status).toBe(409);
    expect((await admin('POST', '/admin/releases/retry-me/social/mastodon/retry')).status).toBe(404);
    expect((await admin('POST', '/admin/releases/no-such-release/social/local/retry')).status).toBe(404);
  });
});
