import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MjmlRenderer } from '../../functions/adapters/render/mjml-renderer';
import { buildMessageTemplate, personaliseMessage, type MessageTemplateInput, type RecipientInput } from '../../functions/domain/mail/mime';
import { newRelease } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';
import * as before from '../helpers/mime-before-issue-18';

/**
 * Issue 18 rebuilt how `personaliseMessage` assembles a message (one buffer of the exact size, each
 * value encoded once, fast paths for values that need no escaping) and meant to change no byte of
 * it. These tests hold it to that: the same template input and recipient through the builder as it
 * was (tests/helpers/mime-before-issue-18.ts) and as it is give the same message, once each
 * template's random boundary is replaced by one marker.
 */
const PLACEHOLDERS = Object.values(RecipientPlaceholder);
const [UNSUB, PREFS, NAMES] = PLACEHOLDERS;

function bothWays(input: MessageTemplateInput, recipients: RecipientInput[]): { now: string[]; then: string[] } {
  const template = buildMessageTemplate(input);
  const reference = before.buildMessageTemplate(input);
  const normalise = (raw: Buffer, boundary: string) => raw.toString('latin1').replaceAll(boundary, '=_BOUNDARY');
  return {
    now: recipients.map((r) => normalise(personaliseMessage(template, r), template.boundary)),
    then: recipients.map((r) => normalise(before.personaliseMessage(reference, r), reference.boundary)),
  };
}

const recipient = (overrides: Partial<RecipientInput> & { values: Record<string, string> }): RecipientInput => ({
  to: 'ada@example.org',
  messageId: '<r1.s1@news.example.org>',
  date: new Date('2026-12-07T20:00:00Z'),
  headers: { 'List-Unsubscribe': `<${overrides.values[UNSUB] ?? ''}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  ...overrides,
});

const token = (n: number) => `k1.${'eyJwIjoidW5zdWJzY3JpYmUiLCJzIjoi'.repeat(n)}MDFKQkVOQ0gifQ.${'abcdefghij'.repeat(4)}`;

// Values an email really carries and the awkward ones: long links that need soft breaks, names
// with accents, emoji and HTML specials, a trailing space, a line break, an "=", the empty string.
const awkwardValues: Record<string, string>[] = [
  { [UNSUB]: `https://news.example.org/unsubscribe/${token(1)}`, [PREFS]: `https://news.example.org/preferences/${token(1)}`, [NAMES]: 'Blog' },
  { [UNSUB]: `https://news.example.org/unsubscribe/${token(9)}`, [PREFS]: `https://news.example.org/preferences/${token(12)}`, [NAMES]: 'Blog and Press Releases' },
  { [UNSUB]: 'https://news.example.org/u?a=1&b=<2>&c="3"', [PREFS]: "https://x.example/p?n='o'", [NAMES]: 'Économie, Prensa y Café ☕ 🚀👩‍👩‍👧‍👦' },
  { [UNSUB]: 'x'.repeat(75), [PREFS]: 'y'.repeat(76), [NAMES]: 'ends in a space ' },
  { [UNSUB]: `${'z'.repeat(74)}=`, [PREFS]: `${'é'.repeat(40)}`, [NAMES]: 'two\nlines\r\nand a tab\t' },
  { [UNSUB]: '', [PREFS]: ' ', [NAMES]: '日本語のリスト名と中文 '.repeat(8) },
];

describe('personaliseMessage gives the bytes it gave before issue 18', () => {
  it('for the sample release as the MJML renderer renders it, across recipients and list sets', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const lists = new Set(['blog', 'press-releases']);
    const release = newRelease(parseReleaseInput(JSON.parse(await readFile(`${root}/examples/ice-retaliation.json`, 'utf8')), lists), new Date());
    const renderer = new MjmlRenderer({
      templatesDir: `${root}/templates`,
      brand: { organisationName: "America's Voice", postalAddress: '1201 Example Ave NW, Washington, DC 20005', accentColour: '#b3261e' },
      publicUrl: 'https://news.example.org',
    });
    const rendered = await renderer.render(release);
    const input = { from: { name: "America's Voice", address: 'news@example.org' }, replyTo: 'press@example.org', ...rendered, placeholders: PLACEHOLDERS };
    const recipients = awkwardValues.map((values, i) =>
      recipient({
        values,
        to: i === 1 ? `${'long.local.part'.repeat(5)}@example.com` : `reader.${i}@example.com`,
        messageId: i % 2 ? `${release.id}.s${i}@example.org` : `<${release.id}.s${i}@example.org>`,
        headers: {
          'List-Id': i === 2 ? 'Économie et Société <economie.example.org>' : `Press Releases of a rather long name indeed, to fold <press-releases.example.org>`,
          'List-Unsubscribe': `<${values[UNSUB]}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          'Feedback-ID': `${release.id}:blog:pressroom:example.org`,
        },
      }),
    );

    const { now, then } = bothWays(input, recipients);

    expect(now[0]).toContain('news.example.org/unsubscribe/');
    for (let i = 0; i < recipients.length; i++) expect(now[i], `recipient ${i}`).toBe(then[i]);
  });

  it('for bodies where placeholders repeat, touch each other, start and end lines or are absent', () => {
    const bodies = [
      { html: `<a href="${UNSUB}">x</a>${UNSUB}${PREFS}<p>${NAMES}</p>\n${UNSUB}`, text: `${UNSUB}\n${UNSUB} and ${PREFS}\r\n${NAMES}` },
      { html: `${'<p>Lorem ipsum dolor sit amet, €uro café</p>\n'.repeat(40)}${NAMES}`, text: `${NAMES}${'word '.repeat(100)}` },
      { html: '<p>No placeholder at all</p>', text: 'None here either ' },
      { html: `${PREFS}`, text: `${UNSUB}` },
    ];
    for (const [b, body] of bodies.entries()) {
      const input = { from: { name: 'Équipe Presse', address: 'presse@example.org' }, subject: `Subject ${b} 🚀`, ...body, headers: { 'X-Campaign': `c${b}` }, placeholders: PLACEHOLDERS };
      const { now, then } = bothWays(
        input,
        awkwardValues.map((values) => recipient({ values })),
      );
      for (let i = 0; i < awkwardValues.length; i++) expect(now[i], `body ${b}, values ${i}`).toBe(then[i]);
    }
  });

  it('for many random values drawn from ASCII, spaces, "=", line breaks and non-ASCII characters', () => {
    // A fixed-seed generator: a failure names its case and reproduces.
    let seed = 18;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    // Half the values only from characters quoted-printable writes as they are, as links are.
    const plain = ['a', 'Z', '0', '/', '.', '-', '_', ' '];
    const any = [...plain, ' ', '\t', '=', '&', '"', '<', '\n', '\r\n', 'é', '€', '😀', '\ud800'];
    const value = () => {
      const alphabet = next() < 0.5 ? plain : any;
      return Array.from({ length: Math.floor(next() * 200) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    };
    const input = { from: { address: 'news@example.org' }, subject: 'Hi', html: `<a href="${UNSUB}">${NAMES}</a> ${PREFS}`, text: `${UNSUB}\n${NAMES} ${PREFS}`, placeholders: PLACEHOLDERS };
    const recipients = Array.from({ length: 300 }, () => recipient({ values: { [UNSUB]: value(), [PREFS]: value(), [NAMES]: value() }, headers: { 'List-Id': `${value().replace(/[\r\n]/g, '')} <x.example.org>` } }));

    const { now, then } = bothWays(input, recipients);

    for (let i = 0; i < recipients.length; i++) expect(now[i], `case ${i}: ${JSON.stringify(recipients[i].values)}`).toBe(then[i]);
  });

  it('for header values of every length around the 78-character line, with and without spaces, and dates a moment apart', () => {
    const input = { from: { address: 'news@example.org' }, subject: 'Hi', html: UNSUB, text: UNSUB, placeholders: [UNSUB] };
    const recipients = Array.from({ length: 60 }, (_, n) =>
      recipient({
        values: { [UNSUB]: 'u'.repeat(n) },
        // 700 ms apart: some in the same second as the one before, some not.
        date: new Date(Date.UTC(2026, 11, 31, 23, 59, 30) + n * 700),
        to: `${'a'.repeat(n + 30)}@example.org`,
        headers: { 'List-Id': `${'b'.repeat(n)} <c.example.org>`, 'List-Unsubscribe': `<${'d'.repeat(n + 20)}>`, 'X-Word': 'e'.repeat(n + 40) },
      }),
    );

    const { now, then } = bothWays(input, recipients);

    for (let i = 0; i < recipients.length; i++) expect(now[i], `length ${i}`).toBe(then[i]);
  });

  it('still refuses what it refused: a missing value, a bad Message-ID, an address with a line break', () => {
    const template = buildMessageTemplate({ from: { address: 'news@example.org' }, subject: 'Hi', html: UNSUB, text: UNSUB, placeholders: [UNSUB] });
    const ok = recipient({ values: { [UNSUB]: 'https://x.example/u' } });

    expect(() => personaliseMessage(template, { ...ok, values: {} })).toThrow(/No value given/);
    expect(() => personaliseMessage(template, { ...ok, messageId: 'no-at-sign' })).toThrow(/Invalid Message-ID/);
    expect(() => personaliseMessage(template, { ...ok, to: 'a@b.example\r\nBcc: c@d.example' })).toThrow(/CR or LF/);
    expect(() => personaliseMessage(template, { ...ok, headers: { 'List-Id': 'a\r\nb' } })).toThrow(/CR or LF/);
  });
});
