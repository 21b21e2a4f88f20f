import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_LINK_VALID_MS } from '../../functions/domain/staff/sign-in';
import { ConsoleClient, csrfTokenIn } from '../helpers/console';
import { FakeClock } from '../helpers/fakes';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * The staff console through the local runner over HTTP (dynalite, local SES): sign-in by emailed
 * link and its refusals, sessions, roles, and the releases list in HTML and JSON.
 */
describe('staff console over HTTP', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let consoleClient: ConsoleClient;
  // Moved forward to expire links; the local stack's own timers are real.
  const clock = new FakeClock(new Date());

  beforeAll(async () => {
    pressroom = await startTestPressroom({ clock, env: { PRESSROOM_STAFF: 'admin@example.org=admin,editor@example.org=editor' } });
    consoleClient = new ConsoleClient(pressroom);
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  // Webhooks are signed at the stack's time, which the clock moved past real time.
  const signedNow = () => ({ timestamp: Math.floor(clock.now().getTime() / 1000) });
  const mailTo = async (email: string) => (await pressroom.client.mail()).filter((m) => m.to.includes(email));

  it('answers a stranger exactly as it answers staff, and emails only staff', async () => {
    const staff = await consoleClient.requestLink('editor@example.org');
    const stranger = await consoleClient.requestLink('stranger@example.org');
    expect(stranger.status).toBe(staff.status);
    expect(stranger.status).toBe(200);
    expect(await stranger.text()).toBe(await staff.text());
    expect(await mailTo('editor@example.org')).toHaveLength(1);
    expect(await mailTo('stranger@example.org')).toHaveLength(0);
    const [mail] = await mailTo('editor@example.org');
    expect(mail.subject).toBe('Sign in to the Pressroom console');
  });

  it('shows a button on GET without spending the link; the POST signs in with a strict cookie and shows the releases', async () => {
    await consoleClient.requestLink('admin@example.org');
    const link = (await consoleClient.lastLink('admin@example.org'))!;
    const prefetch = await consoleClient.get(link);
    expect(prefetch.status).toBe(200);
    expect(await prefetch.text()).toContain('<button type="submit">Sign in</button>');
    expect(prefetch.headers.get('content-security-policy')).toContain("default-src 'none'");

    const spent = await consoleClient.spend(link);
    expect(spent.status).toBe(303);
    expect(spent.headers.get('location')).toBe('/console/releases');
    const cookie = spent.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^pressroom_console=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    // Served over http locally: no Secure flag, or the browser would drop the cookie.
    expect(cookie).not.toContain('Secure');

    const home = await consoleClient.get('/console', cookie.split(';')[0]);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<h1>Releases</h1>');
  });

  it('refuses a reused link and an expired one with the same 400 page, revealing nothing', async () => {
    const cookie = await consoleClient.signIn('editor@example.org');
    expect(cookie).toMatch(/^pressroom_console=/);
    const reused = await consoleClient.spend((await consoleClient.lastLink('editor@example.org'))!);
    expect(reused.status).toBe(400);
    const reusedPage = await reused.text();
    expect(reused.headers.get('set-cookie')).toBeNull();

    await consoleClient.requestLink('editor@example.org');
    const link = (await consoleClient.lastLink('editor@example.org'))!;
    clock.advance(SIGN_IN_LINK_VALID_MS);
    const expired = await consoleClient.spend(link);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toBe(reusedPage);
    expect(reusedPage).toContain('This sign-in link cannot be used');
    const forged = await consoleClient.spend('/console/sign-in/not-a-real-token');
    expect(forged.status).toBe(400);
    expect(await forged.text()).toBe(reusedPage);
  });

  it('refuses cross-origin posts: a sign-in request, a link spent from elsewhere (which stays unspent)', async () => {
    const foreign = await consoleClient.requestLink('admin@example.org', 'https://evil.example');
    expect(foreign.status).toBe(403);
    const noOrigin = await consoleClient.requestLink('admin@example.org', null);
    expect(noOrigin.status).toBe(403);

    await consoleClient.requestLink('admin@example.org');
    const link = (await consoleClient.lastLink('admin@example.org'))!;
    expect((await consoleClient.spend(link, 'https://evil.example')).status).toBe(403);
    expect((await consoleClient.spend(link)).status).toBe(303);
  });

  it('signs out only with the CSRF token from our origin; afterwards the cookie is worth nothing', async () => {
    const cookie = await consoleClient.signIn('admin@example.org');
    const page = await (await consoleClient.get('/console/releases', cookie)).text();
    const csrf = csrfTokenIn(page)!;
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect((await consoleClient.post('/console/sign-out', { cookie })).status).toBe(403);
    expect((await consoleClient.post('/console/sign-out', { cookie, form: { csrf: 'forged' } })).status).toBe(403);
    expect((await consoleClient.post('/console/sign-out', { cookie, form: { csrf }, origin: 'https://evil.example' })).status).toBe(403);
    // Still signed in after the refusals.
    expect((await consoleClient.get('/console/releases', cookie)).status).toBe(200);

    const out = await consoleClient.post('/console/sign-out', { cookie, form: { csrf } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    const after = await consoleClient.get('/console/releases', cookie);
    expect(after.status).toBe(401);
    expect(await after.text()).toContain('Please sign in');
  });

  it('lets an admin see the staff page and refuses it to an editor with 403', async () => {
    const admin = await consoleClient.signIn('admin@example.org');
    const staffPage = await consoleClient.get('/console/staff', admin);
    expect(staffPage.status).toBe(200);
    const html = await staffPage.text();
    expect(html).toContain('editor@example.org');
    expect(html).not.toContain('stranger@example.org');

    const editor = await consoleClient.signIn('editor@example.org');
    const refused = await consoleClient.get('/console/staff', editor);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('This needs the admin role.');
    expect((await consoleClient.get('/console/releases', editor)).status).toBe(200);
  });

  it('lists releases newest first in the console and at GET /admin/releases, with filters and pages', async () => {
    for (const [id, day, lists] of [['console-one', 1, ['blog']], ['console-two', 2, ['press-releases']], ['console-three', 3, ['blog']]] as const) {
      expect((await pressroom.client.publish(releaseBody({ id, publishedAt: `2026-11-0${day}T09:00:00.000Z`, lists: [...lists] }), signedNow())).status).toBe(202);
    }
    await pressroom.settle();
    const admin = { authorization: `Bearer ${pressroom.secrets.adminToken}` };
    type Listed = { releases: { id: string; progress: unknown }[]; next?: string };
    const list = async (query = '') => (await (await fetch(`${pressroom.url}/admin/releases${query}`, { headers: admin })).json()) as Listed;
    const all = await list();
    expect(all.releases.map((r) => r.id)).toEqual(['console-three', 'console-two', 'console-one']);
    expect(all.releases[0].progress).toMatchObject({ releaseId: 'console-three', status: expect.any(String), targeted: expect.any(Number) });

    const first = await list('?limit=1&list=blog');
    expect(first.releases.map((r) => r.id)).toEqual(['console-three']);
    const second = await list(`?limit=1&list=blog&cursor=${first.next}`);
    expect(second.releases.map((r) => r.id)).toEqual(['console-one']);
    expect(second.next).toBeUndefined();
    expect((await fetch(`${pressroom.url}/admin/releases?status=bogus`, { headers: admin })).status).toBe(400);
    expect((await fetch(`${pressroom.url}/admin/releases`)).status).toBe(401);

    const cookie = await consoleClient.signIn('editor@example.org');
    const page = await (await consoleClient.get('/console/releases?list=press-releases', cookie)).text();
    expect(page).toContain('<option value="press-releases" selected="">');
    expect(page.match(/<tr>/g)).toHaveLength(2); // the header row and console-two
    // Its rates and each channel's post (the local channel's, not yet posted).
    expect(page).toContain('<td data-label="Bounces / complaints">0 % / 0 %</td>');
    expect(page).toMatch(/<td data-label="Social">local <span class="status status-scheduled">scheduled<\/span><\/td>/);
    expect(((await list()).releases[0] as { social?: unknown }).social).toEqual([{ channel: 'local', status: 'scheduled' }]);
    const firstPage = await (await consoleClient.get('/console/releases?list=blog&limit=1', cookie)).text();
    // Every one is titled 'Spring update': tell them apart by publication date.
    expect(firstPage).toContain('2026-11-03 09:00 UTC');
    const older = /href="(\/console\/releases\?[^"]+)" rel="next">Older releases/.exec(firstPage)![1].replaceAll('&amp;', '&');
    expect(older).toMatch(/^\/console\/releases\?list=blog&limit=1&cursor=/);
    const secondPage = await (await consoleClient.get(older, cookie)).text();
    expect(secondPage).toContain('2026-11-01 09:00 UTC');
    expect(secondPage).not.toContain('2026-11-03 09:00 UTC');
    expect(secondPage).not.toContain('Older releases');
  });

  it('escapes what it shows: a release title with markup appears as text', async () => {
    expect((await pressroom.client.publish(releaseBody({ id: 'console-markup', title: '<img src=x onerror=alert(1)> & co', publishedAt: '2026-11-10T09:00:00.000Z' }), signedNow())).status).toBe(202);
    const cookie = await consoleClient.signIn('admin@example.org');
    const page = await (await consoleClient.get('/console/releases', cookie)).text();
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; co');
    expect(page).not.toContain('<img src=x');
  });
});
