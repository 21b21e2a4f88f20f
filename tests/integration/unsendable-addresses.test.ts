import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * Issue 13 over the local stand-ins: an address SES cannot send to is refused where it comes in
 * (a 400 naming the field), an internationalised domain is kept in punycode, and an unsendable
 * address already stored (legacy data) ends its delivery failed instead of holding the send open.
 */
describe('addresses SES cannot send to (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${pressroom.url}${path}`, { ...init, headers: { authorization: `Bearer ${pressroom.secrets.adminToken}`, ...init.headers } });
  const signUp = async (body: unknown) => {
    const answer = await fetch(`${pressroom.url}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await pressroom.settle();
    return answer;
  };

  beforeAll(async () => {
    pressroom = await startTestPressroom();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it.each([
    ['a zero-width space', 'ada\u200b@example.org'],
    ['a non-ASCII local part', 'jos\u00e9@example.org'],
  ])('POST /subscribe with %s answers 400 naming email, and stores and sends nothing', async (_what, email) => {
    const answer = await signUp({ email, lists: ['blog'] });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ issues: [{ field: 'email', message: expect.stringContaining('not a valid email address') }] });
    expect(await pressroom.adapters.subscribers.findByEmail(email)).toBeUndefined();
    expect((await pressroom.client.mail()).filter((m) => m.to.includes(email))).toEqual([]);
  });

  it('POST /subscribe with an internationalised domain stores and mails the punycode form', async () => {
    const answer = await signUp({ email: 'ada@bücher.de', lists: ['blog'] });
    expect(answer.status).toBeLessThan(300);
    expect((await pressroom.adapters.subscribers.findByEmail('ada@xn--bcher-kva.de'))?.email).toBe('ada@xn--bcher-kva.de');
    expect((await pressroom.client.mail()).filter((m) => m.to.includes('ada@xn--bcher-kva.de'))).toHaveLength(1);
  });

  it('a release to a stored address that cannot be encoded ends that delivery failed, and the send reaches sent', async () => {
    const now = new Date();
    await pressroom.adapters.subscribers.addConfirmed('legacy\u200b@example.org', ['press-releases'], now);
    await pressroom.adapters.subscribers.addConfirmed('fine@example.org', ['press-releases'], now);
    const deadBefore = pressroom.queues.send.deadLetters().length;

    expect((await pressroom.client.publish(releaseBody({ id: 'to-legacy', title: 'To legacy', lists: ['press-releases'] }))).status).toBe(202);
    await pressroom.settle();

    const send = (await (await admin('/admin/releases/to-legacy/send')).json()) as { status: string; counts: Record<string, number> };
    expect(send.status).toBe('sent');
    expect(send.counts).toMatchObject({ sent: 1, failed: 1 });
    expect(pressroom.queues.send.deadLetters()).toHaveLength(deadBefore);
    expect((await pressroom.client.mail()).filter((m) => m.subject === 'To legacy').flatMap((m) => m.to)).toEqual(['fine@example.org']);
  });

  it('POST /admin/imports with bytes that are not UTF-8 reports those rows invalid and stores no U+FFFD address', async () => {
    const body = Buffer.concat([
      Buffer.from('email,lists,name\nutf8@example.org,blog,Zo\u00eb\n', 'utf8'),
      Buffer.from('latin1-\u00e9@example.org,blog,X\nlatin1-name@example.org,blog,Zo\u00eb\n', 'latin1'),
    ]);
    const answer = await admin('/admin/imports?consent=true', { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
    expect(answer.status).toBe(200);
    const report = (await answer.json()) as { summary: Record<string, number>; rows: { line: number; outcome: string; reason?: string }[] };
    expect(report.summary).toMatchObject({ added: 1, invalid: 2 });
    expect(report.rows.filter((r) => r.outcome === 'invalid')).toEqual([
      expect.objectContaining({ line: 3, reason: expect.stringContaining('not UTF-8 text') }),
      expect.objectContaining({ line: 4, reason: expect.stringContaining('not UTF-8 text') }),
    ]);
    expect(await pressroom.adapters.subscribers.findByEmail('latin1-name@example.org')).toBeUndefined();
    expect(await pressroom.adapters.subscribers.findByEmail('latin1-\ufffd@example.org')).toBeUndefined();
  });
});
