import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { listUnsubscribeUrl, rawHeader } from '../helpers/mail';
import { releaseBody } from '../helpers/releases';

/**
 * A list's name comes from the list store, which staff change through /admin/lists: a list created
 * and renamed there shows its current name in the email's List-Id header and on the unsubscribe
 * page (both used to read the start-up configuration, which knows only the seeded lists).
 */
describe('list names (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const admin = async (method: string, path: string, body?: unknown) =>
    fetch(`${pressroom.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${pressroom.secrets.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    pressroom = await startTestPressroom();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('given a list created and renamed by staff, when a release is sent to it, then the header and the unsubscribe page name it as renamed', async () => {
    expect((await admin('POST', '/admin/lists', { id: 'campaigns', name: 'Campaigns', public: true })).status).toBe(201);
    expect((await admin('PATCH', '/admin/lists/campaigns', { name: 'Campaign news' })).status).toBe(200);
    expect((await pressroom.client.addSubscribers({ email: 'reader@example.com', lists: ['campaigns'] })).status).toBe(200);
    expect((await pressroom.client.publish(releaseBody({ id: 'renamed-list', lists: ['campaigns'] }))).status).toBe(202);
    await pressroom.settle();

    const [mail] = (await pressroom.client.mail()).filter((m) => m.to.includes('reader@example.com'));
    expect(rawHeader(mail, 'list-id')).toBe('Campaign news <campaigns.example.org>');

    // Renamed again after the send: the page shows the name staff chose last.
    expect((await admin('PATCH', '/admin/lists/campaigns', { name: 'Campaigns & actions' })).status).toBe(200);
    const page = await (await fetch(listUnsubscribeUrl(mail)!)).text();
    expect(page).toContain('Campaigns &amp; actions');
    expect(page).not.toContain('campaigns<');
  });

  it('given a release naming its list by display name, as a CMS tag does, then it goes to that list; a near miss names the id meant', async () => {
    expect((await pressroom.client.addSubscribers({ email: 'press@example.com', lists: ['Press Releases'] })).status).toBe(200);
    const sent = await pressroom.client.publish(releaseBody({ id: 'by-display-name', lists: ['Press Releases'] }));
    expect(sent.status).toBe(202);
    await pressroom.settle();
    const mail = (await pressroom.client.mail()).filter((m) => m.to.includes('press@example.com'));
    expect(mail.map((m) => m.subject)).toEqual(['Spring update']);
    expect(rawHeader(mail[0], 'list-id')).toBe('Press Releases <press-releases.example.org>');

    const typo = await pressroom.client.publish(releaseBody({ id: 'typo', lists: ['Press Release'] }));
    expect(typo).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'lists.0', message: 'unknown list "Press Release"; did you mean "press-releases" (Press Releases)?' }] },
    });
  });
});
