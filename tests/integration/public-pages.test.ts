import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * The reader's public pages through the local stack: the web version as a web page of its own, the
 * archive's list filter and paging, and the sign-up form embedded on the organisation's own site.
 */
describe('public pages (local stand-ins)', () => {
  const SITE = 'https://www.example.org';
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${pressroom.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${pressroom.secrets.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const embeddedPost = (fields: Record<string, string>, headers: Record<string, string>) =>
    fetch(`${pressroom.url}/subscribe`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields),
    });
  const fromSite = { origin: SITE, 'sec-fetch-site': 'cross-site' };

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_SIGNUP_ORIGINS: SITE } });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  describe('the web version', () => {
    beforeAll(async () => {
      const release = releaseBody({
        id: 'card-release',
        title: 'Harbour cleanup & results',
        url: 'https://example.org/news/harbour-cleanup',
        html: '<p>Volunteers cleared 2 tonnes of rubbish from the harbour. It took a day.</p><p><img src="https://images.example.org/harbour.jpg?w=1200&amp;h=630" alt="The harbour"></p>',
        lists: ['blog', 'press-releases'],
        tags: ['environment', 'volunteers'],
        author: 'Ada Lovelace',
        publishedAt: '2026-11-30T10:00:00.000Z',
      });
      expect((await pressroom.client.publish(release)).status).toBe(202);
      const corrected = { ...release, html: (release.html as string).replace('2 tonnes', '3 tonnes'), correction: 'The weight was 3 tonnes, not 2.' };
      expect((await pressroom.client.publish(corrected)).body).toMatchObject({ updated: true, revision: 2 });
      expect((await pressroom.client.publish(releaseBody({ id: 'no-image', title: 'No picture', summary: 'A short one.', tags: [] }))).status).toBe(202);
      await pressroom.settle();
    });

    it('is a web page with the tags, the correction, a canonical link and card tags, and none of the email-only wording', async () => {
      const response = await fetch(`${pressroom.url}/releases/card-release`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=300');
      const page = await response.text();
      expect(page).toMatch(/^<!doctype html><html lang="en">/);
      expect(page).toContain('<title>Harbour cleanup &amp; results · ');
      expect(page).toContain('<link rel="canonical" href="https://example.org/news/harbour-cleanup"/>');
      expect(page).toContain('<meta property="og:type" content="article"/>');
      expect(page).toContain('<meta property="og:title" content="Harbour cleanup &amp; results"/>');
      expect(page).toContain('<meta property="og:description" content="Volunteers cleared 3 tonnes of rubbish from the harbour."/>');
      expect(page).toContain('<meta property="og:url" content="https://example.org/news/harbour-cleanup"/>');
      expect(page).toContain('<meta property="og:image" content="https://images.example.org/harbour.jpg?w=1200&amp;h=630"/>');
      expect(page).toContain('<meta property="article:published_time" content="2026-11-30T10:00:00.000Z"/>');
      expect(page).toContain('<meta name="twitter:card" content="summary_large_image"/>');
      expect(page).toMatch(/<li>environment<\/li><li>volunteers<\/li>/);
      expect(page).toContain('Ada Lovelace');
      expect(page).toMatch(/<p class="correction"><strong>Updated [^<]+\.<\/strong> The weight was 3 tonnes, not 2\.<\/p>/);
      expect(page).toContain('Volunteers cleared 3 tonnes of rubbish');
      expect(page).toContain('<a href="https://example.org/news/harbour-cleanup">Read on our website</a>');
      expect(page).toContain(`href="${pressroom.url}/subscribe?lists=blog,press-releases&amp;lang=en"`);
      for (const emailOnly of ['View in browser', 'Unsubscribe', 'You are receiving this', 'Manage preferences', '/unsubscribe/', '/preferences/', 'pressroom.invalid']) {
        expect(page, emailOnly).not.toContain(emailOnly);
      }
      // The runtime escapes a <style> child: an escaped character there would break its rule.
      expect(page).not.toMatch(/<style>[^<]*&(?:gt|lt|quot|amp|#39);/);
      // Nothing loads from elsewhere but the body's own image.
      expect(page).not.toMatch(/<script|<link rel="stylesheet"|@import|url\(/);
      expect([...page.matchAll(/<img\b[^>]*src="([^"]+)"/g)].map((m) => m[1])).toEqual(['https://images.example.org/harbour.jpg?w=1200&amp;h=630']);
    });

    it('is a summary card without an image, describes the release by its own summary, and the sign-up link ticks its lists', async () => {
      const page = await (await fetch(`${pressroom.url}/releases/no-image`)).text();
      expect(page).toContain('<meta name="twitter:card" content="summary"/>');
      expect(page).toContain('<meta property="og:description" content="A short one."/>');
      expect(page).not.toContain('og:image');
      expect(page).not.toContain('class="correction"');
      const signup = await (await fetch(`${pressroom.url}/subscribe?lists=blog,press-releases&lang=en`)).text();
      expect(signup).toMatch(/id="list-blog" name="lists" value="blog" checked/);
      expect(signup).toMatch(/id="list-press-releases" name="lists" value="press-releases" checked/);
    });

    it('answers 404 for an unknown or embargoed release', async () => {
      const embargoed = releaseBody({ id: 'later', embargoUntil: new Date(Date.now() + 86_400_000).toISOString() });
      expect((await pressroom.client.publish(embargoed)).status).toBe(202);
      for (const id of ['later', 'no-such-release']) {
        const response = await fetch(`${pressroom.url}/releases/${id}`);
        expect(response.status, id).toBe(404);
        expect(await response.text()).toContain('Release not found');
      }
    });
  });

  describe('the archive', () => {
    beforeAll(async () => {
      expect((await admin('POST', '/admin/lists', { id: 'events', name: 'Events', public: true })).status).toBe(201);
      expect((await admin('POST', '/admin/lists', { id: 'staff-only', name: 'Staff only', public: false })).status).toBe(201);
      // 26 events releases: one more than a page.
      for (let i = 0; i < 26; i++) {
        const day = String(i + 1).padStart(2, '0');
        const body = releaseBody({ id: `event-${day}`, title: `Event ${day}`, lists: ['events'], tags: ['events'], html: `<p>Event number ${day} is on. Come along.</p>`, publishedAt: `2026-10-${day}T09:00:00.000Z` });
        expect((await pressroom.client.publish(body)).status).toBe(202);
      }
      await pressroom.settle();
    });

    it('filters by a public list, shows summaries, tags and dates, links to subscribe to it, and pages on with the filter kept', async () => {
      const first = await fetch(`${pressroom.url}/archive?list=events`);
      expect(first.status).toBe(200);
      const page = await first.text();
      const titles = [...page.matchAll(/>(Event \d\d|[^<]+)<\/a><\/h2>/g)].map((m) => m[1]);
      expect(titles).toHaveLength(25);
      expect(titles[0]).toBe('Event 26');
      expect(titles).not.toContain('Harbour cleanup &amp; results');
      expect(page).toContain('<p class="summary">Event number 26 is on.</p>');
      expect(page).toContain('<time datetime="2026-10-26T09:00:00.000Z">October 26, 2026</time>');
      expect(page).toContain('<li>events</li>');
      expect(page).toContain(`href="${pressroom.url}/subscribe?lists=events"`);
      expect(page).toMatch(/<option value="events" selected="">Events<\/option>/);
      expect(page).not.toContain('Staff only');
      expect(page).not.toMatch(/<style>[^<]*&(?:gt|lt|quot|amp|#39);/);
      const older = /href="([^"]+)" rel="next">Older releases/.exec(page)?.[1].replace(/&amp;/g, '&');
      expect(older).toMatch(/\/archive\?list=events&before=/);
      const second = await (await fetch(older!)).text();
      expect([...second.matchAll(/>([^<]+)<\/a><\/h2>/g)].map((m) => m[1])).toEqual(['Event 01']);
      expect(second).not.toContain('Older releases');
      expect(second).toContain(`href="${pressroom.url}/archive?list=events">Newest releases`);
    });

    it('shows every public list without a filter, and answers 404 for a private or unknown list', async () => {
      const all = await (await fetch(`${pressroom.url}/archive?list=`)).text();
      expect(all).toContain('Harbour cleanup &amp; results');
      expect(all).toContain('<option value="" selected="">All lists</option>');
      for (const list of ['staff-only', 'nope']) expect((await fetch(`${pressroom.url}/archive?list=${list}`)).status, list).toBe(404);
    });
  });

  describe('the embedded sign-up form', () => {
    it('from a configured site: queues the sign-up and returns to its thank-you page; the confirmation page links back', async () => {
      const email = 'embedded@example.com';
      const answer = await embeddedPost({ email, lists: 'blog', language: 'en', return_to: `${SITE}/thanks?from=news` }, fromSite);
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe(`${SITE}/thanks?from=news`);
      await pressroom.settle();
      const confirmation = (await pressroom.client.mail()).find((m) => m.to.includes(email));
      expect(confirmation?.subject).toMatch(/Confirm your subscription/);
      const link = /\/confirm\/[A-Za-z0-9._~-]+/.exec(confirmation!.text ?? '')![0];
      const confirmed = await (await fetch(`${pressroom.url}${link}`, { method: 'POST' })).text();
      expect(confirmed).toContain(`<a href="${SITE}">Back to www.example.org</a>`);
    });

    it('never follows a thank-you URL off the configured sites: the reader gets Pressroom\'s own page', async () => {
      for (const returnTo of ['https://evil.example/thanks', `${SITE}@evil.example/`, 'javascript:alert(1)', '//evil.example/', `${pressroom.url}/archive`]) {
        const answer = await embeddedPost({ email: 'redirect@example.com', lists: 'blog', return_to: returnTo }, fromSite);
        expect(answer.status, returnTo).toBe(200);
        expect(answer.headers.get('location'), returnTo).toBeNull();
        expect(await answer.text()).toContain('Check your inbox');
      }
    });

    it('from another site: refused with a page that says why, and nothing queued', async () => {
      const before = (await pressroom.client.mail()).length;
      const answer = await embeddedPost({ email: 'refused@example.com', lists: 'blog', return_to: `${SITE}/thanks` }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
      expect(answer.status).toBe(403);
      expect(answer.headers.get('content-type')).toMatch(/text\/html/);
      const page = await answer.text();
      expect(page).toContain('<h1>Sign-up not accepted from this site</h1>');
      expect(page).toContain('https://evil.example');
      await pressroom.settle();
      expect((await pressroom.client.mail()).slice(before).filter((m) => m.to.includes('refused@example.com'))).toEqual([]);
    });

    it('sends a form with errors back with its thank-you URL kept', async () => {
      const answer = await embeddedPost({ email: 'not an address', lists: 'blog', return_to: `${SITE}/thanks` }, fromSite);
      expect(answer.status).toBe(400);
      expect(await answer.text()).toContain(`<input type="hidden" name="return_to" value="${SITE}/thanks">`);
    });
  });
});
