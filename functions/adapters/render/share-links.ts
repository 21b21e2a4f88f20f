/**
 * "Share this release" links for the email: plain links to each network's share intent, no
 * scripts or icons, so they work in every client and load nothing from the networks.
 */
export interface ShareLinks {
  x: string;
  facebook: string;
  bluesky: string;
  linkedin: string;
  email: string;
}

/**
 * Share links for a release URL and title. Every value is URL-encoded with encodeURIComponent, so
 * spaces are `%20` (mailto, RFC 6068, does not read `+` as a space) and `&`, `#` or `?` in the
 * title or URL cannot end or add a parameter.
 *
 * @example
 * shareLinks('https://example.org/p?a=1', 'Hello').facebook;
 * // 'https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fexample.org%2Fp%3Fa%3D1'
 */
export function shareLinks(url: string, title: string): ShareLinks {
  const u = encodeURIComponent(url);
  const t = encodeURIComponent(title);
  return {
    x: `https://x.com/intent/post?url=${u}&text=${t}`,
    facebook: `https://www.facebook.com/sharer/sharer.php?u=${u}`,
    // Bluesky's intent takes one text field: the link goes in the post itself.
    bluesky: `https://bsky.app/intent/compose?text=${encodeURIComponent(`${title} ${url}`)}`,
    linkedin: `https://www.linkedin.com/sharing/share-offsite/?url=${u}`,
    email: `mailto:?subject=${t}&body=${u}`,
  };
}
