import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient, csrfTokenIn } from '../helpers/console';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * One release's page in the staff console, through the local runner over HTTP (local SES at 5
 * messages/s, so a send of 20 can be caught mid-way): what it shows, its stats answer, and what
 * each role may do there (pause, resume, cancel after its confirmation, retry a failed post, test send).
 */
describe('the console release page over HTTP', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let client: ConsoleClient;
  const cookies: Record<'admin' | 'editor' | 'contributor', string> = { admin: '', editor: '', contributor: '' };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 25_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  };
  const subscribe = async (list: string, n: number) => {
    const rows = Array.from({ length: n }, (_, i) => ({ email: `${list}${String(i).padStart(2, '0')}@example.com`, lists: [list] }));
    expect(await pressroom.client.addSubscribers(rows)).toMatchObject({ status: 200 });
  };
  const page = async (path: string, who: keyof typeof cookies = 'editor') => {
    const answer = await client.get(path, cookies[who]);
    return { status: answer.status, headers: answer.headers, html: await answer.text() };
  };
  /** A form post from the release page with its CSRF token (unless told otherwise). */
  const post = async (path: string, who: keyof typeof cookies, form: Record<string, string> = {}, origin?: string | null) => {
    const csrf = csrfTokenIn((await page('/console/releases', who)).html)!;
    return client.post(path, { cookie: cookies[who], form: { csrf, ...form }, origin });
  };
  type Figures = { status: string; final: boolean; pollMs: number; counts: Record<string, number>; text: Record<string, string> };
  const figures = async (id: string) => (await (await client.get(`/console/releases/${id}/stats`, cookies.contributor)).json()) as Figures;

  beforeAll(async () => {
    pressroom = await startTestPressroom({
      sesMaxSendRate: 5,
      env: {
        PRESSROOM_LISTS: 'small=Small,live=Live,social=Social',
        PRESSROOM_STAFF: 'admin@example.org=admin,editor@example.org=editor,writer@example.org=contributor',
        PRESSROOM_PAUSED_RECHECK_SECONDS: '1',
        // The figures and the recipients page show what SES reported, deliveries included.
        PRESSROOM_DELIVERY_EVENTS: 'true',
      },
    });
    client = new ConsoleClient(pressroom);
    cookies.admin = await client.signIn('admin@example.org');
    cookies.editor = await client.signIn('editor@example.org');
    cookies.contributor = await client.signIn('writer@example.org');
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('shows a sent release: its facts, every count, the bar with its text, warnings, posts and the engagement note', { timeout: 60_000 }, async () => {
    await subscribe('small', 3);
    const title = `A sent release whose subject runs on well past what a phone shows in its inbox list ${'x'.repeat(20)}`;
    expect((await pressroom.client.publish(releaseBody({ id: 'page-sent', title, lists: ['small'] }))).status).toBe(202);
    await pressroom.settle(30_000);

    const shown = await page('/console/releases/page-sent', 'contributor');
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-security-policy')).toContain("script-src 'self'; connect-src 'self'");
    expect(shown.html).toContain('<script src="/console/assets/release.js" defer=""></script>');
    expect(shown.html).toContain(`<h1>${title}</h1>`);
    expect(shown.html).toContain('<span id="send-status" class="status status-sent">sent</span>');
    expect(shown.html).toContain('<progress id="send-bar" max="3" value="3" aria-labelledby="progress-text"></progress>');
    expect(shown.html).toContain('<span id="progress-text">Sent 3 of 3 (100 %)</span>');
    for (const [name, value] of Object.entries({ targeted: 3, sent: 3, delivered: 3, failed: 0, skipped: 0, bounced: 0, complained: 0 })) {
      expect(shown.html).toContain(`<dd data-count="${name}">${value}</dd>`);
    }
    expect(shown.html).toContain('<dd id="bounce-rate">0 %</dd>');
    expect(shown.html).toContain('<a href="/releases/page-sent">/releases/page-sent</a>');
    expect(shown.html).toContain('<dt>Lists</dt><dd>small</dd>');
    expect(shown.html).toMatch(/<strong>Warning:<\/strong> The subject has \d+ characters/);
    // The local channel's post, waiting for the poster.
    expect(shown.html).toMatch(/<td data-label="Channel">local<\/td><td data-label="Status"><span class="status status-scheduled">scheduled<\/span>/);
    expect(shown.html).toContain('Open and click tracking is off (the default)');
    expect(shown.html).toContain('Apple Mail Privacy Protection');
    // Who got it is for editors and admins: a contributor sees no address.
    expect(shown.html).toContain('Editors and admins see who got this release.');
    expect(shown.html).not.toContain('small00@example.com');
    const editor = await page('/console/releases/page-sent', 'editor');
    expect(editor.html).toMatch(/<td data-label="Address" class="wrap">small00@example\.com<\/td><td data-label="List">small<\/td><td data-label="Email">Sent, delivered<\/td>/);
    const looked = await page(`/console/releases/page-sent?email=${encodeURIComponent('small01@example.com')}`, 'editor');
    expect(looked.html).toContain('<caption>Looked up: small01@example.com</caption>');
    expect(looked.html).not.toContain('small00@example.com');
    // A contributor sees no send control, but may send a test.
    expect(shown.html).not.toContain('Pause the send');
    expect(shown.html).toContain('Editors and admins can pause, resume and cancel a send.');
    expect(shown.html).toContain('<button type="submit">Send a test</button>');
    // The script does not poll an ended send.
    expect(shown.html).toContain('data-poll-ms="0"');

    // The releases list links to it.
    expect((await page('/console/releases', 'contributor')).html).toContain('<a href="/console/releases/page-sent">');
    expect((await page('/console/releases/no-such-release')).status).toBe(404);
  });

  it('answers the figures as JSON for the script, only to a signed-in member, and serves the script itself', async () => {
    const answer = await client.get('/console/releases/page-sent/stats', cookies.contributor);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await answer.json()).toMatchObject({
      status: 'sent',
      final: true,
      pollMs: 0,
      counts: { targeted: 3, sent: 3, delivered: 3, failed: 0, skipped: 0, bounced: 0, complained: 0 },
      bar: { value: 3, max: 3 },
      text: { progress: 'Sent 3 of 3 (100 %)', bounceRate: '0 %', complaintRate: '0 %', paused: '', error: '' },
    });
    const stranger = await client.get('/console/releases/page-sent/stats');
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get('content-type')).toMatch(/^text\/html/);

    const script = await client.get('/console/assets/release.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain("fetch(url, { headers: { accept: 'application/json' }");
  });

  it('lets an editor pause and resume a send with the CSRF token from our origin; refuses a contributor, a forged token and another origin', { timeout: 60_000 }, async () => {
    await subscribe('live', 20);
    expect((await pressroom.client.publish(releaseBody({ id: 'page-live', title: 'Live send', lists: ['live'] }))).status).toBe(202);

    expect((await post('/console/releases/page-live/pause', 'contributor')).status).toBe(403);
    expect((await client.post('/console/releases/page-live/pause', { cookie: cookies.editor, form: { csrf: 'forged' } })).status).toBe(403);
    expect((await post('/console/releases/page-live/pause', 'editor', {}, 'https://evil.example')).status).toBe(403);
    expect((await client.post('/console/releases/page-live/pause', { cookie: cookies.editor })).status).toBe(403);
    expect(['queued', 'sending']).toContain((await figures('page-live')).status);

    const paused = await post('/console/releases/page-live/pause', 'editor');
    expect(paused.status).toBe(303);
    expect(paused.headers.get('location')).toBe('/console/releases/page-live?done=paused');
    expect(await figures('page-live')).toMatchObject({ status: 'paused', final: false, pollMs: 5000, text: { paused: 'Paused by editor@example.org.' } });
    const shown = await page('/console/releases/page-live?done=paused');
    expect(shown.html).toContain('<p class="notice" role="status">The send is paused.</p>');
    // Only resume and cancel apply now; pause is in the page for the script, hidden.
    expect(shown.html).toMatch(/<form method="post" action="\/console\/releases\/page-live\/pause" data-when="queued sending" hidden="">/);
    expect(shown.html).toMatch(/<form method="post" action="\/console\/releases\/page-live\/resume" data-when="paused">/);
    // Pausing twice is refused with a page that says why.
    const again = await post('/console/releases/page-live/pause', 'editor');
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Cannot pause the send of release page-live: it is paused');

    expect((await post('/console/releases/page-live/resume', 'contributor')).status).toBe(403);
    const resumed = await post('/console/releases/page-live/resume', 'editor');
    expect(resumed.headers.get('location')).toBe('/console/releases/page-live?done=resumed');
    expect(['queued', 'sending', 'sent']).toContain((await figures('page-live')).status);
  });

  it('cancels only through its confirmation step, and only for an editor', { timeout: 60_000 }, async () => {
    // Paused first, so that the send cannot end before the cancel.
    expect((await post('/console/releases/page-live/pause', 'editor')).status).toBe(303);

    const unconfirmed = await post('/console/releases/page-live/cancel', 'editor');
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.get('location')).toBe('/console/releases/page-live/cancel');
    expect((await figures('page-live')).status).toBe('paused');

    expect((await page('/console/releases/page-live/cancel', 'contributor')).status).toBe(403);
    const confirmation = await page('/console/releases/page-live/cancel');
    expect(confirmation.status).toBe(200);
    expect(confirmation.html).toContain('<h1>Cancel this send?</h1>');
    expect(confirmation.html).toContain('<input type="hidden" name="confirm" value="cancel"/>');

    expect((await post('/console/releases/page-live/cancel', 'contributor', { confirm: 'cancel' })).status).toBe(403);
    expect((await post('/console/releases/page-live/cancel', 'editor', { confirm: 'cancel' }, 'https://evil.example')).status).toBe(403);
    expect((await figures('page-live')).status).toBe('paused');

    const cancelled = await post('/console/releases/page-live/cancel', 'editor', { confirm: 'cancel' });
    expect(cancelled.headers.get('location')).toBe('/console/releases/page-live?done=cancelled');
    expect(await figures('page-live')).toMatchObject({ status: 'cancelled', final: true, pollMs: 0 });
    expect((await post('/console/releases/page-live/resume', 'editor')).status).toBe(409);
  });

  it('retries a failed post for an editor, warning that it may have gone out; refuses a contributor and a post that has not failed', { timeout: 30_000 }, async () => {
    expect((await pressroom.client.publish(releaseBody({ id: 'page-social', title: 'Social release', lists: ['social'] }))).status).toBe(202);
    await pressroom.settle();
    const [post0] = await pressroom.adapters.socialPosts.listForRelease('page-social');
    await pressroom.adapters.socialPosts.markFailed(post0, 'HTTP 401: the access token was revoked', new Date());

    const shown = await page('/console/releases/page-social');
    expect(shown.html).toContain('Last error: HTTP 401: the access token was revoked');
    expect(shown.html).toContain('A post that failed may still have gone out');
    expect(shown.html).toContain('aria-label="Retry the local post"');
    expect((await page('/console/releases/page-social', 'contributor')).html).not.toContain('Retry the local post');

    expect((await post('/console/releases/page-social/social/local/retry', 'contributor')).status).toBe(403);
    expect((await client.post('/console/releases/page-social/social/local/retry', { cookie: cookies.editor })).status).toBe(403);
    const retried = await post('/console/releases/page-social/social/local/retry', 'editor');
    expect(retried.status).toBe(303);
    expect(retried.headers.get('location')).toBe('/console/releases/page-social?done=retried');
    expect((await pressroom.adapters.socialPosts.listForRelease('page-social'))[0]).toMatchObject({ status: 'scheduled', attempts: 0 });
    expect((await post('/console/releases/page-social/social/local/retry', 'editor')).status).toBe(409);
    expect((await post('/console/releases/page-social/social/mastodon/retry', 'editor')).status).toBe(404);

    // Posted on the next run; the local channel's `local://` address is shown, not linked.
    await pressroom.scheduler.runNow('post-social');
    const after = (await page('/console/releases/page-social')).html;
    expect(after).toMatch(/<td data-label="Outcome"><span>Posted \d{4}-\d\d-\d\d \d\d:\d\d UTC<\/span><\/td>/);
    expect(after).not.toContain('href="local:');
    expect(after).not.toContain('A post that failed may still have gone out');
  });

  it('sends a test to a staff address for a contributor, and refuses any other address', { timeout: 30_000 }, async () => {
    const mailTo = async (email: string) => (await pressroom.client.mail()).filter((m) => m.to.includes(email) && m.subject?.startsWith('[TEST]'));
    const sent = await post('/console/releases/page-social/test', 'contributor', { address: 'Editor@Example.org' });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/console/releases/page-social?done=test-sent');
    await until('the test email', async () => (await mailTo('editor@example.org')).length === 1);
    expect((await mailTo('editor@example.org'))[0].subject).toBe('[TEST] Social release');

    const refused = await post('/console/releases/page-social/test', 'contributor', { address: 'reader@example.com' });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('Test sends go to staff addresses only');
    expect(html).toContain('value="reader@example.com"');
    expect((await client.post('/console/releases/page-social/test', { cookie: cookies.contributor, form: { address: 'editor@example.org' } })).status).toBe(403);
    await sleep(500);
    expect(await mailTo('reader@example.com')).toHaveLength(0);
    expect(await mailTo('editor@example.org')).toHaveLength(1);
  });
});
