/**
 * A list's welcome email from HTML compiled at build time (templates/welcome.mjml, compiled by
 * scripts/compile-system-emails.ts into generated/welcome-email.ts): the run time fills its slots
 * (escaped) and places the sanitised body, so the sign-up worker never loads mjml.
 */
import type { WelcomeEmailRenderer } from '../../domain/subscriber/ports';
import type { Brand } from './brand';
import { PREHEADER_MAX, releaseSummary } from '../../domain/release/release-summary';
import { fillTemplate, rawHtml } from './template';
import { mjmlColourAttribute } from './confirmation-email';
import { releaseStringsFor } from '../strings/release-strings';
import { welcomeStringsFor } from '../strings/welcome-strings';
import { WELCOME_EMAIL } from './generated/welcome-email';

export type WelcomeInput = Parameters<WelcomeEmailRenderer['renderWelcome']>[0];

/**
 * Every escaped slot of templates/welcome.mjml and its masthead partials: shared by the build step
 * (which has no body) and the run-time fill.
 */
export function welcomeSlots(brand: Brand, input: Omit<WelcomeInput, 'bodyHtml'> & { bodyHtml?: string }): { language: string; values: Record<string, string> } {
  const strings = welcomeStringsFor(input.language);
  return {
    language: strings.language,
    values: {
      language: strings.language,
      subject: input.subject,
      // What the inbox shows beside the subject: the body's first sentence, as a release's preheader
      // is (a heading that only repeats the subject skipped). Without it the inbox shows the
      // masthead's text, the same for every welcome.
      preheader: releaseSummary({ title: input.subject, language: strings.language }, input.bodyHtml ?? '', PREHEADER_MAX),
      accentColour: brand.accentColour,
      why: strings.why(input.listName, brand.organisationName),
      unsubscribeUrl: input.unsubscribeUrl,
      unsubscribe: strings.unsubscribe,
      preferencesUrl: input.preferencesUrl,
      preferences: strings.preferences,
      organisationName: brand.organisationName,
      postalAddress: brand.postalAddress,
      logoUrl: brand.logoUrl ?? '',
    },
  };
}

/**
 * @example
 * const { html } = await new PrecompiledWelcomeRenderer({ brand }).renderWelcome({
 *   subject: 'Welcome', bodyHtml: '<p>Hello</p>', listName: 'Blog', unsubscribeUrl, preferencesUrl,
 * });
 */
export class PrecompiledWelcomeRenderer implements WelcomeEmailRenderer {
  constructor(private readonly options: { brand: Brand }) {}

  async renderWelcome(input: WelcomeInput) {
    const { brand } = this.options;
    const { language, values } = welcomeSlots(brand, input);
    const compiled = brand.logoUrl ? WELCOME_EMAIL.mastheadLogo : WELCOME_EMAIL.mastheadName;
    // The body was sanitised by the caller (domain/subscriber/welcome.ts): the one raw slot.
    const html = fillTemplate(compiled, { ...values, accentColourAttribute: mjmlColourAttribute(brand.accentColour), body: rawHtml(input.bodyHtml) });
    return { subject: input.subject, html, text: await welcomeText(html, language) };
  }
}

/** The text part: staff's headings keep the case they wrote (the release text part shouts them). */
async function welcomeText(html: string, language: string): Promise<string> {
  const { textPart, TEXT_PART } = await import('./text-part');
  const headings = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } }));
  return textPart(html, { ...TEXT_PART, selectors: [...(TEXT_PART.selectors ?? []), ...headings] }, releaseStringsFor(language).links);
}
