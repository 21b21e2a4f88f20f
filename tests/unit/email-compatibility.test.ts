import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caniemail, type CanIEmailOptions, type CanIEmailResult } from 'caniemail';
import { beforeAll, describe, expect, it } from 'vitest';
import { MjmlRenderer } from '../../functions/adapters/render/mjml-renderer';
import { newRelease } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';

/**
 * Checks the rendered release email against the caniemail.com data set (the `caniemail` package,
 * 1.0.5) for the clients most of our readers use. Every feature caniemail reports as unsupported
 * must be listed here, for the named clients only, with the reason it is acceptable. Partial
 * support is tolerated but printed with console.info so a person can see it.
 */
const allowedUnsupported: Record<string, { clients: string[]; reason: string }> = {
  '@media': { clients: ['outlook.windows'], reason: "MJML's responsive column widths; Outlook gets the fixed 600px layout from MJML's <!--[if mso]> tables instead" },
  'outline': { clients: ['outlook.windows'], reason: "MJML's img reset (outline:none); Outlook draws no focus outline on images anyway" },
  'word-spacing': { clients: ['outlook.windows'], reason: "MJML's word-spacing:normal on body/wrapper only restates the default" },
  'opacity': { clients: ['outlook.windows'], reason: 'MJML preheader hiding; Outlook still hides it through display:none on the same div' },
  'overflow': { clients: ['outlook.windows'], reason: 'MJML preheader hiding; Outlook still hides it through display:none on the same div' },
  'border-radius': { clients: ['outlook.windows'], reason: 'rounded corners on the "Read on our website" button; Outlook shows square corners' },
  'cursor': { clients: ['gmail.desktop-webmail', 'gmail.ios', 'gmail.android', 'apple-mail.ios'], reason: "MJML button's cursor:auto is the default; Gmail strips it, iOS has no cursor" },
  'target attribute': { clients: ['gmail.desktop-webmail', 'gmail.ios', 'gmail.android'], reason: 'Gmail forces target="_blank" on every link, which is the value we set' },
  'transform': { clients: ['outlook.windows', 'gmail.desktop-webmail', 'gmail.ios', 'gmail.android'], reason: 'false positive: caniemail 1.0.5 matches `text-transform`; no `transform` is emitted (asserted below)' },
  'Chaining selectors': { clients: ['outlook.windows'], reason: 'false positive: caniemail 1.0.5 counts the descendant selector `.moz-text-html .mj-column-per-100`; no `.a.b` is emitted (asserted below)' },
};

const clients: CanIEmailOptions['clients'] = ['gmail.desktop-webmail', 'gmail.ios', 'gmail.android', 'outlook.windows', 'apple-mail.macos', 'apple-mail.ios'];

const root = fileURLToPath(new URL('../..', import.meta.url));
const renderer = new MjmlRenderer({
  templatesDir: join(root, 'templates'),
  brand: { organisationName: "America's Voice", postalAddress: '1201 Example Ave NW, Washington, DC 20005', accentColour: '#b3261e' },
  publicUrl: 'https://news.example.org',
});

const emails = [
  { name: 'sample', file: join(root, 'examples/ice-retaliation.json') },
  { name: 'spanish', file: join(root, 'tests/fixtures/releases/spanish-release.json') },
];

async function renderHtml(path: string): Promise<string> {
  const input = parseReleaseInput(JSON.parse(await readFile(path, 'utf8')), new Set(['blog', 'press-releases']));
  const release = newRelease({ publishedAt: '2026-03-20T15:00:00Z', ...input }, new Date('2026-03-21T08:00:00Z'));
  return (await renderer.render(release)).html;
}

/** title → clients it was reported for (deduplicated, in report order). */
function byTitle(issues: CanIEmailResult['issues']['errors']): Map<string, { clients: Set<string>; count: number; notes: Set<string> }> {
  const titles = new Map<string, { clients: Set<string>; count: number; notes: Set<string> }>();
  for (const [client, list] of issues) {
    for (const issue of list) {
      const entry = titles.get(issue.title) ?? { clients: new Set(), count: 0, notes: new Set() };
      entry.clients.add(client);
      entry.count += 1;
      for (const note of issue.notes) entry.notes.add(note);
      titles.set(issue.title, entry);
    }
  }
  return titles;
}

const rendered = new Map<string, { html: string; unsupported: ReturnType<typeof byTitle>; partial: ReturnType<typeof byTitle> }>();

beforeAll(async () => {
  for (const { name, file } of emails) {
    const html = await renderHtml(file);
    const { issues } = caniemail({ clients, html });
    rendered.set(name, { html, unsupported: byTitle(issues.errors), partial: byTitle(issues.warnings) });
  }
});

describe.each(emails)('$name release email against caniemail', ({ name }) => {
  it('uses no feature unsupported by Gmail, Outlook (Windows) or Apple Mail beyond the allow-list, and prints partial support', () => {
    const { unsupported, partial } = rendered.get(name)!;
    const partialLines = [...partial].map(([title, { clients: reportedFor, count }]) => `  ${title} — ${[...reportedFor].join(', ')} (${count}×)`);
    console.info(`caniemail: partially supported features in the ${name} release email (tolerated):\n${partialLines.join('\n')}`);
    const unexpected: string[] = [];
    for (const [title, { clients: reportedFor, notes }] of unsupported) {
      const allowed = allowedUnsupported[title]?.clients ?? [];
      const disallowed = [...reportedFor].filter((client) => !allowed.includes(client));
      if (disallowed.length) unexpected.push(`${title} — unsupported by ${disallowed.join(', ')}${notes.size ? ` (${[...notes].join(' ')})` : ''}`);
    }
    expect(unexpected).toEqual([]);
  });

  it('really emits neither `transform` nor chained class selectors (the allow-listed false positives)', () => {
    const { html } = rendered.get(name)!;
    expect(html).not.toMatch(/(^|[\s;{"'])transform\s*:/);
    const styles = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((match) => match[1]).join('\n');
    expect(styles).not.toMatch(/\.[a-z_-][\w-]*\.[a-z_-]/i);
  });
});

it('keeps the allow-list minimal: every entry is still needed for some client it names', () => {
  const stale = Object.entries(allowedUnsupported).flatMap(([title, { clients: allowed }]) =>
    allowed
      .filter((client) => ![...rendered.values()].some(({ unsupported }) => unsupported.get(title)?.clients.has(client)))
      .map((client) => `${title} / ${client}`),
  );
  expect(stale).toEqual([]);
});
