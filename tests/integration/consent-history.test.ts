import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { listUnsubscribeUrl } from '../helpers/mail';
import { releaseBody } from '../helpers/releases';

/**
 * The consent history and the right-of-access download, over HTTP through the local runner: each
 * change made the way a reader, an import, staff or the mail provider makes it, then read back as
 * staff read it. Each case uses addresses of its own.
 */
describe('consent history and right of access (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  type Event = { at: string; type: string; lists: string[]; source: string; detail?: Record<string, unknown> };

  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${pressroom.url}${path}`, { ...init, headers: { authorization: `Bearer ${pressroom.secrets.adminToken}`, ...init.headers } });
  const idOf = async (email: string) => (await pressroom.adapters.subscribers.findByEmail(email))!.id;
  const history = async (id: string) => {
    const response = await admin(`/admin/subscribers/${id}/history`);
    expect(response.status).toBe(200);
    return (await response.json()) as { subscriberId: string; events: Event[]; cursor?: string };
  };
  const brief = (events: Event[]) => events.map((e) => [e.type, e.source, e.lists]);

  beforeAll(async () => {
    pressroom = await startTestPressroom();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  /** Signs up through the form, follows the emailed link, and leaves blog by a release email's one-click link. */
  async function readerWhoLeftBlog(email: string) {
    const signUp = await fetch(`${pressroom.url}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, lists: ['blog', 'press-releases'] }),
    });
    expect(signUp.status).toBe(202);
    await pressroom.settle();
    const confirmation = (await pressroom.client.mail()).find((m) => m.to.includes(email) && m.subject?.startsWith('Confirm'))!;
    const link = /href="([^"]*\/confirm\/[^"]+)"/.exec(String(confirmation.html))![1];
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    expect((await pressroom.client.publish(releaseBody({ id: `for-${email.split('@')[0]}`, lists: ['blog'] }))).status).toBe(202);
    await pressroom.settle();
    const release = (await pressroom.client.mail()).find((m) => m.to.includes(email) && !m.subject?.startsWith('Confirm'))!;
    expect((await fetch(listUnsubscribeUrl(release)!, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    return idOf(email);
  }

  it('a reader who signs up, confirms and leaves one list has those three events, newest first, each from the reader', async () => {
    const id = await readerWhoLeftBlog('history-reader@example.org');
    const { subscriberId, events, cursor } = await history(id);
    expect(subscriberId).toBe(id);
    expect(cursor).toBeUndefined();
    expect(brief(events)).toEqual([
      ['unsubscribed', 'reader', ['blog']],
      ['confirmed', 'reader', ['blog', 'press-releases']],
      ['signed-up', 'reader', ['blog', 'press-releases']],
    ]);
    expect(events[0].detail).toEqual({ via: 'unsubscribe-link' });
    const times = events.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('an import and a staff change are recorded as from an import and from staff', async () => {
    const email = 'history-imported@example.org';
    const imported = await admin('/admin/imports?consent=true', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: `email,lists\n${email},blog\n`,
    });
    expect(imported.status).toBe(200);
    const job = (await imported.json()) as { id: string };
    const id = await idOf(email);
    const patched = await admin(`/admin/subscribers/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lists: { add: ['press-releases'], remove: ['blog'] } }),
    });
    expect(patched.status).toBe(200);
    const { events } = await history(id);
    expect(brief(events).sort()).toEqual([
      ['added', 'staff', ['press-releases']],
      ['imported', 'import', ['blog']],
      ['unsubscribed', 'staff', ['blog']],
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'imported', detail: { importJobId: job.id, consent: true } });
  });

  it('a permanent bounce is recorded as the system suppressing the address, with its reason', async () => {
    const email = 'bounce@simulator.amazonses.com';
    expect((await pressroom.client.addSubscribers({ email, lists: ['press-releases'] })).status).toBe(200);
    expect((await pressroom.client.publish(releaseBody({ id: 'bounce-history', lists: ['press-releases'] }))).status).toBe(202);
    await pressroom.settle();
    const { events } = await history(await idOf(email));
    expect(brief(events)).toEqual([
      ['suppressed', 'system', ['press-releases']],
      ['added', 'api', ['press-releases']],
    ]);
    expect(events[0].detail).toEqual({ reason: 'permanent-bounce' });
  });

  it('the right-of-access download holds the profile, the memberships and the whole history, as a file', async () => {
    const email = 'history-access@example.org';
    const id = await readerWhoLeftBlog(email);
    const response = await admin(`/admin/subscribers/${id}/data`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="subscriber-${id}.json"`);
    const data = (await response.json()) as Record<string, unknown> & { consentHistory: Event[]; notIncluded: { what: string }[] };
    expect(data.profile).toMatchObject({ id, email });
    expect(data.memberships).toEqual([
      { listId: 'blog', listName: expect.any(String), status: 'unsubscribed', changedAt: expect.any(String) },
      { listId: 'press-releases', listName: expect.any(String), status: 'confirmed', changedAt: expect.any(String) },
    ]);
    expect(data.suppression).toBeNull();
    expect(data.consentHistory).toEqual((await history(id)).events);
    expect(data.consentHistory).toHaveLength(3);
    expect(data.notIncluded.length).toBeGreaterThan(0);
  });

  it('erasure leaves no history, and staff get a 404 for it; a cursor from elsewhere is a 400', async () => {
    const id = await readerWhoLeftBlog('history-erased@example.org');
    expect((await history(id)).events).toHaveLength(3);
    expect((await admin(`/admin/subscribers/${id}/history?cursor=not-a-cursor`)).status).toBe(400);
    expect((await admin(`/admin/subscribers/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await pressroom.adapters.subscribers.pageConsentHistory(id, undefined, 100)).events).toEqual([]);
    expect((await admin(`/admin/subscribers/${id}/history`)).status).toBe(404);
    expect((await admin(`/admin/subscribers/${id}/data`)).status).toBe(404);
    expect((await fetch(`${pressroom.url}/admin/subscribers/${id}/history`)).status).toBe(401);
  });
});
