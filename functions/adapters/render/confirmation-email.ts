/**
 * The double opt-in confirmation email, sent from HTML compiled at build time: MJML is compiled once
 * by scripts/compile-system-emails.ts into generated/confirmation-email.ts, with a `{{slot}}` where
 * each word, link and brand value goes. At run time this fills the slots (escaped, like every
 * template here) and makes the text part, so sign-up and import never load mjml (~300 ms to import).
 * tests/unit/confirmation-email.test.ts holds the output equal to compiling the MJML at run time
 * ({@link MjmlSystemEmailRenderer}, the definition) and the generated file up to date.
 */
import type { SystemEmailRenderer } from '../../domain/subscriber/ports';
import { stringsFor } from '../strings/ui-strings';
import { assertPlainColour, type Brand } from './brand';
import { fillTemplate, rawHtml, type TemplateValues } from './template';
import { releaseStringsFor } from '../strings/release-strings';
import { CONFIRMATION_EMAIL } from './generated/confirmation-email';
import { signInSlots } from './sign-in-email';
import type { SignInEmailRenderer } from '../../domain/staff/ports';

export interface ConfirmationInput {
  /** Display names of the lists asked for. */
  lists: string[];
  /** The signed confirmation link. */
  confirmUrl: string;
  language?: string;
}

/**
 * Every escaped slot of templates/confirm.mjml and its masthead partials, from the brand and the
 * request: the one list of them that both the build step and the run-time fill use. The lists
 * themselves, the brand attributes and the masthead's choice of partial are left to the caller.
 */
export function confirmationSlots(brand: Brand, input: ConfirmationInput): { subject: string; language: string; values: Record<string, string> } {
  const strings = stringsFor(input.language);
  const organisation = brand.organisationName;
  const subject = strings.email.subject(organisation);
  return {
    subject,
    language: strings.language,
    values: {
      language: strings.language,
      subject,
      preview: strings.email.preview,
      accentColour: brand.accentColour,
      heading: strings.email.heading,
      intro: strings.email.intro(organisation),
      confirmUrl: input.confirmUrl,
      button: strings.email.button,
      pasteLink: strings.email.pasteLink,
      expiry: strings.email.expiry,
      ignore: strings.email.ignore,
      footer: strings.email.footer(organisation),
      organisationName: organisation,
      postalAddress: brand.postalAddress,
      logoUrl: brand.logoUrl ?? '',
    },
  };
}

/**
 * mjml writes a colour-typed attribute's `#rgb` as `#rrggbb` (mjml-core's types/color.js) but leaves
 * CSS and other attributes as given, so the compiled email has a slot for each spelling.
 */
export function mjmlColourAttribute(colour: string): string {
  return /^#\w{3}$/.test(colour) ? colour.replace(/^#(\w)(\w)(\w)$/, '#$1$1$2$2$3$3') : colour;
}

/**
 * The text part of a confirmation email from its HTML. html-to-text is loaded with the first
 * confirmation a function sends, not when it starts: the sign-up form (GET /subscribe) and imports
 * with consent never need it.
 */
export async function confirmationText(html: string, language: string): Promise<string> {
  const { textPart, TEXT_PART } = await import('./text-part');
  // The confirmation heading is a sentence, not a title: keep its case in the text part.
  const options = { ...TEXT_PART, selectors: [...(TEXT_PART.selectors ?? []), { selector: 'h1', options: { uppercase: false } }] };
  return textPart(html, options, releaseStringsFor(language).links);
}

/**
 * @example
 * const systemEmails = new PrecompiledSystemEmailRenderer({ brand });
 * const { subject, html, text } = await systemEmails.renderConfirmation({
 *   lists: ['Blog'], confirmUrl: 'https://news.example.org/confirm/k1.abc.def', language: 'es',
 * });
 */
export class PrecompiledSystemEmailRenderer implements SystemEmailRenderer, SignInEmailRenderer {
  constructor(private readonly options: { brand: Brand }) {
    // mjml's strict validation refused a bad colour at render time; without mjml, refuse it up front.
    assertPlainColour(options.brand.accentColour);
  }

  async renderConfirmation(input: ConfirmationInput) {
    const { brand } = this.options;
    const { subject, language, values } = confirmationSlots(brand, input);
    const compiled = brand.logoUrl ? CONFIRMATION_EMAIL.mastheadLogo : CONFIRMATION_EMAIL.mastheadName;
    const listItems = input.lists.map((listName) => fillTemplate(CONFIRMATION_EMAIL.listItem, { listName })).join('');
    const slots: TemplateValues = {
      ...values,
      accentColourAttribute: mjmlColourAttribute(brand.accentColour),
      listItems: rawHtml(listItems),
    };
    const html = fillTemplate(compiled, slots);
    return { subject, html, text: await confirmationText(html, language) };
  }
  /** The staff sign-in email, in the confirmation's layout with no lists (sign-in-email.ts). */
  async renderSignInLink(input: { signInUrl: string }) {
    const { brand } = this.options;
    const { subject, language, values } = signInSlots(brand, input);
    const compiled = brand.logoUrl ? CONFIRMATION_EMAIL.mastheadLogo : CONFIRMATION_EMAIL.mastheadName;
    const html = fillTemplate(compiled, { ...values, accentColourAttribute: mjmlColourAttribute(brand.accentColour), listItems: rawHtml('') });
    return { subject, html, text: await confirmationText(html, language) };
  }
}
