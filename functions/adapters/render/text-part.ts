/**
 * The plain-text alternative every Pressroom email carries, made from its HTML. Kept apart from the
 * MJML compiler so that functions sending precompiled emails (the confirmation) do not load mjml.
 */
import { convert, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';

/**
 * Plain-text part options: 78-column lines, no images, no preheader. Links are numbered references
 * (`Read the report [1]`, listed under the text), which {@link textPart} sets up per message.
 */
export const TEXT_PART: HtmlToTextOptions = {
  wordwrap: 78,
  selectors: [
    // Images only add clutter ("[logo.png]") in plain text.
    { selector: 'img', format: 'skip' },
    { selector: 'a', format: 'numberedLink' },
    // The MJML preview text is a hidden div at the top of the body; it is not part of the message.
    { selector: 'div[style*="display:none"]', format: 'skip' },
  ],
};

/**
 * The plain-text alternative of a compiled email. Every link becomes a numbered reference, with the
 * list of URLs at the end under `linksHeading`: long URLs inline break sentences apart and wrap
 * badly at 78 columns. A link whose text is its own URL stays inline; a URL linked twice keeps its
 * first number.
 *
 * @example
 * textPart('<p>See <a href="https://example.org/r">the report</a>.</p>');
 * // 'See the report [1].\n\nLinks:\n[1] https://example.org/r'
 */
export function textPart(html: string, options: HtmlToTextOptions = TEXT_PART, linksHeading = 'Links:'): string {
  const links: string[] = [];
  const numberedLink: FormatCallback = (elem, walk, builder) => {
    const href = typeof elem.attribs?.href === 'string' ? elem.attribs.href.trim() : '';
    walk(elem.children, builder);
    if (!/^(https?|mailto):/i.test(href)) return;
    const text = textOf(elem).trim();
    if (text === href || `mailto:${text}` === href) return;
    let number = links.indexOf(href) + 1;
    if (number === 0) number = links.push(href);
    builder.addInline(` [${number}]`, { noWordTransform: true });
  };
  const body = convert(html, { ...options, formatters: { ...options.formatters, numberedLink } }).trimEnd();
  if (links.length === 0) return body;
  return `${body}\n\n${linksHeading}\n${links.map((href, i) => `[${i + 1}] ${href}`).join('\n')}`;
}

type Node = { type?: string; data?: string; children?: Node[] };
function textOf(node: Node): string {
  if (node.type === 'text') return node.data ?? '';
  return (node.children ?? []).map(textOf).join('');
}
