import type { ParsedMail } from 'mailparser';

/**
 * A header's value exactly as sent (unfolded). mailparser folds List-* headers into its own `list`
 * structure, so tests read the raw lines to check what a mailbox provider would see.
 */
export function rawHeader(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.replace(/^[^:]+:\s*/, '').replace(/\r?\n[ \t]+/g, ' ');
}

/** The URL inside `List-Unsubscribe: <url>`. */
export function listUnsubscribeUrl(mail: ParsedMail): string | undefined {
  return /^<([^>]+)>$/.exec(rawHeader(mail, 'list-unsubscribe') ?? '')?.[1];
}
