import { TemplateError } from './template';

/** The organisation's look in every email, from runtime configuration. */
export interface Brand {
  organisationName: string;
  postalAddress: string;
  /** A CSS colour: `#rgb`, `#rrggbb` or a colour name. It goes into CSS, so nothing else is accepted. */
  accentColour: string;
  logoUrl?: string;
}

const CSS_COLOUR = /^(#[0-9a-f]{3}|#[0-9a-f]{6}|[a-z]{3,20})$/i;

/**
 * The accent colour goes into CSS and attributes unescaped by any CSS rule, so only plain colours pass.
 *
 * @throws TemplateError for anything but `#rgb`, `#rrggbb` or a colour name.
 */
export function assertPlainColour(colour: string): void {
  if (!CSS_COLOUR.test(colour)) throw new TemplateError(`brand accent colour "${colour}" is not a plain CSS colour`);
}
