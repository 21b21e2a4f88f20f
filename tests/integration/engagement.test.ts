import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

type Pressroom = Awaited<ReturnType<typeof startTestPressroom>>;

const admin = async (pressroom: Pressroom, path: string) => {
  const response = await fetch(`${pressroom.url}${path}`, { headers: { authorization: `Bearer ${pressroom.secrets.adminToken}` } });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const engage = (pressroom: Pressroom, id: string, what: string) => fetch(`${pressroom.url}/local/mail/${encodeURIComponent(id)}/${what}`, { method: 'POST' });

/**
 * Engagement through the local stack: readers open and click (the local SES publishes what SES's
 * tracking would, to the mail-events queue), and staff read aggregates per release and per link.
 */
describe('engagement tracking (local stand-ins)', () => {
  describe('switched on', () => {
    let pressroom: Pressroom;
    beforeAll(async () => {
      pressroom = await startTestPressroom({ env: { PRESSROOM_ENGAGEMENT_TRACKING: 'true' } });
    });
    afterAll(async () => {
      await pressroom?.stop();
      pressroom?.cleanup();
    });

    it('counts each reader once for opens and per link for clicks, and keeps the footer links untracked', async () => {
      await pressroom.client.addSubscribers([{ email: 'ada@example.com', lists: ['blog'] }, { email: 'bo@example.com', lists: ['blog'] }]);
      expect((await pressroom.client.publish(releaseBody({ id: 'tracked', lists: ['blog'] }))).status).toBe(202);
      await pressroom.settle();
      const mail = (await pressroom.client.mail()).filter((m) => m.to.some((t) => t === 'ada@example.com' || t === 'bo@example.com'));
      expect(mail).toHaveLength(2);
      const [ada, bo] = mail;
      const html = await (await fetch(`${pressroom.url}/local/mail/${encodeURIComponent(ada.id)}/html`)).text();
      expect(html).toMatch(/href="[^"]*\/unsubscribe\/[^"]*"[^>]*ses:no-track/);

      for (const response of [await engage(pressroom, ada.id, 'open'), await engage(pressroom, ada.id, 'open'), await engage(pressroom, bo.id, 'open')]) expect(response.status).toBe(202);
      await engage(pressroom, ada.id, `click?url=${encodeURIComponent('https://example.org/a')}`);
      await engage(pressroom, ada.id, `click?url=${encodeURIComponent('https://example.org/a')}`);
      await engage(pressroom, bo.id, `click?url=${encodeURIComponent('https://example.org/b')}`);
      await pressroom.settle();

      const { status, body } = await admin(pressroom, '/admin/releases/tracked/engagement');
      expect(status).toBe(200);
      expect(body).toMatchObject({ releaseId: 'tracked', tracking: true, opened: 2, clicked: 2, openRate: 1, clickRate: 1 });
      expect(body.links).toEqual([{ url: 'https://example.org/a', clicks: 1 }, { url: 'https://example.org/b', clicks: 1 }]);
      expect(body.note).toContain('Apple Mail Privacy Protection');
      expect((await admin(pressroom, '/admin/releases/nope/engagement')).status).toBe(404);
    });
  });

  describe('off, as by default', () => {
    let pressroom: Pressroom;
    beforeAll(async () => {
      pressroom = await startTestPressroom();
    });
    afterAll(async () => {
      await pressroom?.stop();
      pressroom?.cleanup();
    });

    it('publishes no opens or clicks, and says tracking is off', async () => {
      await pressroom.client.addSubscribers([{ email: 'cy@example.com', lists: ['blog'] }]);
      expect((await pressroom.client.publish(releaseBody({ id: 'untracked', lists: ['blog'] }))).status).toBe(202);
      await pressroom.settle();
      const [message] = (await pressroom.client.mail()).filter((m) => m.to.includes('cy@example.com'));
      expect((await engage(pressroom, message.id, 'open')).status).toBe(409);
      const { body } = await admin(pressroom, '/admin/releases/untracked/engagement');
      expect(body).toMatchObject({ tracking: false, opened: 0, clicked: 0, links: [] });
      expect(body.note).toContain('tracking is off');
    });
  });
});
