/**
 * Renders the service's own one-off emails (the double opt-in confirmation) with the release brand:
 * MJML template → responsive HTML, plus a plain-text part made from that HTML.
 */
import type { HtmlToTextOptions } from 'html-to-text';
import type { SystemEmailRenderer } from '../../domain/ports';
import { stringsFor } from '../../domain/subscriber/strings';
import type { Brand } from './mjml-renderer';
import { escapeHtml, fillTemplate, rawHtml } from './template';
import { compileMjml, fillMasthead, TemplateFiles, TEXT_PART, textPart } from './mjml-compile';
import { releaseStringsFor } from './release-strings';

export interface SystemEmailRendererOptions {
  /** Folder holding `confirm.mjml` and `partials/`. */
  templatesDir: string;
  brand: Brand;
}

// The confirmation heading is a sentence, not a title: keep its case in the text part.
const CONFIRMATION_TEXT: HtmlToTextOptions = {
  ...TEXT_PART,
  selectors: [...(TEXT_PART.selectors ?? []), { selector: 'h1', options: { uppercase: false } }],
};

/**
 * @example
 * const systemEmails = new MjmlSystemEmailRenderer({ templatesDir: 'templates', brand });
 * const { subject, html, text } = await systemEmails.renderConfirmation({
 *   lists: ['Blog'], confirmUrl: 'https://news.example.org/confirm/k1.abc.def', language: 'es',
 * });
 */
export class MjmlSystemEmailRenderer implements SystemEmailRenderer {
  private readonly files: TemplateFiles<'confirm' | 'attributes' | 'mastheadLogo' | 'mastheadName'>;

  constructor(private readonly options: SystemEmailRendererOptions) {
    this.files = new TemplateFiles(options.templatesDir, {
      confirm: 'confirm.mjml',
      attributes: 'partials/brand-attributes.mjml',
      mastheadLogo: 'partials/masthead-logo.mjml',
      mastheadName: 'partials/masthead-name.mjml',
    });
  }

  async renderConfirmation(input: { lists: string[]; confirmUrl: string; language?: string }) {
    const templates = await this.loadTemplates();
    const { brand } = this.options;
    const strings = stringsFor(input.language);
    const organisation = brand.organisationName;
    const subject = strings.email.subject(organisation);
    const masthead = fillMasthead(brand, templates);
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
    return { subject, html, text: textPart(html, CONFIRMATION_TEXT, releaseStringsFor(strings.language).links) };
  }

  private loadTemplates() {
    return this.files.load();
  }

}
