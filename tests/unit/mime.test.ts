import { describe, expect, it } from 'vitest';
import { simpleParser, type ParsedMail } from 'mailparser';
import { buildMessageTemplate, encodeHeaderValue, personaliseMessage, type MessageTemplateInput } from '../../functions/domain/mail/mime';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';
import { UnsendableRecipientError } from '../../functions/domain/mail/errors';

const UNSUB = RecipientPlaceholder.UnsubscribeUrl;
const recipientUrl = 'https://news.example.com/u/abc?t=x1&l=blog';

function template(overrides: Partial<MessageTemplateInput> = {}) {
  return buildMessageTemplate({
    from: { name: 'Pressroom', address: 'news@example.com' },
    subject: 'Hello',
    html: `<p>Hi</p><a href="${UNSUB}">Unsubscribe</a>`,
    text: `Hi\nUnsubscribe: ${UNSUB}`,
    placeholders: [UNSUB],
    ...overrides,
  });
}

function personalise(input: Partial<MessageTemplateInput> = {}, values: Record<string, string> = { [UNSUB]: recipientUrl }) {
  return personaliseMessage(template(input), {
    to: 'ada@example.org',
    values,
    messageId: 'r1.s1@news.example.com',
    date: new Date('2025-03-04T05:06:07Z'),
    headers: { 'List-Unsubscribe': `<${recipientUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  });
}

const lf = (s: string) => s.replace(/\r\n?/g, '\n');
const htmlValue = (url: string) => url.replace(/&/g, '&amp;');

/** The quoted-printable lines of both parts (between each part's header and the next boundary). */
function bodyLines(raw: Buffer): string[] {
  const text = raw.toString('latin1');
  const boundary = /boundary="([^"]+)"/.exec(text)![1];
  return text
    .split(`--${boundary}`)
    .slice(1, -1)
    .flatMap((part) => part.slice(part.indexOf('\r\n\r\n') + 4).split('\r\n'));
}

describe('buildMessageTemplate + personaliseMessage', () => {
  describe('subject', () => {
    const titles = {
      ascii: 'Release notes: version 2.0 is out',
      accents: 'Économie : la récession frappe à nouveau, señor',
      emoji: 'We shipped 🚀🎉 and 👩‍👩‍👧‍👦 families love it',
      cjk: '日本語のタイトルと中文标题와 한국어 제목',
      long: Array.from({ length: 50 }, (_, i) => `word${i}`).join(' ').padEnd(250, '!').slice(0, 250),
      longNonAscii: 'Ñandú '.repeat(42).slice(0, 250),
      longWord: 'x'.repeat(120),
      encodedWordLookalike: 'Is =?UTF-8?B?SGk=?= decoded?',
    };
    for (const [kind, subject] of Object.entries(titles)) {
      it(`round-trips a ${kind} subject`, async () => {
        const raw = personalise({ subject });
        const mail = await simpleParser(raw);
        expect(mail.subject).toBe(subject);
        for (const word of raw.toString('latin1').match(/=\?[^?]+\?B\?[^?]*\?=/g) ?? []) expect(word.length).toBeLessThanOrEqual(75);
      });
    }

    it('leaves plain ASCII unencoded and encodes the rest', () => {
      expect(encodeHeaderValue('Plain title')).toBe('Plain title');
      expect(encodeHeaderValue('Café')).toBe('=?UTF-8?B?Q2Fmw6k=?=');
    });
  });

  it('encodes a non-ASCII From name and quotes one with specials', async () => {
    const accented = await simpleParser(personalise({ from: { name: 'Prensa Económica', address: 'news@example.com' } }));
    expect(accented.from?.value[0]).toEqual({ name: 'Prensa Económica', address: 'news@example.com' });
    const special = await simpleParser(personalise({ from: { name: 'Doe, Jane "JD"', address: 'jd@example.com' } }));
    expect(special.from?.value[0]).toEqual({ name: 'Doe, Jane "JD"', address: 'jd@example.com' });
  });

  describe('bodies', () => {
    const cases: Record<string, { html: string; text: string }> = {
      'placeholder inside href': { html: `<a href="${UNSUB}">Unsubscribe</a>`, text: `Unsubscribe: ${UNSUB}` },
      'placeholder at the very start and end': { html: `${UNSUB}<p>middle</p>${UNSUB}`, text: `${UNSUB}\n${UNSUB}` },
      'only a placeholder': { html: UNSUB, text: UNSUB },
      'no placeholder': { html: '<p>none</p>', text: 'none' },
      'long lines, = signs and non-ASCII': {
        html: `<p style="margin:0;padding:0">${'Ünïcödé façade — “quotes” = équations 😀 '.repeat(20)}</p><a href="${UNSUB}">x</a>`,
        text: `${'a=b&c=d '.repeat(40)}\n${'日本語'.repeat(50)}\n${UNSUB}`,
      },
      'trailing whitespace, tabs and blank lines': { html: `<pre>a  \n\tb\t\n\n c </pre>${UNSUB} `, text: `line   \n\n\tindented\t\r\nend ${UNSUB} ` },
      'escapes near the line limit': { html: `${'x'.repeat(73)}é${'y'.repeat(74)}=${'z'.repeat(72)}🎉${UNSUB}`, text: `${'.'.repeat(75)}\n${'=' .repeat(30)}` },
    };
    for (const [name, { html, text }] of Object.entries(cases)) {
      it(`round-trips ${name}`, async () => {
        const mail = await simpleParser(personalise({ html, text }));
        expect(mail.html).toBe(lf(html).split(UNSUB).join(htmlValue(recipientUrl)));
        expect(lf(mail.text ?? '')).toBe(lf(text).split(UNSUB).join(recipientUrl));
      });
    }

    it('attribute-escapes the value in HTML only, and encodes non-ASCII values', async () => {
      const value = 'https://ex.example/ü?a=1&b="2"<x>';
      const mail = await simpleParser(personalise({}, { [UNSUB]: value }));
      expect(mail.html).toContain('href="https://ex.example/ü?a=1&amp;b=&quot;2&quot;&lt;x&gt;"');
      expect(mail.text).toContain(`Unsubscribe: ${value}`);
    });

    it('round-trips random text with placeholders', async () => {
      let seed = 42;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const alphabet = ['a', 'Z', ' ', ' ', '\t', '=', '.', '\n', '\r\n', 'é', '€', '日', '😀', '"', '&', UNSUB, 'x'.repeat(40)];
      for (let n = 0; n < 60; n++) {
        const body = Array.from({ length: Math.floor(random() * 120) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
        const html = `<div>${body}</div>`;
        const raw = personalise({ html, text: body });
        const mail = await simpleParser(raw);
        expect(mail.html).toBe(lf(html).split(UNSUB).join(htmlValue(recipientUrl)));
        // mailparser drops a plain-text body's trailing blank lines; compare without them.
        expect(lf(mail.text ?? '').trimEnd()).toBe(lf(body).split(UNSUB).join(recipientUrl).trimEnd());
        assertValidQuotedPrintable(raw);
      }
    });
  });

  describe('wire format', () => {
    const raw = personalise({
      subject: 'Ünïcödé '.repeat(20),
      html: `<p>${'é'.repeat(300)}</p><a href="${UNSUB}">x</a>${'=='.repeat(100)}`,
      text: `${'word '.repeat(100)}\n${UNSUB}`,
    });

    it('uses CRLF only, with every line ≤ 78 chars and body lines ≤ 76', () => {
      const text = raw.toString('latin1');
      expect(text).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
      expect(text.endsWith('\r\n')).toBe(true);
      for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
      for (const line of bodyLines(raw)) expect(line.length).toBeLessThanOrEqual(76);
      expect(text).toMatch(/^[\x00-\x7f]*$/);
    });

    it('never splits an escape or a multi-byte character across a soft break', () => {
      assertValidQuotedPrintable(raw);
    });

    it('keeps a long List-Unsubscribe URL whole on one line', async () => {
      const long = `https://news.example.com/unsubscribe?token=${'A'.repeat(150)}`;
      const message = personaliseMessage(template(), {
        to: 'ada@example.org', values: { [UNSUB]: long }, messageId: '<m@x>', date: new Date(), headers: { 'List-Unsubscribe': `<${long}>` },
      });
      expect(message.toString('latin1')).toContain(`List-Unsubscribe: <${long}>\r\n`);
      expect((await simpleParser(message)).html).toContain(`href="${long}"`);
    });
  });

  describe('headers', () => {
    it('carries per-recipient headers, Date, Message-ID and To', async () => {
      const mail: ParsedMail = await simpleParser(personalise());
      const line = (key: string) => mail.headerLines.find((h) => h.key === key)?.line;
      expect(line('list-unsubscribe')).toBe(`List-Unsubscribe: <${recipientUrl}>`);
      expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(line('date')).toBe('Date: Tue, 04 Mar 2025 05:06:07 +0000');
      expect(mail.messageId).toBe('<r1.s1@news.example.com>');
      expect(mail.to && !Array.isArray(mail.to) && mail.to.value[0].address).toBe('ada@example.org');
      expect(mail.headers.get('mime-version')).toBe('1.0');
    });

    it('gives each template its own boundary and leaves the template reusable', async () => {
      expect(template().boundary).not.toBe(template().boundary);
      const shared = template();
      const send = (url: string) => personaliseMessage(shared, { to: 'a@example.org', values: { [UNSUB]: url }, messageId: 'a@x', date: new Date() });
      expect((await simpleParser(send('https://a.example/1'))).text).toContain('https://a.example/1');
      expect((await simpleParser(send('https://b.example/2'))).text).toContain('https://b.example/2');
    });

    it('rejects CR or LF in any header value', () => {
      const base = { to: 'a@example.org', values: { [UNSUB]: 'u' }, messageId: 'a@x', date: new Date() };
      expect(() => template({ subject: 'Hi\r\nBcc: victim@example.com' })).toThrow(/CR or LF/);
      expect(() => template({ from: { name: 'A\nB', address: 'a@example.com' } })).toThrow(/CR or LF/);
      expect(() => template({ headers: { 'List-Id': 'x\ny' } })).toThrow(/CR or LF/);
      expect(() => personaliseMessage(template(), { ...base, to: 'a@example.org\r\nBcc: b@example.org' })).toThrow(/CR or LF/);
      expect(() => personaliseMessage(template(), { ...base, headers: { 'List-Unsubscribe': '<u>\r\nX-Evil: 1' } })).toThrow(/CR or LF/);
      expect(() => personaliseMessage(template(), { ...base, headers: { 'Bad Name': 'v' } })).toThrow(/header name/);
      expect(() => personaliseMessage(template(), { ...base, headers: { Subject: 'v' } })).toThrow(/set by the message builder/);
    });

    it('refuses a recipient that can never be written into a To header with UnsendableRecipientError', () => {
      const base = { values: { [UNSUB]: 'u' }, messageId: 'a@x', date: new Date() };
      for (const to of ['jos\u00e9@example.org', 'ada\u200b@example.org', 'a@example.org\r\nBcc: b@example.org']) {
        expect(() => personaliseMessage(template(), { ...base, to })).toThrow(UnsendableRecipientError);
      }
      // The sender's own From stays a configuration error, not a recipient's.
      expect(() => template({ from: { address: 'n\u00e9ws@example.com' } })).not.toThrow(UnsendableRecipientError);
      expect(() => template({ from: { address: 'n\u00e9ws@example.com' } })).toThrow(/printable ASCII/);
    });

    it('rejects a missing placeholder value', () => {
      expect(() => personaliseMessage(template(), { to: 'a@example.org', values: {}, messageId: 'a@x', date: new Date() })).toThrow(
        /No value given for placeholder/,
      );
    });
  });
});

/** Every `=` starts an escape or a soft break, and each physical line decodes to whole UTF-8 characters. */
function assertValidQuotedPrintable(raw: Buffer): void {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const line of bodyLines(raw)) {
    expect(line).toMatch(/^(?:[^=]|=[0-9A-F]{2})*=?$/);
    const bytes = Buffer.from(line.replace(/=$/, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
    expect(() => decoder.decode(bytes)).not.toThrow();
  }
}
