/**
 * Strings the renderer leaves in the email where each recipient's own value goes. They are plain
 * ASCII with no characters that HTML, MJML minification, quoted-printable or html-to-text rewrite.
 */
export const RecipientPlaceholder = {
  UnsubscribeUrl: 'https://pressroom.invalid/__unsubscribe__',
  /** The recipient's own preference-centre link (signed, purpose `preferences`). */
  PreferencesUrl: 'https://pressroom.invalid/__preferences__',
} as const;

/** A release's email as rendered once: the same for every recipient but for the placeholders. */
export interface RenderedEmail {
  subject: string;
  /** Complete HTML document, with {@link RecipientPlaceholder}s still in it. */
  html: string;
  /** Plain-text alternative, with the same placeholders. */
  text: string;
  /** The release revision this is the email of (absent: 1); a correction's rendering replaces an older one. */
  revision?: number;
}
