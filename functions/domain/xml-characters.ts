/**
 * Characters that XML 1.0 cannot carry at all, not even escaped (its Char production, §2.2): the C0
 * controls other than tab, line feed and carriage return (NUL included), the noncharacters U+FFFE
 * and U+FFFF, and surrogates that are not part of a pair. One of them anywhere in a feed makes the
 * whole document malformed for every reader, so release text refuses them and the feed writer
 * removes any that older releases hold.
 */
// With the `u` flag a paired surrogate is one code point above U+FFFF, so only lone ones match.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/u;
const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, 'gu');

/** The first character XML 1.0 forbids in `text`, as `U+0001`, or undefined. */
export function forbiddenXmlCharacter(text: string): string | undefined {
  const found = FORBIDDEN.exec(text);
  return found ? `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/**
 * `text` without the characters XML 1.0 forbids.
 *
 * @example
 * withoutForbiddenXmlCharacters('bell\u0007'); // 'bell'
 */
export function withoutForbiddenXmlCharacters(text: string): string {
  return text.replace(FORBIDDEN_ALL, '');
}
