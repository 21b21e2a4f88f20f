import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody, sampleRelease } from '../helpers/releases';

/** Staff tools around a release: preview and lint, test sends, the web version, and 422 on blocking findings. */
describe('release preview, test send and web version', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const admin = (path: string, body: unknown) =>
    fetch(`${pressroom.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${pressroom.secrets.adminToken}` },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    pressroom = await startTestPressroom();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('previews a release with findings and stores and sends nothing', async () => {
    const response = await admin('/admin/releases/preview', releaseBody({ id: 'draft', html: '<p>Hi <a href="http://example.org">x</a></p><script>x()</script>' }));
    expect(response.status).toBe(200);
    const preview = (await response.json()) as { subject: string; html: string; text: string; findings: { code: string }[] };
    expect(preview.subject).toBe('Spring update');
    expect(preview.html).toContain('Hi');
    expect(preview.html).not.toContain('<script>x()');
    expect(preview.findings.map((f) => f.code).sort()).toEqual(['links-not-https', 'markup-stripped']);
    expect(await pressroom.adapters.releases.get('draft')).toBeUndefined();
    expect((await admin('/admin/releases/preview', releaseBody({ lists: ['nope'] }))).status).toBe(400);
  });

  it('refuses preview without the admin token', async () => {
    const response = await fetch(`${pressroom.url}/admin/releases/preview`, { method: 'POST', body: JSON.stringify(releaseBody()) });
    expect(response.status).toBe(401);
  });

  it('publishes with warnings stored and returned, serves the web version without personal links, and test-sends to staff only', async () => {
    await pressroom.client.addSubscribers({ email: 'reader@example.com', lists: ['blog'] });
    const published = await pressroom.client.publish(sampleRelease());
    expect(published.status).toBe(202);
    await pressroom.settle();

    const web = await fetch(`${pressroom.url}/releases/ice-retaliation-and-intimidation`);
    expect(web.status).toBe(200);
    const html = await web.text();
    expect(html).toContain('Immigration and Customs Enforcement has been targeting');
    expect(html).not.toContain('pressroom.invalid');
    expect(html).not.toMatch(/\/unsubscribe\/|\/preferences\//);
    const missing = await fetch(`${pressroom.url}/releases/no-such-release`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Release not found');

    const before = (await pressroom.client.mail()).length;
    const test = await admin('/admin/releases/ice-retaliation-and-intimidation/test', { to: ['editor@example.org'] });
    expect(test.status).toBe(200);
    const mail = await pressroom.client.mail();
    expect(mail).toHaveLength(before + 1);
    const sent = mail.find((m) => m.to.includes('editor@example.org'))!;
    expect(sent.subject).toBe(`[TEST] ${sampleRelease().title}`);
    expect(await pressroom.adapters.deliveries.get('ice-retaliation-and-intimidation', 'editor@example.org')).toBeUndefined();
    expect((await admin('/admin/releases/ice-retaliation-and-intimidation/test', { to: ['not an address'] })).status).toBe(400);
    expect((await admin('/admin/releases/nope/test', { to: ['editor@example.org'] })).status).toBe(404);
  });

  it('answers 422 with the findings when a release would be clipped by Gmail, and stores nothing', async () => {
    const huge = `<p>${'Lorem ipsum dolor sit amet. '.repeat(5000)}</p>`;
    const answer = await pressroom.client.publish(releaseBody({ id: 'too-big', html: huge }));
    expect(answer.status).toBe(422);
    expect((answer.body.findings as { code: string }[]).map((f) => f.code)).toContain('html-too-large');
    expect(await pressroom.adapters.releases.get('too-big')).toBeUndefined();
  });
});
