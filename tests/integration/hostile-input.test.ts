import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';
import { strictXmlError } from '../helpers/strict-xml';
import { newRelease } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { TooLargeError } from '../../functions/domain/errors';

/** Hostile input over HTTP (issue 13): each gets a clear 4xx, and nobody else's answers break. */
describe('hostile input at the HTTP edge (local stack)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;

  beforeAll(async () => {
    pressroom = await startTestPressroom();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('refuses a release with a control character, naming the field, and stores nothing', async () => {
    const answer = await pressroom.client.publish(releaseBody({ id: 'bell', summary: 'ding\u0007' }));
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ field: 'summary', message: expect.stringContaining('U+0007') }]);
    expect(await pressroom.adapters.releases.get('bell')).toBeUndefined();
  });

  it('serves well-formed RSS and Atom even when a stored release holds characters XML forbids', async () => {
    // As a release stored before input refused them would be.
    const old = newRelease(parseReleaseInput(releaseBody({ id: 'old-one' }), new Set(['blog'])), new Date(Date.now() - 60_000));
    await pressroom.adapters.releases.create({ ...old, title: 'Old\u0000 one\u001b', summary: 'form\u000cfeed\uFFFF', author: 'Ada\u0001', tags: ['x\u0002'] });
    for (const feed of ['all.rss', 'all.atom', 'blog.rss', 'blog.atom']) {
      const answer = await fetch(`${pressroom.url}/feeds/${feed}`);
      expect(answer.status).toBe(200);
      const xml = await answer.text();
      expect(xml).toContain('Old one');
      expect(strictXmlError(xml), feed).toBeUndefined();
    }
  });

  it('answers a request naming 200,000 unknown lists with a small 400 that counts them', async () => {
    const lists = Array.from({ length: 200_000 }, (_, i) => `no-such-list-${i}`);
    const answer = await pressroom.client.addSubscribers({ email: 'many@example.com', lists });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body).length).toBeLessThan(64 * 1024);
    expect(answer.body.issues).toHaveLength(50);
    expect(answer.body.moreIssues).toBe(200_000 - 50);
  });

  it('answers a 10,000-character webhook-id with a 400 naming the header', async () => {
    const answer = await pressroom.client.publish(releaseBody({ id: 'long-id' }), { webhookId: 'm'.repeat(10_000) });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ field: 'webhook-id', message: expect.stringContaining('256') }]);
  });

  it('publishes a body with 30,000 stripped tags with a warning that stays small', async () => {
    const html = `<p>Hello.</p>${Array.from({ length: 30_000 }, (_, i) => `<t${i}>`).join('')}`;
    const answer = await pressroom.client.publish(releaseBody({ id: 'many-tags', html }));
    expect(answer.status).toBe(202);
    expect(JSON.stringify(answer.body.warnings).length).toBeLessThan(2_000);
  });

  it('refuses to store a release item DynamoDB would refuse (over 400 KB), saying so', async () => {
    // dynalite takes items of any size; the store checks what DynamoDB would count.
    const big = newRelease(parseReleaseInput(releaseBody({ id: 'too-big' }), new Set(['blog'])), new Date());
    const stored = pressroom.adapters.releases.create({ ...big, body: '€'.repeat(140_000) });
    await expect(stored).rejects.toThrow(TooLargeError);
    await expect(stored).rejects.toThrow(/release .*KB.*400 KB/);
    expect(await pressroom.adapters.releases.get('too-big')).toBeUndefined();
  });

  it('refuses a release dated 9999 and an embargo ten years ahead, naming each field', async () => {
    const later = new Date(Date.now() + 10 * 365 * 86_400_000).toISOString();
    const answer = await pressroom.client.publish(releaseBody({ id: 'forever-on-top', publishedAt: '9999-01-01T00:00:00Z', embargoUntil: later }));
    expect(answer.status).toBe(400);
    expect((answer.body.issues as { field: string }[]).map((i) => i.field).sort()).toEqual(['embargoUntil', 'publishedAt']);
    expect(await pressroom.adapters.releases.get('forever-on-top')).toBeUndefined();
  });

  describe('page headers', () => {
    const framing = { 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
    const headersOf = async (path: string, headers: Record<string, string> = {}) => {
      const answer = await fetch(`${pressroom.url}${path}`, { headers });
      expect(answer.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(answer.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      return Object.fromEntries(answer.headers);
    };

    it('public pages (archive, web version) may be cached; every page forbids framing, sniffing and referrers', async () => {
      await pressroom.client.publish(releaseBody({ id: 'headers-page' }));
      for (const path of ['/archive', '/releases/headers-page']) {
        expect(await headersOf(path), path).toMatchObject({ ...framing, 'cache-control': 'public, max-age=300' });
      }
    });

    it('personal pages (confirm, unsubscribe, preferences) are never cached', async () => {
      for (const path of ['/confirm/bad.token.here', '/unsubscribe/bad.token.here', '/preferences/bad.token.here']) {
        expect(await headersOf(path), path).toMatchObject({ ...framing, 'cache-control': 'no-store' });
      }
    });

    it('adds Strict-Transport-Security only behind https', async () => {
      expect((await headersOf('/archive'))['strict-transport-security']).toBeUndefined();
      expect((await headersOf('/archive', { 'x-forwarded-proto': 'https' }))['strict-transport-security']).toBe('max-age=31536000');
      expect((await headersOf('/unsubscribe/bad', { 'x-forwarded-proto': 'https' }))['strict-transport-security']).toBe('max-age=31536000');
    });
  });
});

