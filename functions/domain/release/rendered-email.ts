/**
 * Strings the renderer leaves in the email where each recipient's own value goes. They are plain
 * ASCII with no characters that HTML, MJML minification, quoted-printable or html-to-text rewrite.
 */
export const RecipientPlaceholder = {
  UnsubscribeUrl: 'https://pressroom.invalid/__unsubscribe__',
  /** The recipient's own preference-centre link (signed, purpose `preferences`). */
  PreferencesUrl: 'https://pressroom.invalid/__preferences__',
  /**
   * The names of the lists that brought this recipient the email, joined in the email's language
   * ("Blog and Press Releases"): text, not a URL, so emails not sent to a member (the web version,
   * test sends) fill it with the release's lists instead of the sign-up link.
   */
  ListNames: '__pressroom_list_names__',
} as const;

/** The placeholders that are links: outside a member's email they all point at the sign-up page. */
export const RECIPIENT_LINKS = [RecipientPlaceholder.UnsubscribeUrl, RecipientPlaceholder.PreferencesUrl] as const;

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
