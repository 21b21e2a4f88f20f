import { spawnSync } from 'node:child_process';

/** XML 1.0's Char production (§2.2): everything else makes a document malformed. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * Parses a document with a strict XML 1.0 parser (Python's expat, which refuses control characters
 * that the JavaScript parsers at hand let through) and returns its error, or undefined when well
 * formed. The text is first checked against the Char production itself: UTF-8 encoding would turn a
 * lone surrogate into U+FFFD before expat could see it.
 */
export function strictXmlError(xml: string): string | undefined {
  const bad = NOT_XML_CHAR.exec(xml);
  if (bad) return `character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at ${bad.index} is not an XML 1.0 Char`;
  const run = spawnSync('python3', ['-c', 'import sys, xml.parsers.expat as e; e.ParserCreate().Parse(sys.stdin.buffer.read(), True)'], {
    input: Buffer.from(xml, 'utf8'),
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  return run.status === 0 ? undefined : run.stderr.trim().split('\n').at(-1);
}
