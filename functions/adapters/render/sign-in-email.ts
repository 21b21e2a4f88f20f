/**
 * The staff sign-in email: the confirmation email's layout (same brand, same compiled template)
 * with its own words and no list of lists, so it needs no template or build step of its own.
 */
import type { Brand } from './brand';

/** Every escaped slot of the confirmation layout, filled for a sign-in link. Staff read English. */
export function signInSlots(brand: Brand, input: { signInUrl: string }): { subject: string; language: string; values: Record<string, string> } {
  const organisation = brand.organisationName;
  const subject = `Sign in to the ${organisation} console`;
  return {
    subject,
    language: 'en',
    values: {
      language: 'en',
      subject,
      preview: 'Your sign-in link, valid for 15 minutes.',
      accentColour: brand.accentColour,
      heading: 'Sign in to the console',
      intro: `Someone, hopefully you, asked to sign in to the ${organisation} console with this address.`,
      // The confirmation layout's link slot carries the sign-in link.
      confirmUrl: input.signInUrl,
      button: 'Sign in',
      pasteLink: 'Or paste this link into your browser:',
      expiry: 'The link works once, for 15 minutes.',
      ignore: 'If you did not ask to sign in, ignore this email: nothing happens without the link.',
      footer: `You receive this because this address is staff of ${organisation}.`,
      organisationName: organisation,
      postalAddress: brand.postalAddress,
      logoUrl: brand.logoUrl ?? '',
    },
  };
}
