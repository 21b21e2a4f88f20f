import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ValidationError } from '../../functions/domain/errors';
import { ghostPostEvent, signGhostPayload, verifyGhostSignature } from '../../functions/domain/source/ghost';

const fixture = (name: string) => readFileSync(resolve(import.meta.dirname, '../fixtures/ghost', name), 'utf8');
/** What Ghost puts on the wire: `JSON.stringify(payload)`, no spaces (webhook-trigger.js). */
const asGhostSendsIt = (name: string) => JSON.stringify(JSON.parse(fixture(name)));

/**
 * Signs exactly as Ghost does, in TryGhost/Ghost ghost/core/core/server/services/webhooks/webhook-trigger.js
 * at commit 8b7535221b9cb2da03dcaa32d45db54189a7ec14 (`trigger()`):
 *
 *   const reqPayload = JSON.stringify(hookPayload);
 *   const ts = Date.now();
 *   headers['X-Ghost-Signature'] = `sha256=${crypto.createHmac('sha256', secret).update(`${reqPayload}${ts}`).digest('hex')}, t=${ts}`;
 *
 * Kept separate from signGhostPayload so that a mistake there cannot hide one in the verifier.
 */
const signLikeGhost = (reqPayload: string, secret: string, ts: number) =>
  `sha256=${createHmac('sha256', secret).update(`${reqPayload}${ts}`).digest('hex')}, t=${ts}`;

const secret = 'pressroom-ghost-test-secret';
const ts = 1764417600000; // 2025-11-29T12:00:00Z, in milliseconds as Ghost sends it
const now = new Date(ts + 30_000);

describe('verifyGhostSignature', () => {
  // A fixed vector, computed once with the line above, so that both signers drifting together
  // would still fail here.
  const vector = {
    secret,
    body: '{"post":{"current":{"id":"6953a2c1c4b2e10001a3d9f1"},"previous":{}}}',
    ts,
    header: 'sha256=4f3dad2ed04115f00028a2c44ec847534b84b872b6a1fc5492d38b9c6a4a2c39, t=1764417600000',
  };

  it('accepts the test vector computed as Ghost computes it', () => {
    expect(signLikeGhost(vector.body, vector.secret, vector.ts)).toBe(vector.header);
    expect(() => verifyGhostSignature(vector.header, vector.body, vector.secret, now)).not.toThrow();
  });

  it('accepts a real Ghost payload signed as Ghost signs it, and signGhostPayload agrees with Ghost', () => {
    const body = asGhostSendsIt('post-published.json');
    const header = signLikeGhost(body, secret, ts);
    expect(signGhostPayload(body, secret, ts)).toBe(header);
    expect(() => verifyGhostSignature(header, body, secret, now)).not.toThrow();
  });

  const refusal = (header: string | undefined, body = vector.body, at = now, key = secret) => {
    try {
      verifyGhostSignature(header, body, key, at);
    } catch (error) {
      expect(error).toBeInstanceOf(AuthenticationError);
      return (error as Error).message;
    }
    throw new Error('expected the delivery to be refused');
  };

  it('refuses a signature made with another secret', () => {
    expect(refusal(signLikeGhost(vector.body, 'someone-else', ts))).toMatch(/does not match/);
  });

  it('refuses a body changed after signing', () => {
    expect(refusal(vector.header, vector.body.replace('6953', '6954'))).toMatch(/does not match/);
  });

  it('refuses a timestamp changed after signing', () => {
    expect(refusal(vector.header.replace(`t=${ts}`, `t=${ts + 1}`))).toMatch(/does not match/);
  });

  it('refuses a stale delivery, saying so', () => {
    const old = ts - 6 * 60_000;
    expect(refusal(signLikeGhost(vector.body, secret, old))).toMatch(/too old/);
  });

  it('accepts a delivery just inside the age limit', () => {
    const recent = now.getTime() - 4 * 60_000;
    expect(() => verifyGhostSignature(signLikeGhost(vector.body, secret, recent), vector.body, secret, now)).not.toThrow();
  });

  it('refuses a delivery dated too far ahead, saying so', () => {
    const ahead = now.getTime() + 6 * 60_000;
    expect(refusal(signLikeGhost(vector.body, secret, ahead))).toMatch(/future/);
  });

  it('honours a custom age limit', () => {
    const header = signLikeGhost(vector.body, secret, now.getTime() - 2 * 60_000);
    expect(() => verifyGhostSignature(header, vector.body, secret, now, 60_000)).toThrow(/too old/);
  });

  it('refuses a missing header', () => {
    expect(refusal(undefined)).toMatch(/Missing/);
    expect(refusal('')).toMatch(/Missing/);
  });

  it.each([
    ['no timestamp', 'sha256=4f3dad2ed04115f00028a2c44ec847534b84b872b6a1fc5492d38b9c6a4a2c39'],
    ['no MAC', 't=1764417600000'],
    ['a short MAC', 'sha256=4f3dad2e, t=1764417600000'],
    ['a MAC that is not hex', `sha256=${'z'.repeat(64)}, t=1764417600000`],
    ['a timestamp that is not a number', 'sha256=4f3dad2ed04115f00028a2c44ec847534b84b872b6a1fc5492d38b9c6a4a2c39, t=soon'],
    ['another scheme', 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='],
    ['a huge header', `sha256=${'a'.repeat(64)}, t=1764417600000, x=${'b'.repeat(1000)}`],
  ])('refuses a malformed header: %s', (_, header) => {
    expect(refusal(header)).toMatch(/Malformed/);
  });
});

describe('ghostPostEvent', () => {
  it('maps a post.published payload onto a feed item, as a first publication', () => {
    const event = ghostPostEvent(JSON.parse(fixture('post-published.json')));
    expect(event.status).toBe('published');
    expect(event.visibility).toBe('public');
    expect(event.edited).toBe(false);
    expect(event.item).toEqual({
      key: '6953a2c1c4b2e10001a3d9f1',
      title: 'webhookz',
      link: 'http://127.0.0.1:2369/webhookz/',
      contentHtml: expect.stringMatching(/^<!--kg-card-begin: markdown--><h1>HTML Ipsum Presents<\/h1>.*<!--kg-card-end: markdown-->$/),
      // No custom excerpt in Ghost's payload, so the one Ghost generated.
      summary: expect.stringMatching(/^HTML Ipsum Presents\n\nPellentesque habitant/),
      categories: [],
      author: 'Joe Bloggs',
      publishedAt: '2026-11-29T12:00:00.000Z',
      updatedAt: '2026-11-29T12:00:00.000Z',
      imageUrl: undefined,
    });
  });

  it('maps a post.published.edited payload as an edit of the same post', () => {
    const event = ghostPostEvent(JSON.parse(fixture('post-published-edited.json')));
    expect(event.edited).toBe(true);
    expect(event.status).toBe('published');
    expect(event.item).toMatchObject({
      key: '6953a3e7c4b2e10001a3da10',
      title: 'testing post published edited webhook - updated',
      link: 'http://127.0.0.1:2369/testing-post-published-edited-webhook/',
      publishedAt: '2026-11-29T12:05:00.000Z',
      updatedAt: '2026-11-29T12:07:30.000Z',
    });
    // Ghost sends null for an empty post's html and excerpt: absent, not "null".
    expect(event.item.contentHtml).toBeUndefined();
    expect(event.item.summary).toBeUndefined();
  });

  it('keys by the post id, which a renamed slug does not change', () => {
    const body = JSON.parse(fixture('post-published-edited.json'));
    const before = ghostPostEvent(body).item.key;
    body.post.current.slug = 'a-new-slug';
    body.post.current.url = 'http://127.0.0.1:2369/a-new-slug/';
    expect(ghostPostEvent(body).item.key).toBe(before);
  });

  it('reads a post created already published (previous is {}) as a first publication', () => {
    const body = JSON.parse(fixture('post-published.json'));
    body.post.previous = {};
    expect(ghostPostEvent(body).edited).toBe(false);
  });

  it('reads a scheduled post going live as a first publication', () => {
    const body = JSON.parse(fixture('post-published.json'));
    body.post.previous = { status: 'scheduled', updated_at: '2026-11-29T11:00:00.000Z' };
    expect(ghostPostEvent(body).edited).toBe(false);
  });

  it('does not call an edit of a draft a published edit', () => {
    const body = JSON.parse(fixture('post-published-edited.json'));
    body.post.current.status = 'draft';
    const event = ghostPostEvent(body);
    expect(event.status).toBe('draft');
    expect(event.edited).toBe(false);
  });

  it('maps tags to categories, dropping internal tags', () => {
    const tag = (name: string, slug: string, visibility = 'public') => ({ ...JSON.parse(fixture('tag.json')), name, slug, visibility });
    const body = JSON.parse(fixture('post-published.json'));
    // As Ghost stores them: a #name gets slug hash-… and visibility internal (models/tag.js onSaving).
    body.post.current.tags = [tag('Press Releases', 'press-releases'), tag('#hide-from-home', 'hash-hide-from-home', 'internal'), tag('Getting Started', 'getting-started')];
    body.post.current.primary_tag = body.post.current.tags[0];
    expect(ghostPostEvent(body).item.categories).toEqual(['Press Releases', 'Getting Started']);
  });

  it('prefers the custom excerpt staff wrote, and carries the feature image', () => {
    const body = JSON.parse(fixture('post-published.json'));
    body.post.current.custom_excerpt = 'Our spring update, in one line.';
    body.post.current.feature_image = 'http://127.0.0.1:2369/content/images/2026/11/spring.jpg';
    const { item } = ghostPostEvent(body);
    expect(item.summary).toBe('Our spring update, in one line.');
    expect(item.imageUrl).toBe('http://127.0.0.1:2369/content/images/2026/11/spring.jpg');
  });

  it('passes the visibility through, for members-only posts', () => {
    const body = JSON.parse(fixture('post-published.json'));
    body.post.current.visibility = 'members';
    expect(ghostPostEvent(body).visibility).toBe('members');
  });

  it('refuses a body that is not a post event, naming the fields', () => {
    const issuesOf = (body: unknown) => {
      try {
        ghostPostEvent(body);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).issues.map((i) => i.field);
      }
      throw new Error('expected a ValidationError');
    };
    // A tag event, sent to the post URL by mistake.
    expect(issuesOf({ tag: { current: { id: '1', name: 'News' }, previous: {} } })).toEqual(['post']);
    // post.deleted: current is {}.
    expect(issuesOf({ post: { current: {}, previous: { id: '6953a2c1c4b2e10001a3d9f1' } } })).toEqual(
      expect.arrayContaining(['post.current.id', 'post.current.title', 'post.current.url', 'post.current.status']),
    );
    const broken = JSON.parse(fixture('post-published.json'));
    broken.post.current.url = 'javascript:alert(1)';
    broken.post.current.published_at = 'yesterday';
    expect(issuesOf(broken)).toEqual(['post.current.url', 'post.current.published_at']);
    expect(issuesOf('not json at all')).toEqual(['(body)']);
  });
});
