import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { listUnsubscribeUrl, rawHeader } from '../helpers/mail';

/**
 * Golden tests of the two release fixtures as subscribers receive them: published through the signed
 * webhook, sent by the local stack through the real SES client, and parsed from the raw MIME with
 * mailparser. The plain-text parts are compared with files under tests/fixtures/golden (recipient
 * links replaced by markers), so any change in what a reader sees shows up in review.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const GMAIL_CLIP_BYTES = 102 * 1024;

const fixtures = [
  // The golden copy of each is the email of its first reader: the sample's is a member of both its lists.
  { name: 'sample', file: join(root, 'examples/ice-retaliation.json'), language: 'en', lists: ['blog', 'press-releases'], reader: 'reader-both@example.com' },
  { name: 'spanish', file: join(root, 'tests/fixtures/releases/spanish-release.json'), language: 'es', lists: ['blog'], reader: 'lectora@example.com' },
];

describe('release emails as received (golden)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const bodies = new Map<string, Record<string, unknown>>();

  beforeAll(async () => {
    pressroom = await startTestPressroom({
      env: {
        PRESSROOM_LISTS: 'blog=Blog,press-releases=Press Releases',
        PRESSROOM_FROM: 'Equipo de Prensa <prensa@example.org>',
        PRESSROOM_REPLY_TO: 'Oficina de Prensa <oficina@example.org>',
        PRESSROOM_ORG_NAME: "America's Voice",
        PRESSROOM_POSTAL_ADDRESS: '1201 Example Ave NW, Washington, DC 20005',
      },
    });
    await pressroom.adapters.subscribers.addConfirmed('reader-en@example.com', ['press-releases'], new Date(), 'en');
    await pressroom.adapters.subscribers.addConfirmed('lectora@example.com', ['blog'], new Date(), 'es');
    await pressroom.adapters.subscribers.addConfirmed('reader-both@example.com', ['blog', 'press-releases'], new Date(), 'en');
    for (const { name, file } of fixtures) {
      const body = { publishedAt: '2026-03-20T15:00:00Z', ...JSON.parse(await readFile(file, 'utf8')) };
      bodies.set(name, body);
      expect((await pressroom.client.publish(body)).status).toBe(202);
    }
    await pressroom.settle();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  /** The release's emails, the one to `reader` first when given. */
  const received = async (name: string, reader?: string) => {
    const title = bodies.get(name)!.title as string;
    const mail = (await pressroom.client.mail()).filter((m) => m.subject === title);
    const to = (m: (typeof mail)[number]) => JSON.stringify(m.to);
    return reader ? [...mail.filter((m) => to(m).includes(reader)), ...mail.filter((m) => !to(m).includes(reader))] : mail;
  };

  describe.each(fixtures)('$name release', ({ name, language, reader }) => {
    it('round-trips the subject and carries every header a mailbox provider checks', async () => {
      const mail = await received(name);
      // The subject matched exactly after RFC 2047 decoding, accents, guillemets and all.
      expect(mail.length).toBeGreaterThan(0);
      const title = bodies.get(name)!.title as string;
      for (const message of mail) {
        expect(message.subject).toBe(title);
        expect(message.from?.value).toEqual([{ name: 'Equipo de Prensa', address: 'prensa@example.org' }]);
        expect(message.replyTo?.value).toEqual([{ name: 'Oficina de Prensa', address: 'oficina@example.org' }]);
        expect(message.messageId).toMatch(/^<[^@\s]+@example\.org>$/);
        expect(rawHeader(message, 'list-id')).toMatch(/<[a-z-]+\.example\.org>$/);
        expect(listUnsubscribeUrl(message)).toMatch(new RegExp(`^${pressroom.url}/unsubscribe/`));
        expect(rawHeader(message, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
        expect(rawHeader(message, 'feedback-id')).toContain(bodies.get(name)!.id as string);
        expect(rawHeader(message, 'mime-version')).toBe('1.0');
        // Every header line is ASCII: non-ASCII text only travels encoded.
        expect(message.headerLines.every((h) => /^[\x20-\x7e\r\n\t]*$/.test(h.line))).toBe(true);
        expect(message.html).toMatch(new RegExp(`<html[^>]* lang="${language}"`));
      }
    });

    it('stays under the Gmail clipping budget with no hostile markup left', async () => {
      const [message] = await received(name);
      const html = message.html as string;
      expect(Buffer.byteLength(html)).toBeLessThan(GMAIL_CLIP_BYTES);
      expect(html).not.toMatch(/<script|<iframe|<form|<input|\bon[a-z]+=|javascript:|pwned|evil\.example/i);
      expect(message.text).not.toMatch(/<[a-z]|pwned|alert\(/i);
    });

    it('has a plain-text part that reads like the golden copy', async () => {
      const [message] = await received(name, reader);
      expect(JSON.stringify(message.to)).toContain(reader);
      const unsubscribe = listUnsubscribeUrl(message)!;
      // Recipient links differ per subscriber and per run: compare with markers in their place.
      const text = (message.text as string)
        .replaceAll(unsubscribe, '<unsubscribe link>')
        .replace(new RegExp(`${pressroom.url}/preferences/[\\w.-]+`, 'g'), '<preferences link>')
        .replaceAll(pressroom.url, '<public url>');
      await expect(text).toMatchFileSnapshot(join(root, `tests/fixtures/golden/${name}-release.txt`));
    });
  });

  it("each email's footer names the lists of the release that its reader is on, in the email's language", async () => {
    const footer = async (name: string, reader: string) => {
      const message = (await received(name)).find((m) => JSON.stringify(m.to).includes(reader))!;
      return { text: message.text as string, html: message.html as string };
    };
    expect((await footer('sample', 'reader-both@example.com')).text).toContain('You receive this as a member of Blog and Press Releases.');
    expect((await footer('sample', 'reader-both@example.com')).html).toContain('You receive this as a member of Blog and Press Releases.');
    expect((await footer('sample', 'reader-en@example.com')).text).toContain('You receive this as a member of Press Releases.');
    expect((await footer('spanish', 'lectora@example.com')).text).toContain('Recibe este correo por su suscripción a Blog.');
    expect((await footer('spanish', 'reader-both@example.com')).html).toContain('Recibe este correo por su suscripción a Blog.');
    for (const { text, html } of [await footer('sample', 'reader-en@example.com'), await footer('spanish', 'lectora@example.com')]) {
      expect(text + html).not.toContain('__pressroom_list_names__');
    }
  });

  it('the Spanish text part keeps the parts a reader needs, in Spanish', async () => {
    const [message] = await received('spanish', 'lectora@example.com');
    const text = message.text as string;
    expect(text).toContain('«Las familias no pueden seguir esperando», dijo la portavoz.');
    expect(text).toMatch(/\* Un camino a la ciudadanía/);
    expect(text).toContain('> Somos parte de este país y queremos que la ley lo reconozca.');
    expect(text).toContain('Temas: Blog · Comunicados');
    expect(text).toContain('20 de marzo de 2026');
    // The relative link was resolved against the release URL and listed as a reference.
    expect(text).toMatch(/contacto \[\d+\]/);
    expect(text).toMatch(/^\[\d+\] https:\/\/example\.org\/es\/contacto$/m);
    expect(text).toMatch(/Darse de baja \[\d+\]/);
    expect(text).toMatch(/\n\nEnlaces:\n\[1\] /);
  });
});
