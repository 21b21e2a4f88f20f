/**
 * Small server-rendered pages for subscribers. No scripts and no third-party resources: they must
 * work in any browser, behind any privacy setting, and pass the API's Content-Security-Policy.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface PageOptions {
  title: string;
  organisationName: string;
  /** Trusted HTML: callers escape what they interpolate. */
  body: string;
  lang?: string;
  /** Search engines may list the page (the public archive); subscriber pages stay out of them. */
  indexable?: boolean;
  /** `<link rel="alternate">` entries for the head, e.g. the feeds, for readers that discover them. */
  alternates?: { type: string; title: string; href: string }[];
}

export function page({ title, organisationName, body, lang = 'en', indexable = false, alternates = [] }: PageOptions): string {
  const links = alternates
    .map((a) => `\n<link rel="alternate" type="${escapeHtml(a.type)}" title="${escapeHtml(a.title)}" href="${escapeHtml(a.href)}">`)
    .join('');
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${indexable ? '' : '<meta name="robots" content="noindex">\n'}<title>${escapeHtml(title)} · ${escapeHtml(organisationName)}</title>${links}
<style>
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2937; background: #f3f4f6; margin: 0; }
  main { max-width: 32rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px; }
  h1 { font-size: 1.5rem; margin-top: 0; }
  button { font: inherit; background: #1d4ed8; color: #fff; border: 0; padding: .75rem 1.25rem; border-radius: 6px; cursor: pointer; }
  button:focus-visible { outline: 3px solid #93c5fd; outline-offset: 2px; }
  .muted { color: #4b5563; }
</style>
</head>
<body>
<main>
<p class="muted">${escapeHtml(organisationName)}</p>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
}
