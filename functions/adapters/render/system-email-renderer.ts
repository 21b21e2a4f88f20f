/**
 * The confirmation email compiled from MJML at run time: the definition of what the precompiled
 * email (confirmation-email.ts, which the wiring uses) must produce. The build step and the
 * equivalence test use it; a function that loads it loads mjml.
 */
import type { SystemEmailRenderer } from '../../domain/subscriber/ports';
import type { Brand } from './brand';
import { escapeHtml, fillTemplate, rawHtml } from './template';
import { compileMjml, fillMasthead, TemplateFiles } from './mjml-compile';
import { confirmationSlots, confirmationText, type ConfirmationInput } from './confirmation-email';
import { signInSlots } from './sign-in-email';
import type { SignInEmailRenderer } from '../../domain/staff/ports';

export interface SystemEmailRendererOptions {
  /** Folder holding `confirm.mjml` and `partials/`. */
  templatesDir: string;
  brand: Brand;
}

/**
 * @example
 * const systemEmails = new MjmlSystemEmailRenderer({ templatesDir: 'templates', brand });
 * const { subject, html, text } = await systemEmails.renderConfirmation({
 *   lists: ['Blog'], confirmUrl: 'https://news.example.org/confirm/k1.abc.def', language: 'es',
 * });
 */
export class MjmlSystemEmailRenderer implements SystemEmailRenderer, SignInEmailRenderer {
  private readonly files: TemplateFiles<'confirm' | 'attributes' | 'mastheadLogo' | 'mastheadName'>;

  constructor(private readonly options: SystemEmailRendererOptions) {
    this.files = confirmationTemplateFiles(options.templatesDir);
  }

  async renderConfirmation(input: ConfirmationInput) {
    const templates = await this.files.load();
    const { brand } = this.options;
    const { subject, language, values } = confirmationSlots(brand, input);
    const mjml = fillTemplate(templates.confirm, {
      ...values,
      attributes: rawHtml(templates.attributes),
      masthead: rawHtml(fillMasthead(brand, templates)),
      lists: rawHtml(`<ul>${input.lists.map((name) => `<li>${escapeHtml(name)}</li>`).join('')}</ul>`),
    });
    const html = await compileMjml(mjml);
    return { subject, html, text: await confirmationText(html, language) };
  }
  async renderSignInLink(input: { signInUrl: string }) {
    const templates = await this.files.load();
    const { brand } = this.options;
    const { subject, language, values } = signInSlots(brand, input);
    const mjml = fillTemplate(templates.confirm, {
      ...values,
      attributes: rawHtml(templates.attributes),
      masthead: rawHtml(fillMasthead(brand, templates)),
      // The compiled layout (confirmation-email.ts) keeps the list's <ul> with no items in it.
      lists: rawHtml('<ul></ul>'),
    });
    const html = await compileMjml(mjml);
    return { subject, html, text: await confirmationText(html, language) };
  }
}

/** The confirmation template and the partials it includes. */
export function confirmationTemplateFiles(templatesDir: string) {
  return new TemplateFiles(templatesDir, {
    confirm: 'confirm.mjml',
    attributes: 'partials/brand-attributes.mjml',
    mastheadLogo: 'partials/masthead-logo.mjml',
    mastheadName: 'partials/masthead-name.mjml',
  });
}
