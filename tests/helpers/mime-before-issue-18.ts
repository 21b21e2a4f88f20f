/**
 * The MIME builder as it was before issue 18 made `personaliseMessage` one allocation and a few
 * copies (functions/domain/mail/mime.ts at a889a0c, unchanged but for this comment and the import
 * path). Frozen: tests/unit/mime-equivalence.test.ts compares today's output with it byte for byte.
 * Do not change it to match a new builder; if the output is meant to change, retire the test.
 */
/**
 * Pure MIME assembly for newsletter sends. Everything that is the same for every recipient (headers,
 * boundary, the quoted-printable bodies) is encoded once in {@link buildMessageTemplate};
 * {@link personaliseMessage} then only encodes a few short values and concatenates strings.
 *
 * Rules followed: RFC 5322 (header folding, 78-char lines, CRLF), RFC 2045 §6.7 (quoted-printable,
 * 76-char lines), RFC 2046 (multipart/alternative), RFC 2047 (encoded-words for non-ASCII text).
 */
import { randomBytes } from 'node:crypto';
import { UnsendableRecipientError } from '../../functions/domain/mail/errors';

export interface MessageTemplateInput {
  from: { name?: string; address: string };
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers shared by every recipient, e.g. `List-Id`. */
  headers?: Record<string, string>;
  /** Strings in `html`/`text` that are replaced per recipient, e.g. the unsubscribe URL placeholder. */
  placeholders: string[];
}

export interface RecipientInput {
  to: string;
  /** One value per placeholder; raw (the HTML part gets it attribute-escaped). */
  values: Record<string, string>;
  /** `id@domain`, with or without angle brackets. */
  messageId: string;
  date: Date;
  /** Per-recipient headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post`. */
  headers?: Record<string, string>;
}

/**
 * A body split at its placeholders: `statics[i]` is followed by `slots[i]`; one more static than
 * slots. Statics are kept as bytes so a recipient's message is one copy, not a re-walk of strings.
 */
interface BodyTemplate {
  statics: Buffer[];
  slots: string[];
}

/** Everything recipient-independent, already encoded. Treat as opaque. */
export interface MessageTemplate {
  readonly placeholders: readonly string[];
  readonly headerBlock: string;
  readonly boundary: string;
  readonly text: BodyTemplate;
  readonly html: BodyTemplate;
}

// RFC 5322 §2.1.1: lines SHOULD be ≤ 78 chars (excluding CRLF). RFC 2045 §6.7 rule 5: QP lines ≤ 76
// including the `=` of a soft break, so content before a soft break is at most 75.
const MAX_HEADER_LINE = 78;
const MAX_QP_CONTENT = 75;
// RFC 2047 §2: an encoded-word is at most 75 chars. 42 bytes → 56 base64 chars → 68-char words, so
// `Subject: ` plus one word still fits in 78.
const ENCODED_WORD_BYTES = 42;
// Set by the template or per recipient: callers may not override them through `headers`.
const RESERVED_HEADERS = new Set(['from', 'reply-to', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type', 'content-transfer-encoding']);

const HEX = Array.from({ length: 256 }, (_, i) => `=${i.toString(16).toUpperCase().padStart(2, '0')}`);
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Encodes once everything that all recipients share.
 *
 * @example
 * const template = buildMessageTemplate({
 *   from: { name: 'Pressroom', address: 'news@example.com' },
 *   subject: rendered.subject, html: rendered.html, text: rendered.text,
 *   placeholders: [RecipientPlaceholder.UnsubscribeUrl],
 * });
 */
export function buildMessageTemplate(input: MessageTemplateInput): MessageTemplate {
  for (const p of input.placeholders) {
    if (!p || /[\r\n]/.test(p)) throw new Error(`Invalid placeholder ${JSON.stringify(p)}: must be non-empty and single-line`);
  }
  // A boundary containing "=_" can never occur in quoted-printable output (RFC 2045 §6.7: "=" is
  // always followed by two hex digits or a line break), so no body can end the part early.
  const boundary = `=_pressroom_${randomBytes(12).toString('hex')}`;
  const lines = [
    foldHeader('From', formatMailbox(input.from)),
    input.replyTo === undefined ? '' : foldHeader('Reply-To', asciiHeaderValue('Reply-To', input.replyTo)),
    foldHeader('Subject', encodeHeaderValue(input.subject)),
    ...Object.entries(input.headers ?? {}).map(([name, value]) => customHeader(name, value)),
    'MIME-Version: 1.0\r\n',
    foldHeader('Content-Type', `multipart/alternative; boundary="${boundary}"`),
  ];
  return {
    placeholders: [...input.placeholders],
    headerBlock: lines.join(''),
    boundary,
    text: splitBody(input.text, input.placeholders),
    html: splitBody(input.html, input.placeholders),
  };
}

/**
 * Builds one recipient's complete raw message from a template.
 *
 * @throws UnsendableRecipientError when `to` cannot be written into a header (not printable ASCII, or CR
 *   or LF); Error when another header value holds CR or LF, or a placeholder has no value.
 * @example
 * const raw = personaliseMessage(template, {
 *   to: 'ada@example.org', messageId: `${releaseId}.${subscriberId}@news.example.com`, date: clock.now(),
 *   values: { [RecipientPlaceholder.UnsubscribeUrl]: unsubscribeUrl },
 *   headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
 * });
 */
export function personaliseMessage(template: MessageTemplate, recipient: RecipientInput): Buffer {
  const text: Record<string, string> = {};
  const html: Record<string, string> = {};
  for (const p of template.placeholders) {
    const value = recipient.values[p];
    if (value === undefined) throw new Error(`No value given for placeholder ${JSON.stringify(p)}`);
    text[p] = encodeQuotedPrintable(value, false);
    html[p] = encodeQuotedPrintable(escapeHtmlAttribute(value), false);
  }
  const messageId = recipient.messageId.replace(/^<(.*)>$/, '$1');
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(messageId)) throw new Error(`Invalid Message-ID ${JSON.stringify(recipient.messageId)}`);
  if (Number.isNaN(recipient.date.getTime())) throw new Error('Invalid Date');
  const partHeader = (type: string) =>
    `--${template.boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  const head =
    foldHeader('To', recipientHeaderValue(recipient.to)) +
    // RFC 5322 §3.3 wants a numeric zone; toUTCString ends in the obsolete "GMT".
    `Date: ${recipient.date.toUTCString().replace(/GMT$/, '+0000')}\r\n` +
    `Message-ID: <${messageId}>\r\n` +
    Object.entries(recipient.headers ?? {}).map(([name, value]) => customHeader(name, value)).join('') +
    template.headerBlock +
    '\r\n' +
    partHeader('text/plain');
  // Every piece is 7-bit ASCII by construction, so latin1 is a byte-for-byte copy.
  return Buffer.concat([
    Buffer.from(head, 'latin1'),
    ...fillBody(template.text, text),
    Buffer.from(`\r\n${partHeader('text/html')}`, 'latin1'),
    ...fillBody(template.html, html),
    Buffer.from(`\r\n--${template.boundary}--\r\n`, 'latin1'),
  ]);
}

/**
 * Returns unstructured header text (e.g. a subject) as is when it is plain ASCII that folds within
 * 78-char lines, otherwise as RFC 2047 UTF-8 base64 encoded-words, each ≤ 75 chars and holding whole
 * characters only (§5: a multi-byte character never straddles two words).
 *
 * @example
 * encodeHeaderValue('Café'); // '=?UTF-8?B?Q2Fmw6k=?='
 */
export function encodeHeaderValue(text: string): string {
  assertSingleLine('header', text);
  const plain = PRINTABLE_ASCII.test(text) && !text.includes('=?') && text.split(' ').every((w) => w.length <= MAX_HEADER_LINE - 2);
  if (plain) return text;
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char) > ENCODED_WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  words.push(chunk);
  // Whitespace between adjacent encoded-words is dropped by decoders (RFC 2047 §6.2), so the
  // separators added here do not change the text.
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(' ');
}

/** `Name <address>`; the name quoted when it has RFC 5322 specials, encoded when not ASCII. */
function formatMailbox({ name, address }: { name?: string; address: string }): string {
  asciiHeaderValue('From', address);
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(address)) throw new Error(`Invalid From address ${JSON.stringify(address)}`);
  if (!name) return address;
  let phrase = encodeHeaderValue(name);
  if (phrase === name && !/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]*$/.test(name)) phrase = `"${name.replace(/(["\\])/g, '\\$1')}"`;
  return `${phrase} <${address}>`;
}

function customHeader(name: string, value: string): string {
  // RFC 5322 §2.2: a field name is printable ASCII except the colon.
  if (!/^[!-9;-~]+$/.test(name)) throw new Error(`Invalid header name ${JSON.stringify(name)}`);
  if (RESERVED_HEADERS.has(name.toLowerCase())) throw new Error(`Header ${name} is set by the message builder`);
  assertSingleLine(name, value);
  // Structured values (List-Unsubscribe URLs) stay verbatim; only non-ASCII text gets encoded-words.
  return foldHeader(name, PRINTABLE_ASCII.test(value) ? value : encodeHeaderValue(value));
}

/** A recipient's address as the To header: one that cannot be written there never can be. */
function recipientHeaderValue(to: string): string {
  // Said without the address: the message ends up in delivery records and logs.
  if (/[\r\n]/.test(to)) throw new UnsendableRecipientError('it holds CR or LF');
  if (!PRINTABLE_ASCII.test(to)) throw new UnsendableRecipientError('it is not printable ASCII (SES sends no SMTPUTF8)');
  return to;
}

function asciiHeaderValue(name: string, value: string): string {
  assertSingleLine(name, value);
  if (!PRINTABLE_ASCII.test(value)) throw new Error(`${name} must be printable ASCII (punycode the domain)`);
  return value;
}

function assertSingleLine(name: string, value: string): void {
  // A CR or LF would end the header early and let the value inject headers of its own.
  if (/[\r\n]/.test(value)) throw new Error(`Header ${name} must not contain CR or LF`);
}

/**
 * RFC 5322 §2.2.3 folding: a line break may be inserted before any space, and unfolding removes just
 * the CRLF. A single word longer than a line stays whole (lines may reach 998 chars), so long
 * URLs in List-Unsubscribe are never broken.
 */
function foldHeader(name: string, value: string): string {
  let out = `${name}:`;
  let lineLength = out.length;
  value.split(' ').forEach((word, i) => {
    const fitsOnFreshLine = 1 + word.length <= MAX_HEADER_LINE;
    if (lineLength + 1 + word.length > MAX_HEADER_LINE && word !== '' && (i > 0 || fitsOnFreshLine)) {
      out += '\r\n';
      lineLength = 0;
    }
    out += ` ${word}`;
    lineLength += 1 + word.length;
  });
  return `${out}\r\n`;
}

function splitBody(body: string, placeholders: string[]): BodyTemplate {
  const statics: string[] = [];
  const slots: string[] = [];
  const escaped = [...placeholders].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = escaped.length ? new RegExp(escaped.join('|'), 'g') : undefined;
  let last = 0;
  for (const match of pattern ? body.matchAll(pattern) : []) {
    statics.push(body.slice(last, match.index));
    slots.push(match[0]);
    last = match.index + match[0].length;
  }
  statics.push(body.slice(last));
  return { statics: statics.map((s, i) => Buffer.from(encodeQuotedPrintable(s, i === statics.length - 1), 'latin1')), slots };
}

function fillBody(body: BodyTemplate, values: Record<string, string>): Buffer[] {
  const pieces = [body.statics[0]];
  for (let i = 0; i < body.slots.length; i++) pieces.push(Buffer.from(values[body.slots[i]], 'latin1'), body.statics[i + 1]);
  return pieces;
}

/**
 * Quoted-printable (RFC 2045 §6.7) of the UTF-8 bytes of `text`, with line breaks as CRLF. Unless
 * `final`, a non-empty result ends at the start of a line (after a hard break or a soft `=\r\n`), so
 * encoded pieces concatenate into a valid body. Escapes are wrapped as whole characters: a soft
 * break never falls inside an `=XX` or between the bytes of one character.
 */
function encodeQuotedPrintable(text: string, final: boolean): string {
  let out = '';
  let column = 0;
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i)!;
    i += code > 0xffff ? 2 : 1;
    if (code === 0x0d || code === 0x0a) {
      if (code === 0x0d && text.charCodeAt(i) === 0x0a) i++;
      out += '\r\n';
      column = 0;
      continue;
    }
    let atom: string;
    if (code === 0x20 || code === 0x09) {
      // Rule 3: whitespace at the end of a line must be encoded, or transports may strip it.
      const next = text.charCodeAt(i);
      atom = i >= text.length || next === 0x0d || next === 0x0a ? HEX[code] : text[i - 1];
    } else if (code >= 0x21 && code <= 0x7e && code !== 0x3d) {
      atom = text[i - 1];
    } else {
      atom = utf8Escapes(code);
    }
    if (column + atom.length > MAX_QP_CONTENT) {
      out += '=\r\n';
      column = 0;
    }
    out += atom;
    column += atom.length;
  }
  return !final && column > 0 ? `${out}=\r\n` : out;
}

function utf8Escapes(code: number): string {
  if (code < 0x80) return HEX[code];
  if (code < 0x800) return HEX[0xc0 | (code >> 6)] + HEX[0x80 | (code & 63)];
  if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd; // a lone surrogate has no UTF-8 form
  if (code < 0x10000) return HEX[0xe0 | (code >> 12)] + HEX[0x80 | ((code >> 6) & 63)] + HEX[0x80 | (code & 63)];
  return HEX[0xf0 | (code >> 18)] + HEX[0x80 | ((code >> 12) & 63)] + HEX[0x80 | ((code >> 6) & 63)] + HEX[0x80 | (code & 63)];
}

function escapeHtmlAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
