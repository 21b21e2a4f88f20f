/**
 * The thank-you address an embedded sign-up form asks to return to (its `return_to` field), if
 * Pressroom may send the reader there: an http(s) URL whose origin is one of `origins` (the
 * configured sites that embed the form). Anything else is undefined, and the reader gets
 * Pressroom's own check-your-inbox page: a form field that chose any address would make the sign-up
 * endpoint an open redirect for phishing links.
 *
 * @example
 * allowedReturnUrl('https://www.example.org/thanks', ['https://www.example.org']); // 'https://www.example.org/thanks'
 * allowedReturnUrl('https://evil.example/thanks', ['https://www.example.org']); // undefined
 */
export function allowedReturnUrl(value: unknown, origins: readonly string[]): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  // Userinfo (`https://www.example.org@evil.example`) is parsed correctly by URL, but a URL carrying
  // it is never a thank-you page: refused so that no reader sees one in the address bar.
  if (!/^https?:$/.test(url.protocol) || url.username || url.password) return undefined;
  return origins.includes(url.origin) ? url.href : undefined;
}
