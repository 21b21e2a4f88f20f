import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken, TokenPurpose } from '../../functions/domain/security/link-tokens';
import { countMembers } from '../../functions/domain/lists/recount-members';
import { SuppressionReason } from '../../functions/domain/subscriber/subscriber';
import { MEMBER_COUNTERS, type MemberCounter } from '../../functions/domain/subscriber/member-counts';
import { startTestPressroom } from '../helpers/local-pressroom';
import { preferencesForm } from '../helpers/preference-links';

/**
 * The member counts staff see are kept as memberships change (issue 14): after many changes of
 * every kind, through the HTTP API and straight through the stores, some of them at once, the
 * maintained counts of every list must equal a count that pages every membership; and a recount
 * repairs a counter corrupted on purpose.
 */
describe('maintained list counts (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  // The purge of unconfirmed sign-ups runs once links have expired: the handlers read this clock.
  // A step moves it on at every reading, as a long call would see it.
  const clock = { aheadMs: 0, stepMs: 0, now: () => new Date(Date.now() + (clock.aheadMs += clock.stepMs)) };

  async function call(method: string, path: string, body?: unknown, type = 'application/json') {
    const response = await fetch(`${pressroom.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${pressroom.secrets.adminToken}`, ...(body === undefined ? {} : { 'content-type': type }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : body instanceof URLSearchParams ? body.toString() : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  }
  const signUp = (email: string, lists: string[]) => call('POST', '/subscribe', { email, lists });
  const link = (claims: Parameters<typeof signToken>[0]) => signToken(claims, pressroom.adapters.keyring);
  const idOf = async (email: string) => (await pressroom.adapters.subscribers.findByEmail(email))!.id;
  const at = (name: string) => `${name}@counts.example.org`;

  /** Every list as GET /admin/lists answers it, beside a paged count of its memberships. */
  async function maintainedAndPaged() {
    const { body } = await call('GET', '/admin/lists');
    const lists = body.lists as { id: string; counts: Record<string, number> }[];
    return Promise.all(lists.map(async (l) => ({ id: l.id, maintained: l.counts, paged: await countMembers(l.id, pressroom.adapters.subscribers) })));
  }

  beforeAll(async () => {
    pressroom = await startTestPressroom({ clock, env: { PRESSROOM_LISTS: 'blog=Blog,press-releases=Press Releases,events=Events' } });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('after sign-ups, confirmations, imports, preference changes, unsubscribes, suppressions, erasures and a purge, each list counts what paging counts', async () => {
    const { subscribers } = pressroom.adapters;
    expect((await call('POST', '/admin/lists', { id: 'digest', name: 'Digest', public: true })).status).toBe(201);

    // Sign-ups through the public form, several at once; the sign-up queue records them pending.
    const signups = Array.from({ length: 14 }, (_, i) => ({ email: at(`s${i}`), lists: i % 3 === 0 ? ['blog', 'events'] : i % 3 === 1 ? ['blog'] : ['press-releases', 'digest'] }));
    expect((await Promise.all(signups.map((s) => signUp(s.email, s.lists)))).map((r) => r.status)).toEqual(signups.map(() => 202));
    await pressroom.settle();

    // Half of them follow their confirmation link, at once.
    const confirmed = await Promise.all(
      signups.filter((_, i) => i % 2 === 0).map(async (s) => call('POST', `/confirm/${link({ purpose: TokenPurpose.Confirm, subscriberId: await idOf(s.email), lists: s.lists })}`)),
    );
    expect(confirmed.map((r) => r.status)).toEqual(confirmed.map(() => 200));

    // Staff add some, import with and without consent (the latter pending and emailed), and sign
    // someone up again who is already confirmed.
    expect((await pressroom.client.addSubscribers(['a1', 'a2', 'a3'].map((n) => ({ email: at(n), lists: ['blog', 'events'] })))).status).toBe(200);
    const imported = await call('POST', '/admin/imports?consent=true', ['email,lists', `${at('i1')},blog;press-releases`, `${at('i2')},events`, `${at('s0')},digest`, `${at('a1')},press-releases`].join('\n'), 'text/csv');
    expect(imported.status).toBe(200);
    expect((await call('POST', '/admin/imports?consent=false', `email,lists\n${at('i3')},blog\n${at('i4')},digest;events\n`, 'text/csv')).status).toBe(200);
    await signUp(at('s0'), ['blog', 'press-releases']);
    await pressroom.settle();

    // Leaving: one list by its unsubscribe link, every list from the unsubscribe page, a preference
    // centre save that keeps one list, and staff moving someone between lists.
    const unsubscribed = await Promise.all([
      call('POST', `/unsubscribe/${link({ purpose: TokenPurpose.Unsubscribe, subscriberId: await idOf(at('s2')), listId: 'digest' })}`, 'List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded'),
      call('POST', `/unsubscribe/${link({ purpose: TokenPurpose.Unsubscribe, subscriberId: await idOf(at('a2')), listId: 'blog' })}`, 'scope=all', 'application/x-www-form-urlencoded'),
      call('POST', `/preferences/${link({ purpose: TokenPurpose.Preferences, subscriberId: await idOf(at('s6')) })}`, preferencesForm('save', ['events']), 'application/x-www-form-urlencoded'),
      call('PATCH', `/admin/subscribers/${await idOf(at('a3'))}`, { lists: { add: ['digest'], remove: ['events'] } }),
    ]);
    expect(unsubscribed.map((r) => r.status)).toEqual([200, 200, 200, 200]);

    // Suppressions (a complaint, a bounce on a pending sign-up), one lifted again; erasures.
    await subscribers.suppress(await idOf(at('s4')), SuppressionReason.Complaint, new Date());
    await subscribers.suppress(await idOf(at('s1')), SuppressionReason.PermanentBounce, new Date());
    await subscribers.suppress(await idOf(at('i1')), SuppressionReason.Staff, new Date());
    await subscribers.unsuppress(await idOf(at('i1')), new Date());
    expect((await call('DELETE', `/admin/subscribers/${await idOf(at('s8'))}`)).status).toBe(200);
    await subscribers.erase(await idOf(at('a1')));

    // Past every confirmation link's expiry, the hourly purge removes the sign-ups never confirmed.
    const before = await maintainedAndPaged();
    for (const list of before) expect(list.maintained, list.id).toEqual(list.paged);
    clock.aheadMs = 8 * 24 * 3600_000;
    await pressroom.scheduler.runNow('purge-pending');
    await signUp(at('late'), ['blog']);
    await pressroom.settle();

    const after = await maintainedAndPaged();
    for (const list of after) expect(list.maintained, list.id).toEqual(list.paged);
    // The changes reached every kind of count, and the purge removed some pending members.
    expect(after.map((l) => l.id)).toEqual(['blog', 'digest', 'events', 'press-releases']);
    const total = (k: MemberCounter, lists: typeof after) => lists.reduce((sum, l) => sum + l.paged[k], 0);
    for (const k of MEMBER_COUNTERS) expect(total(k, after), k).toBeGreaterThan(0);
    expect(total('pending', after)).toBeLessThan(total('pending', before));
  });

  it('a recount repairs a corrupted counter: what it corrects is what was corrupted', async () => {
    const { subscribers } = pressroom.adapters;
    const right = (await call('GET', '/admin/lists/blog')).body.counts;
    expect(right).toEqual(await countMembers('blog', subscribers));
    // What a crash between a membership write and its counter write leaves, several times over.
    await subscribers.adjustMemberCounts('blog', { confirmed: 7, suppressed: -2 });
    expect((await call('GET', '/admin/lists/blog')).body.counts).toEqual({ ...right, confirmed: right.confirmed + 7, suppressed: right.suppressed - 2 });

    const recount = await call('POST', '/admin/lists/blog/recount');
    expect(recount).toMatchObject({ status: 200, body: { id: 'blog', name: 'Blog', counts: right, recount: { corrected: { confirmed: -7, suppressed: 2 } } } });
    expect((await call('GET', '/admin/lists/blog')).body.counts).toEqual(right);
    expect((await call('POST', '/admin/lists/blog/recount')).body.recount).toEqual({ corrected: {} });

    expect((await call('POST', '/admin/lists/nope/recount')).status).toBe(404);
    expect((await call('POST', '/admin/lists/blog/recount', { continue: 'forged' })).status).toBe(400);
    expect((await fetch(`${pressroom.url}/admin/lists/blog/recount`, { method: 'POST' })).status).toBe(401);
  });

  it('recounts a list too large for one call over several, each call handing the next where to resume', async () => {
    const { subscribers } = pressroom.adapters;
    expect((await call('POST', '/admin/lists', { id: 'big', name: 'Big' })).status).toBe(201);
    for (let i = 0; i < 520; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, j) => subscribers.addConfirmed(at(`big${i + j}`), ['big'], new Date())));
    }
    await subscribers.adjustMemberCounts('big', { confirmed: -20, pending: 3 });
    // Every reading of the clock is 30 s on: each call's time is up after its first page (500 members).
    clock.stepMs = 30_000;
    try {
      const first = await call('POST', '/admin/lists/big/recount');
      expect(first).toMatchObject({ status: 202, body: { id: 'big', recount: { paged: 500 } } });
      // Nothing is corrected until the last page is counted.
      expect((await subscribers.memberCounts(['big'])).get('big')).toMatchObject({ confirmed: 500, pending: 3 });
      const last = await call('POST', '/admin/lists/big/recount', { continue: first.body.recount.continue });
      expect(last).toMatchObject({ status: 200, body: { id: 'big', counts: { confirmed: 520, pending: 0 }, recount: { corrected: { confirmed: 20, pending: -3 } } } });
    } finally {
      clock.stepMs = 0;
    }
    expect((await call('GET', '/admin/lists/big')).body.counts).toEqual(await countMembers('big', subscribers));
  });
});
