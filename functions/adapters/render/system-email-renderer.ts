/**
 * Renders the service's own one-off emails (the double opt-in confirmation) with the release brand:
 * MJML template → responsive HTML, plus a plain-text part made from that HTML.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mjml2html from 'mjml';
import { convert, type HtmlToTextOptions } from 'html-to-text';
import type { SystemEmailRenderer } from '../../domain/ports';
import { stringsFor } from '../../domain/subscriber/strings';
import type { Brand } from './mjml-renderer';
import { escapeHtml, fillTemplate, rawHtml, TemplateError } from './template';

export interface SystemEmailRendererOptions {
  /** Folder holding `confirm.mjml` and `partials/`. */
  templatesDir: string;
  brand: Brand;
}

interface Templates {
  confirm: string;
  attributes: string;
  mastheadLogo: string;
  mastheadName: string;
}

const TEXT_PART: HtmlToTextOptions = {
  wordwrap: 78,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['[', ']'] } },
    { selector: 'h1', options: { uppercase: false } },
    // The MJML preview text is a hidden div at the top of the body; it is not part of the message.
    { selector: 'div[style*="display:none"]', format: 'skip' },
  ],
};

/**
 * @example
 * const systemEmails = new MjmlSystemEmailRenderer({ templatesDir: 'templates', brand });
 * const { subject, html, text } = await systemEmails.renderConfirmation({
 *   lists: ['Blog'], confirmUrl: 'https://news.example.org/confirm/k1.abc.def', language: 'es',
 * });
 */
export class MjmlSystemEmailRenderer implements SystemEmailRenderer {
  private templates?: Promise<Templates>;

  constructor(private readonly options: SystemEmailRendererOptions) {}

  async renderConfirmation(input: { lists: string[]; confirmUrl: string; language?: string }) {
    const templates = await this.loadTemplates();
    const { brand } = this.options;
    const strings = stringsFor(input.language);
    const organisation = brand.organisationName;
    const subject = strings.email.subject(organisation);
    const masthead = fillTemplate(brand.logoUrl ? templates.mastheadLogo : templates.mastheadName, {
      logoUrl: brand.logoUrl ?? '',
      organisationName: organisation,
      accentColour: brand.accentColour,
    });
    const mjml = fillTemplate(templates.confirm, {
      language: strings.language,
      subject,
      preview: strings.email.preview,
      attributes: rawHtml(templates.attributes),
      accentColour: brand.accentColour,
      masthead: rawHtml(masthead),
      heading: strings.email.heading,
      intro: strings.email.intro(organisation),
      lists: rawHtml(`<ul>${input.lists.map((name) => `<li>${escapeHtml(name)}</li>`).join('')}</ul>`),
      confirmUrl: input.confirmUrl,
      button: strings.email.button,
      pasteLink: strings.email.pasteLink,
      expiry: strings.email.expiry,
      ignore: strings.email.ignore,
      footer: strings.email.footer(organisation),
      organisationName: organisation,
      postalAddress: brand.postalAddress,
    });
    const html = await compileMjml(mjml);
    return { subject, html, text: convert(html, TEXT_PART) };
  }

  private loadTemplates(): Promise<Templates> {
    if (!this.templates) {
      const dir = this.options.templatesDir;
      const read = (name: string) => readFile(join(dir, name), 'utf8');
      this.templates = Promise.all([
        read('confirm.mjml'),
        read('partials/brand-attributes.mjml'),
        read('partials/masthead-logo.mjml'),
        read('partials/masthead-name.mjml'),
      ]).then(
        ([confirm, attributes, mastheadLogo, mastheadName]) => ({ confirm, attributes, mastheadLogo, mastheadName }),
        (error: unknown) => {
          this.templates = undefined; // let a later render retry instead of caching the failure
          throw new TemplateError(`cannot read email templates from ${dir}`, { cause: error });
        },
      );
    }
    return this.templates;
  }
}

/** 'strict' refuses a template with errors, so a broken template fails in tests, not in an inbox. */
async function compileMjml(mjml: string): Promise<string> {
  try {
    return (await mjml2html(mjml, { validationLevel: 'strict', keepComments: false })).html;
  } catch (error) {
    const details = (error as { errors?: { formattedMessage?: string }[] }).errors?.map((e) => e.formattedMessage).join('; ');
    throw new TemplateError(`MJML template did not compile${details ? `: ${details}` : ''}`, { cause: error });
  }
}
