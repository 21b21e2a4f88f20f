/**
 * What every Pressroom email shares on its way from MJML to a message: compilation, the plain-text
 * part, and templates read from disk once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mjml2html from 'mjml';
import { convert, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';
import { fillTemplate, TemplateError } from './template';
import type { Brand } from './mjml-renderer';

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

/** 'strict' refuses a template with errors, so a broken template fails in tests, not in an inbox. */
export async function compileMjml(mjml: string): Promise<string> {
  try {
    // juice would copy the CSS `height: auto` of body images into an invalid `height="auto"` attribute.
    return (await mjml2html(mjml, { validationLevel: 'strict', keepComments: false, juiceOptions: { applyHeightAttributes: false } })).html;
  } catch (error) {
    const details = (error as { errors?: { formattedMessage?: string }[] }).errors?.map((e) => e.formattedMessage).join('; ');
    throw new TemplateError(`MJML template did not compile${details ? `: ${details}` : ''}`, { cause: error });
  }
}

/**
 * Template files read once per instance. A failed read is not cached, so a later render retries.
 *
 * @example
 * const files = new TemplateFiles('templates', { release: 'release.mjml' });
 * const { release } = await files.load();
 */
export class TemplateFiles<K extends string> {
  private loaded?: Promise<Record<K, string>>;

  constructor(private readonly dir: string, private readonly files: Record<K, string>) {}

  load(): Promise<Record<K, string>> {
    this.loaded ??= Promise.all(
      Object.entries<string>(this.files).map(async ([key, name]) => [key, await readFile(join(this.dir, name), 'utf8')] as const),
    ).then(
      (entries) => Object.fromEntries(entries) as Record<K, string>,
      (error: unknown) => {
        this.loaded = undefined;
        throw new TemplateError(`cannot read email templates from ${this.dir}`, { cause: error });
      },
    );
    return this.loaded;
  }
}

/** The brand header every email opens with: the logo when there is one, else the organisation's name. */
export function fillMasthead(brand: Brand, templates: { mastheadLogo: string; mastheadName: string }): string {
  return fillTemplate(brand.logoUrl ? templates.mastheadLogo : templates.mastheadName, {
    logoUrl: brand.logoUrl ?? '',
    organisationName: brand.organisationName,
    accentColour: brand.accentColour,
  });
}
