import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCall } from '../../functions/local/aws-call-recorder';
import { startTestPressroom } from '../helpers/local-pressroom';
import { listUnsubscribeUrl } from '../helpers/mail';
import { releaseBody } from '../helpers/releases';

/**
 * Consent belongs to the person: what someone else can do (post the sign-up form, replay an old
 * link, import a file) must never undo an opt-out or a suppression. Over the local stand-ins and
 * HTTP, each test with addresses of its own.
 */
describe('consent that strangers cannot undo (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  // The handlers read time from this clock: the purge test moves it past the links' expiry.
  const clock = { aheadMs: 0, now: () => new Date(Date.now() + clock.aheadMs) };

  /** Posts the form's JSON, then waits for the sign-up queue to act on it. */
  const signUp = async (email: string, lists: string[]) => {
    const response = await fetch(`${pressroom.url}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, lists }),
    });
    await pressroom.settle();
    return response;
  };
  const confirmLinks = async (email: string) =>
    (await pressroom.client.mail())
      .filter((m) => m.to.includes(email) && m.subject?.startsWith('Confirm'))
      .map((m) => /href="([^"]*\/confirm\/[^"]+)"/.exec(String(m.html))![1]);
  const standing = async (email: string) => {
    const subscriber = await pressroom.adapters.subscribers.findByEmail(email);
    return subscriber && { lists: Object.fromEntries(subscriber.memberships.map((m) => [m.listId, m.status])), suppressed: !!subscriber.suppressedAt };
  };
  type ImportReport = { summary: Record<string, number>; rows: { email: string; outcome: string; reason?: string }[] };
  const importCsv = async (csv: string, consent: boolean) =>
    (await fetch(`${pressroom.url}/admin/imports?consent=${consent}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pressroom.secrets.adminToken}`, 'content-type': 'text/csv' },
      body: csv,
    }).then((r) => r.json())) as ImportReport;
  /** Signs up, follows the link, and leaves `leave` through an email's one-click unsubscribe. */
  async function subscribedThenLeft(email: string, leave: string) {
    expect((await signUp(email, ['blog', 'press-releases'])).status).toBe(202);
    const [link] = await confirmLinks(email);
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    expect((await pressroom.client.publish(releaseBody({ id: `to-${email.split('@')[0]}`, lists: [leave] }))).status).toBe(202);
    await pressroom.settle();
    const mail = (await pressroom.client.mail()).find((m) => m.to.includes(email) && !m.subject?.startsWith('Confirm'))!;
    const oneClick = await fetch(listUnsubscribeUrl(mail)!, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    expect((await standing(email))!.lists[leave]).toBe('unsubscribed');
    return link;
  }

  beforeAll(async () => {
    pressroom = await startTestPressroom({ clock, env: { PRESSROOM_LISTS: 'blog=Blog,press-releases=Press Releases,partners-export=Partners' } });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('an anonymous sign-up leaves an opt-out as it is: a consent import still says "left earlier", and the purge keeps the record', async () => {
    const email = 'left-once@example.org';
    await subscribedThenLeft(email, 'blog');

    // Anyone may post the form for any address.
    expect((await signUp(email, ['blog'])).status).toBe(202);
    expect((await standing(email))!.lists).toEqual({ blog: 'unsubscribed', 'press-releases': 'confirmed' });

    const report = await importCsv(`email,lists\n${email},blog\n`, true);
    expect(report.summary).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
    expect(report.rows[0].reason).toMatch(/left "blog" earlier/);

    // Past every link's expiry, the hourly purge runs: the opt-out is not pending, so it stays.
    clock.aheadMs = 8 * 24 * 3600 * 1000;
    try {
      await pressroom.scheduler.runNow('purge-pending');
    } finally {
      clock.aheadMs = 0;
    }
    expect((await standing(email))!.lists).toEqual({ blog: 'unsubscribed', 'press-releases': 'confirmed' });
    expect((await importCsv(`email,lists\n${email},blog\n`, true)).summary).toMatchObject({ added: 0, unchanged: 1 });
  });

  it('the person coming back is the one way round an opt-out: a fresh sign-up sends a link, and following it re-joins', async () => {
    const email = 'came-back@example.org';
    await subscribedThenLeft(email, 'blog');
    // Later than the per-address interval between confirmation emails (10 minutes).
    clock.aheadMs = 11 * 60 * 1000;
    try {
      expect((await signUp(email, ['blog'])).status).toBe(202);
      const links = await confirmLinks(email);
      expect(links).toHaveLength(2);
      expect((await fetch(links[1], { method: 'POST' })).status).toBe(200);
    } finally {
      clock.aheadMs = 0;
    }
    expect((await standing(email))!.lists).toEqual({ blog: 'confirmed', 'press-releases': 'confirmed' });
  });

  it('a confirmation link replayed after an unsubscribe is spent: the page says the link is not valid and nothing changes', async () => {
    const email = 'replayed@example.org';
    const link = await subscribedThenLeft(email, 'blog');
    // The link named both lists; press-releases is still confirmed, blog was left since.
    const replay = await fetch(link, { method: 'POST' });
    expect(replay.status).toBe(200);
    expect(await replay.text()).not.toContain('Blog');
    expect((await standing(email))!.lists).toEqual({ blog: 'unsubscribed', 'press-releases': 'confirmed' });

    // Leaving the other list too spends the whole link.
    const mail = (await pressroom.client.mail()).find((m) => m.to.includes(email) && !m.subject?.startsWith('Confirm'))!;
    const all = await fetch(listUnsubscribeUrl(mail)!, { method: 'POST', body: new URLSearchParams({ scope: 'all' }) });
    expect(all.status).toBe(200);
    const spent = await fetch(link, { method: 'POST' });
    expect(spent.status).toBe(400);
    expect((await fetch(link)).status).toBe(400);
    expect((await standing(email))!.lists).toEqual({ blog: 'unsubscribed', 'press-releases': 'unsubscribed' });
  });

  it('a confirmation link replayed after a complaint does not lift the suppression', async () => {
    const email = 'complained@example.org';
    expect((await signUp(email, ['blog'])).status).toBe(202);
    const [link] = await confirmLinks(email);
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    const subscriber = (await pressroom.adapters.subscribers.findByEmail(email))!;
    await pressroom.adapters.subscribers.suppress(subscriber.id, 'complaint', new Date(Date.now() + 1000));

    expect((await fetch(link, { method: 'POST' })).status).toBe(400);
    expect(await standing(email)).toEqual({ lists: { blog: 'confirmed' }, suppressed: true });
  });

  it('a sign-up for a suppressed address sends a fresh link, and that link (the person opting in again) lifts the suppression', async () => {
    const email = 'bounced-back@example.org';
    expect((await signUp(email, ['blog'])).status).toBe(202);
    const [first] = await confirmLinks(email);
    expect((await fetch(first, { method: 'POST' })).status).toBe(200);
    const subscriber = (await pressroom.adapters.subscribers.findByEmail(email))!;
    await pressroom.adapters.subscribers.suppress(subscriber.id, 'permanent-bounce', new Date());

    // The per-address interval (10 minutes) has long passed for the person in this scenario.
    clock.aheadMs = 11 * 60 * 1000;
    try {
      expect((await signUp(email, ['blog'])).status).toBe(202);
      expect(await standing(email)).toEqual({ lists: { blog: 'confirmed' }, suppressed: true });
      const links = await confirmLinks(email);
      expect(links).toHaveLength(2);
      expect((await fetch(links[1], { method: 'POST' })).status).toBe(200);
    } finally {
      clock.aheadMs = 0;
    }
    expect(await standing(email)).toEqual({ lists: { blog: 'confirmed' }, suppressed: false });
  });

  it('an export imported with consent elsewhere brings over only its confirmed members: pending, left and suppressed rows say what they are', async () => {
    const at = new Date();
    const { subscribers } = pressroom.adapters;
    await subscribers.addConfirmed('x-confirmed@example.org', ['partners-export'], at);
    await subscribers.addPending('x-pending@example.org', ['partners-export'], undefined, at);
    const { subscriber: left } = await subscribers.addConfirmed('x-left@example.org', ['partners-export'], at);
    await subscribers.unsubscribe(left.id, 'partners-export', at);
    const { subscriber: bounced } = await subscribers.addConfirmed('x-bounced@example.org', ['partners-export'], at);
    await subscribers.suppress(bounced.id, 'permanent-bounce', at);
    const exported = await (
      await fetch(`${pressroom.url}/admin/lists/partners-export/export.csv`, { headers: { authorization: `Bearer ${pressroom.secrets.adminToken}` } })
    ).text();
    expect(exported.split('\n')[0]).toBe('email,lists,status,suppressed,language,joined_at,changed_at');

    // A second installation (moving to a new account, say) with the same list.
    const elsewhere = await startTestPressroom({ env: { PRESSROOM_LISTS: 'partners-export=Partners' } });
    try {
      const response = await fetch(`${elsewhere.url}/admin/imports?consent=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${elsewhere.secrets.adminToken}`, 'content-type': 'text/csv' },
        body: exported,
      });
      const report = (await response.json()) as ImportReport;
      expect(report.summary).toMatchObject({ added: 1, skippedNotConfirmed: 2, skippedSuppressed: 1 });
      const outcome = Object.fromEntries(report.rows.map((r) => [r.email, r.outcome]));
      expect(outcome).toEqual({
        'x-confirmed@example.org': 'added',
        'x-pending@example.org': 'skipped-not-confirmed',
        'x-left@example.org': 'skipped-not-confirmed',
        'x-bounced@example.org': 'skipped-suppressed',
      });
      const members = (await elsewhere.adapters.subscribers.pageMembers('partners-export', undefined, 10)).members;
      expect(members.map((m) => m.status)).toEqual(['confirmed']);
    } finally {
      await elsewhere.stop();
      elsewhere.cleanup();
    }
  });

  it('POST /subscribe does the same work for a new, pending, confirmed, left and suppressed address: the same AWS calls, then the same answer', async () => {
    const calls: AwsCall[] = [];
    const counted = await startTestPressroom({ onAwsCall: (call) => calls.push(call) });
    try {
      const at = new Date();
      const { subscribers } = counted.adapters;
      await subscribers.addPending('w-pending@example.org', ['blog'], undefined, at);
      await subscribers.addConfirmed('w-confirmed@example.org', ['blog'], at);
      const { subscriber: left } = await subscribers.addConfirmed('w-left@example.org', ['blog'], at);
      await subscribers.unsubscribe(left.id, 'blog', at);
      const { subscriber: suppressed } = await subscribers.addConfirmed('w-suppressed@example.org', ['blog'], at);
      await subscribers.suppress(suppressed.id, 'complaint', at);

      const work: Record<string, string[]> = {};
      const answers = new Set<string>();
      for (const email of ['w-new@example.org', 'w-pending@example.org', 'w-confirmed@example.org', 'w-left@example.org', 'w-suppressed@example.org']) {
        calls.length = 0;
        const response = await fetch(`${counted.url}/subscribe`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, lists: ['blog'] }),
        });
        answers.add(`${response.status} ${await response.text()}`);
        work[email] = calls.filter((c) => c.fn === 'subscribe').map((c) => `${c.action} ${c.resource}`).sort();
      }
      expect(answers.size).toBe(1);
      const [first, ...rest] = Object.values(work);
      expect(first).toContain(`sqs:SendMessage ${first.find((c) => c.includes(':signups'))?.split(' ')[1]}`);
      expect(first.some((c) => c.startsWith('dynamodb:'))).toBe(true);
      for (const other of rest) expect(other).toEqual(first);
      // The work that differs happens afterwards, on the queue: the new address gets its email there.
      await counted.settle();
      expect((await counted.client.mail()).map((m) => m.to).flat().sort()).toEqual(['w-left@example.org', 'w-new@example.org', 'w-pending@example.org', 'w-suppressed@example.org']);
    } finally {
      await counted.stop();
      counted.cleanup();
    }
  });

  it('refuses a sign-up a browser posts from another site, unless that site is configured; servers (no Origin) are served', async () => {
    const embedded = await startTestPressroom({ env: { PRESSROOM_SIGNUP_ORIGINS: 'https://www.example.org' } });
    try {
      const post = (headers: Record<string, string> = {}) =>
        fetch(`${embedded.url}/subscribe`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body: new URLSearchParams({ email: 'o@example.org', lists: 'blog' }),
        });
      const refused = await post({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
      expect(refused.status).toBe(403);
      expect(await refused.text()).toMatch(/not accepted from pages on https:\/\/evil\.example.*PRESSROOM_SIGNUP_ORIGINS/);
      // A sandboxed frame or a no-referrer page on another site posts with Origin: null.
      expect((await post({ origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
      expect((await post({ origin: 'https://evil.example' })).status).toBe(403);
      expect((await post({ origin: 'https://www.example.org', 'sec-fetch-site': 'cross-site' })).status).toBe(200);
      // Pressroom's own form: it sends no referrer, so Origin is null, but the fetch is same-origin.
      expect((await post({ origin: 'null', 'sec-fetch-site': 'same-origin' })).status).toBe(200);
      expect((await post({ origin: new URL(embedded.url).origin })).status).toBe(200);
      // A server (curl, a CMS plugin) names no origin.
      expect((await post()).status).toBe(200);
      const json = await fetch(`${embedded.url}/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
        body: JSON.stringify({ email: 'o@example.org', lists: ['blog'] }),
      });
      expect(json.status).toBe(403);
      expect(await json.json()).toMatchObject({ error: 'Forbidden' });
    } finally {
      await embedded.stop();
      embedded.cleanup();
    }
  });
});
