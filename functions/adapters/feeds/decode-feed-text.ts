/**
 * The character encoding of a fetched feed, told the way RFC 7303 (XML media types) orders it: a
 * byte order mark first, then the Content-Type's `charset`, then the XML declaration's `encoding`,
 * else UTF-8. Labels are the WHATWG Encoding Standard's, as Node's TextDecoder knows them
 * (windows-1252, iso-8859-x, euc-kr, big5, gbk…); an unknown label is passed over.
 */
function encodingOf(bytes: Uint8Array, contentType: string): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  // UTF-16 without a mark still starts with `<?` (XML 1.0 appendix F), one zero byte per character.
  const sixteenBit = (bytes[0] === 0x3c && bytes[1] === 0 && bytes[2] === 0x3f && bytes[3] === 0)
    ? 'utf-16le'
    : (bytes[0] === 0 && bytes[1] === 0x3c && bytes[2] === 0 && bytes[3] === 0x3f) ? 'utf-16be' : undefined;
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  if (charset && knownLabel(charset) && (sixteenBit !== undefined) === isSixteenBit(charset)) {
    return charset;
  }
  if (sixteenBit) return sixteenBit;
  // The declaration is ASCII in every encoding that can be read this far; latin1 reads it as is.
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  const declared = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
  // A declaration read as single bytes that names UTF-16 is wrong about itself.
  if (declared && knownLabel(declared) && !isSixteenBit(declared)) return declared;
  return 'utf-8';
}

function knownLabel(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

function isSixteenBit(label: string): boolean {
  return /^(utf-?16|ucs-?2|unicode)/i.test(label.trim());
}

/**
 * Decodes a fetched feed's bytes to text in the encoding it declares (see {@link encodingOf} for the
 * order: BOM, Content-Type charset, XML declaration, UTF-8). The byte order mark is dropped; bytes
 * that are not valid in the encoding become U+FFFD rather than failing the whole feed.
 *
 * @example
 * decodeFeedText(bytes, 'text/xml; charset=windows-1252'); // 'don’t' from the byte 0x92
 */
export function decodeFeedText(bytes: Uint8Array, contentType: string): string {
  const decoder = new TextDecoder(encodingOf(bytes, contentType));
  // WHATWG names latin1, iso-8859-1, us-ascii and windows-1252 all windows-1252; Node 20's decoder
  // reads them as ISO-8859-1, turning 0x93 (“) and its kind into invisible C1 controls.
  return decoder.encoding === 'windows-1252' ? decodeWindows1252(bytes) : decoder.decode(bytes);
}

// Windows-1252's 0x80–0x9F, as the WHATWG Encoding Standard's index gives them (the five it leaves
// undefined map to the C1 control of the same value); every other byte is its own code point.
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  const codes = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    codes[i] = byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH[byte - 0x80] : byte;
  }
  let text = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < codes.length; i += 8192) text += String.fromCharCode(...codes.subarray(i, i + 8192));
  return text;
}
