/**
 * Pure MIME assembly for newsletter sends. Everything that is the same for every recipient (headers,
 * boundary, the quoted-printable bodies) is encoded once in {@link buildMessageTemplate};
 * {@link personaliseMessage} then only encodes a few short values and concatenates strings.
 *
 * Rules followed: RFC 5322 (header folding, 78-char lines, CRLF), RFC 2045 §6.7 (quoted-printable,
 * 76-char lines), RFC 2046 (multipart/alternative), RFC 2047 (encoded-words for non-ASCII text).
 */
import { randomBytes } from 'node:crypto';
import { UnsendableRecipientError } from './errors';

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

/** A placeholder's place in the message: which value, encoded for the HTML part (attribute-escaped) or the text part. */
interface Slot {
  placeholder: number;
  html: boolean;
}

/**
 * Everything recipient-independent, already encoded. Treat as opaque.
 *
 * A recipient's message is their own header lines, then the statics with each slot's value between
 * them: one allocation of the exact size and a handful of copies, however long the email.
 */
export interface MessageTemplate {
  readonly placeholders: readonly string[];
  readonly boundary: string;
  /**
   * The shared headers, the blank line and both parts, cut at the placeholders: `statics[i]` comes
   * before `slots[i]`, and there is one more static than slots. 7-bit ASCII, views of one buffer.
   */
  readonly statics: readonly Uint8Array[];
  readonly slots: readonly Slot[];
  /** The statics' total length in bytes. */
  readonly staticLength: number;
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
// Characters quoted-printable writes as themselves (RFC 2045 §6.7 rules 2 and 3): printable ASCII but
// "=", and a space only where no line ends after it.
const QP_LITERAL = /^(?:[\x20-\x3c\x3e-\x7e]*[\x21-\x3c\x3e-\x7e])?$/;
const HTML_SPECIAL = /[&"'<>]/;
// Both of the above at once: written as they are in both parts (most links and list names).
const QP_AND_HTML_LITERAL = /^(?:[\x20\x21\x23-\x25\x28-\x3b\x3f-\x7e]*[\x21\x23-\x25\x28-\x3b\x3f-\x7e])?$/;

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
  const partHeader = (type: string) =>
    `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  // The message after the per-recipient headers, as alternating static text and placeholders. Each
  // static piece is quoted-printable on its own and ends at the start of a line (but the last of a
  // part), so a value encoded on its own can sit between two of them.
  const pieces = [`${lines.join('')}\r\n${partHeader('text/plain')}`];
  const slots: Slot[] = [];
  const addPart = (content: string, html: boolean, after: string) => {
    const { statics, placeholders } = splitBody(content, input.placeholders);
    statics.forEach((text, i) => {
      pieces[pieces.length - 1] += encodeQuotedPrintable(text, i === statics.length - 1);
      if (i === statics.length - 1) pieces[pieces.length - 1] += after;
      else {
        slots.push({ placeholder: input.placeholders.indexOf(placeholders[i]), html });
        pieces.push('');
      }
    });
  };
  addPart(input.text, false, `\r\n${partHeader('text/html')}`);
  addPart(input.html, true, `\r\n--${boundary}--\r\n`);
  // Every piece is 7-bit ASCII by construction, so latin1 is a byte-for-byte copy.
  const body = Buffer.from(pieces.join(''), 'latin1');
  const statics: Uint8Array[] = [];
  let at = 0;
  for (const piece of pieces) statics.push(body.subarray(at, (at += piece.length)));
  return { placeholders: [...input.placeholders], boundary, statics, slots, staticLength: body.length };
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
  // Each value once per part, however often it appears: the same URL may be in the email many times.
  const { placeholders } = template;
  const text: string[] = new Array(placeholders.length);
  const html: string[] = new Array(placeholders.length);
  for (let i = 0; i < placeholders.length; i++) {
    const value = recipient.values[placeholders[i]];
    if (value === undefined) throw new Error(`No value given for placeholder ${JSON.stringify(placeholders[i])}`);
    if (QP_AND_HTML_LITERAL.test(value)) {
      text[i] = html[i] = quotedPrintableLines(value);
      continue;
    }
    text[i] = encodeQuotedPrintable(value, false);
    const escaped = escapeHtmlAttribute(value);
    html[i] = escaped === value ? text[i] : encodeQuotedPrintable(escaped, false);
  }
  const messageId = recipient.messageId.replace(/^<(.*)>$/, '$1');
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(messageId)) throw new Error(`Invalid Message-ID ${JSON.stringify(recipient.messageId)}`);
  if (Number.isNaN(recipient.date.getTime())) throw new Error('Invalid Date');
  let head =
    foldHeader('To', recipientHeaderValue(recipient.to)) +
    `Date: ${dateHeaderValue(recipient.date)}\r\n` +
    `Message-ID: <${messageId}>\r\n`;
  for (const name in recipient.headers) head += customHeader(name, recipient.headers[name]);

  const { statics, slots } = template;
  let size = head.length + template.staticLength;
  for (const slot of slots) size += (slot.html ? html : text)[slot.placeholder].length;
  // latin1 writes one byte per UTF-16 unit, so `size` is exact; every piece but a Message-ID that
  // breaks RFC 5322 is 7-bit ASCII (values are quoted-printable, headers checked or encoded).
  const raw = Buffer.allocUnsafe(size);
  let to = raw.write(head, 0, 'latin1');
  for (let i = 0; i < slots.length; i++) {
    // TypedArray set: a plain memory copy, without Buffer.copy's argument checks and view per call.
    raw.set(statics[i], to);
    to += statics[i].length;
    to += raw.write((slots[i].html ? html : text)[slots[i].placeholder], to, 'latin1');
  }
  raw.set(statics[slots.length], to);
  return raw;
}

// The last Date header written: a send worker's recipients mostly share the second.
let lastDate = { second: NaN, value: '' };

function dateHeaderValue(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  // RFC 5322 §3.3 wants a numeric zone; toUTCString ends in the obsolete "GMT".
  if (second !== lastDate.second) lastDate = { second, value: `${date.toUTCString().slice(0, -3)}+0000` };
  return lastDate.value;
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

// Header names that passed the checks below: a send worker writes the same few for every recipient.
const allowedHeaderNames = new Set<string>();

function customHeader(name: string, value: string): string {
  if (!allowedHeaderNames.has(name)) {
    // RFC 5322 §2.2: a field name is printable ASCII except the colon.
    if (!/^[!-9;-~]+$/.test(name)) throw new Error(`Invalid header name ${JSON.stringify(name)}`);
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new Error(`Header ${name} is set by the message builder`);
    // Bounded: only names that passed, and callers use a handful of fixed ones.
    if (allowedHeaderNames.size < 64) allowedHeaderNames.add(name);
  }
  // Structured values (List-Unsubscribe URLs) stay verbatim; only non-ASCII text gets encoded-words.
  if (PRINTABLE_ASCII.test(value)) return foldHeader(name, value);
  assertSingleLine(name, value);
  return foldHeader(name, encodeHeaderValue(value));
}

/** A recipient's address as the To header: one that cannot be written there never can be. */
function recipientHeaderValue(to: string): string {
  if (PRINTABLE_ASCII.test(to)) return to;
  // Said without the address: the message ends up in delivery records and logs.
  if (/[\r\n]/.test(to)) throw new UnsendableRecipientError('it holds CR or LF');
  throw new UnsendableRecipientError('it is not printable ASCII (SES sends no SMTPUTF8)');
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
  // Fits on one line: the loop below would break nowhere.
  if (name.length + 2 + value.length <= MAX_HEADER_LINE) return `${name}: ${value}\r\n`;
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

/** A body split at its placeholders: `statics[i]` is followed by `placeholders[i]`; one more static. */
function splitBody(body: string, placeholders: string[]): { statics: string[]; placeholders: string[] } {
  const statics: string[] = [];
  const found: string[] = [];
  const escaped = [...placeholders].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = escaped.length ? new RegExp(escaped.join('|'), 'g') : undefined;
  let last = 0;
  for (const match of pattern ? body.matchAll(pattern) : []) {
    statics.push(body.slice(last, match.index));
    found.push(match[0]);
    last = match.index + match[0].length;
  }
  statics.push(body.slice(last));
  return { statics, placeholders: found };
}

/**
 * Quoted-printable (RFC 2045 §6.7) of the UTF-8 bytes of `text`, with line breaks as CRLF. Unless
 * `final`, a non-empty result ends at the start of a line (after a hard break or a soft `=\r\n`), so
 * encoded pieces concatenate into a valid body. Escapes are wrapped as whole characters: a soft
 * break never falls inside an `=XX` or between the bytes of one character.
 */
function encodeQuotedPrintable(text: string, final: boolean): string {
  // Most values (links, list names) are printable ASCII that needs no escape: cut them into lines.
  if (QP_LITERAL.test(text)) return final ? quotedPrintableLines(text).slice(0, -3) : quotedPrintableLines(text);
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

/** {@link encodeQuotedPrintable} (not final) of text it writes as it is: cut into lines, nothing escaped. */
function quotedPrintableLines(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += MAX_QP_CONTENT) out += `${text.slice(i, i + MAX_QP_CONTENT)}=\r\n`;
  return out;
}

function utf8Escapes(code: number): string {
  if (code < 0x80) return HEX[code];
  if (code < 0x800) return HEX[0xc0 | (code >> 6)] + HEX[0x80 | (code & 63)];
  if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd; // a lone surrogate has no UTF-8 form
  if (code < 0x10000) return HEX[0xe0 | (code >> 12)] + HEX[0x80 | ((code >> 6) & 63)] + HEX[0x80 | (code & 63)];
  return HEX[0xf0 | (code >> 18)] + HEX[0x80 | ((code >> 12) & 63)] + HEX[0x80 | ((code >> 6) & 63)] + HEX[0x80 | (code & 63)];
}

function escapeHtmlAttribute(value: string): string {
  if (!HTML_SPECIAL.test(value)) return value;
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
