import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeed } from '@rowanmanning/feed-parser';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';
import { ConsoleClient } from '../helpers/console';

/**
 * A correction through the local stack: the same release id sent again with a changed body updates
 * the web version, the feeds and staff's view of it, and sends no second email.
 */
describe('correcting a published release (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const admin = (path: string) => fetch(`${pressroom.url}${path}`, { headers: { authorization: `Bearer ${pressroom.secrets.adminToken}` } });

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_STAFF: 'editor@example.org=editor' } });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('given a sent release, when an edited body arrives for its id, then the web version and feeds show the new revision and nobody gets a second email', async () => {
    const id = `corrected-${randomUUID().slice(0, 8)}`;
    const reader = `reader-${id}@example.com`;
    await pressroom.client.addSubscribers([{ email: reader, lists: ['blog'] }]);
    const first = await pressroom.client.publish(releaseBody({ id, title: `Hearing on Tuesday ${id}`, html: '<p>The hearing is on Tuesday.</p>' }));
    expect(first.body).toMatchObject({ releaseId: id, duplicate: false, updated: false, revision: 1 });
    await pressroom.settle();
    const mailTo = async () => (await pressroom.client.mail()).filter((m) => m.to.includes(reader));
    expect(await mailTo()).toHaveLength(1);

    const edited = releaseBody({ id, title: `Hearing on Wednesday ${id}`, html: '<p>The hearing is on Wednesday.</p>', correction: 'The hearing moved to Wednesday.' });
    const correction = await pressroom.client.publish(edited);
    expect(correction).toMatchObject({ status: 202, body: { releaseId: id, duplicate: false, updated: true, revision: 2, status: 'sent' } });
    // The same edited body again (a CMS retry under a new delivery id) is a plain duplicate.
    expect((await pressroom.client.publish(edited)).body).toMatchObject({ duplicate: true, updated: false, revision: 2 });
    await pressroom.settle();
    expect(await mailTo()).toHaveLength(1);

    const page = await (await fetch(`${pressroom.url}/releases/${id}`)).text();
    expect(page).toContain('The hearing is on Wednesday.');
    expect(page).not.toContain('The hearing is on Tuesday.');
    expect(page).toContain('The hearing moved to Wednesday.');

    const atom = parseFeed(await (await fetch(`${pressroom.url}/feeds/all.atom`)).text());
    const entry = atom.items.find((item) => item.title?.includes(id))!;
    expect(entry.title).toBe(`Hearing on Wednesday ${id}`);
    expect(entry.content).toContain('Wednesday');
    expect(entry.updated!.getTime()).toBeGreaterThan(entry.published!.getTime());

    const status = (await (await admin(`/admin/releases/${id}`)).json()) as { revision: number; correctionNote: string; revisions: { revision: number; title: string; changed: string[] }[] };
    expect(status.revision).toBe(2);
    expect(status.correctionNote).toBe('The hearing moved to Wednesday.');
    expect(status.revisions.map((r) => [r.revision, r.title, r.changed])).toEqual([
      [2, `Hearing on Wednesday ${id}`, ['title', 'body', 'correctionNote']],
      [1, `Hearing on Tuesday ${id}`, []],
    ]);

    // Staff see the same on the release's console page.
    const staff = new ConsoleClient(pressroom);
    const consolePage = await (await staff.get(`/console/releases/${id}`, await staff.signIn('editor@example.org'))).text();
    expect(consolePage).toContain('<h2 id="revisions-heading">Corrections</h2>');
    expect(consolePage).toContain('Revision 2');
    expect(consolePage).toContain('The hearing moved to Wednesday.');
  });
});
