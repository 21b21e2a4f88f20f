import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MjmlRenderer } from '../../functions/adapters/render/mjml-renderer';
import { PrecompiledSystemEmailRenderer } from '../../functions/adapters/render/confirmation-email';
import { newRelease } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { buildMessageTemplate, personaliseMessage } from '../../functions/domain/mail/mime';
import { RecipientPlaceholder, type RenderedEmail } from '../../functions/domain/release/rendered-email';

/**
 * The sample release and the confirmation email, as sent, scored by SpamAssassin offline (`-L`:
 * local tests only, no network). MJML's own preheader painted hidden text white on the grey body,
 * which scored HTML_FONT_LOW_CONTRAST (0.7); both must now score 0.
 *
 * Needs Debian's `spamassassin` (`apt-get install -y --no-install-recommends spamassassin`); skipped
 * with a message when it is not installed.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const installed = spawnSync('spamassassin', ['--version'], { encoding: 'utf8' }).status === 0;
if (!installed) console.warn('spamassassin.test: skipped, `spamassassin` is not installed (apt-get install -y --no-install-recommends spamassassin)');

const brand = { organisationName: "America's Voice", postalAddress: '1201 Example Ave NW, Washington, DC 20005', accentColour: '#b3261e' };

/** The raw message a reader gets, with realistic per-recipient values in the placeholders. */
function asSent(email: RenderedEmail): Buffer {
  const template = buildMessageTemplate({
    from: { name: 'Press Office', address: 'press@example.org' },
    subject: email.subject,
    html: email.html,
    text: email.text,
    placeholders: Object.values(RecipientPlaceholder),
  });
  return personaliseMessage(template, {
    to: 'reader@example.com',
    values: {
      [RecipientPlaceholder.UnsubscribeUrl]: 'https://news.example.org/unsubscribe/k1.eyJwIjoidW5zdWJzY3JpYmUifQ.c2ln',
      [RecipientPlaceholder.PreferencesUrl]: 'https://news.example.org/preferences/k1.eyJwIjoicHJlZmVyZW5jZXMifQ.c2ln',
      [RecipientPlaceholder.ListNames]: 'Blog and Press Releases',
    },
    messageId: '<ice-retaliation-2026.01HZX3N4Q8M2@example.org>',
    date: new Date('2026-03-20T15:00:00Z'),
  });
}

/** SpamAssassin's report: the score and the names of the rules that hit. */
function score(raw: Buffer): { score: number; report: string } {
  const run = spawnSync('spamassassin', ['-L', '-t'], { input: raw, encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`spamassassin failed: ${run.stderr}`);
  const status = /^X-Spam-Status: \w+, score=(-?[\d.]+)[\s\S]*?(?=^\S)/m.exec(run.stdout);
  if (!status) throw new Error('no X-Spam-Status header in the output');
  // The whole output, rules and all: a rule that hits is named in the report below the message too.
  return { score: Number(status[1]), report: run.stdout.slice(run.stdout.indexOf('Content analysis details')) || status[0] };
}

describe.skipIf(!installed)('SpamAssassin scores (offline, -L -t)', () => {
  it('scores the sample release email 0, with no HTML_FONT_LOW_CONTRAST', async () => {
    const input = parseReleaseInput(JSON.parse(await readFile(join(root, 'examples/ice-retaliation.json'), 'utf8')), new Set(['blog', 'press-releases']));
    const release = newRelease({ publishedAt: '2026-03-20T15:00:00Z', ...input }, new Date('2026-03-20T15:00:00Z'));
    const email = await new MjmlRenderer({ templatesDir: join(root, 'templates'), brand, publicUrl: 'https://news.example.org' }).render(release);
    const { score: points, report } = score(asSent(email));
    expect(report).not.toContain('HTML_FONT_LOW_CONTRAST');
    // -0.0 is a zero too (informational rules such as NO_RECEIVED carry -0.0).
    expect(Math.abs(points), report).toBe(0);
  }, 180_000);

  it('scores the confirmation email 0, with no HTML_FONT_LOW_CONTRAST', async () => {
    const email = await new PrecompiledSystemEmailRenderer({ brand }).renderConfirmation({
      lists: ['Blog', 'Press Releases'],
      confirmUrl: 'https://news.example.org/confirm/k1.eyJwIjoiY29uZmlybSJ9.c2ln',
    });
    const { score: points, report } = score(asSent(email));
    expect(report).not.toContain('HTML_FONT_LOW_CONTRAST');
    // -0.0 is a zero too (informational rules such as NO_RECEIVED carry -0.0).
    expect(Math.abs(points), report).toBe(0);
  }, 180_000);
});
