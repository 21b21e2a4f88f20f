/**
 * Checks a rendered release before anyone receives it. Pure: values in, findings out.
 *
 * Blocking findings stop a publish (the email would be broken or unlawful); warnings are stored with
 * the release and shown in the preview so staff can decide.
 */
import { Parser } from 'htmlparser2';
import { FindingSeverity, type Finding } from './finding';
import { RecipientPlaceholder, type RenderedEmail } from './rendered-email';
import type { Release } from './release';

/** Gmail clips an HTML part above 102 KB; the clipped part holds the footer and its unsubscribe link. */
export const GMAIL_CLIP_BYTES = 102 * 1024;
/** Inbox lists show roughly this many characters of a subject on a phone. */
const SUBJECT_SOFT_LIMIT = 100;

// Elements whose end tag HTML lets authors leave out: an implied close of these is not a mistake.
const OPTIONAL_END = new Set(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'option', 'colgroup', 'caption']);
const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'area', 'base', 'col', 'embed', 'source', 'track', 'wbr']);

/**
 * Warnings are stored with the release and shown in every preview: however hostile the body (a
 * body can name tens of thousands of made-up tags), each names a few examples and counts the rest.
 */
const NAMED_IN_A_WARNING = 10;
const MAX_QUOTED_LINK = 100;

/** `<a>, <b> and 3 more`: the first few of `items`, then how many are left out. */
function someOf(items: string[], max = NAMED_IN_A_WARNING): string {
  const named = items.slice(0, max).join(', ');
  return items.length > max ? `${named} and ${items.length - max} more` : named;
}

const quoted = (link: string) => (link.length > MAX_QUOTED_LINK ? `${link.slice(0, MAX_QUOTED_LINK - 1)}…` : link);

interface MarkupSummary {
  tags: Map<string, number>;
  unclosed: Set<string>;
  strayClosers: Set<string>;
  links: string[];
  imagesWithoutAlt: number;
  handlerAttributes: number;
}

function summarise(html: string): MarkupSummary {
  const summary: MarkupSummary = { tags: new Map(), unclosed: new Set(), strayClosers: new Set(), links: [], imagesWithoutAlt: 0, handlerAttributes: 0 };
  const open: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        summary.tags.set(name, (summary.tags.get(name) ?? 0) + 1);
        if (!VOID.has(name)) open.push(name);
        if (name === 'a' && attribs.href !== undefined) summary.links.push(attribs.href);
        if (name === 'img' && !attribs.alt?.trim()) summary.imagesWithoutAlt++;
        summary.handlerAttributes += Object.keys(attribs).filter((a) => a.startsWith('on')).length;
      },
      onclosetag(name, isImplied) {
        if (VOID.has(name)) return;
        const at = open.lastIndexOf(name);
        if (at === -1) summary.strayClosers.add(name);
        else open.splice(at, 1);
        if (isImplied && !OPTIONAL_END.has(name)) summary.unclosed.add(name);
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return summary;
}

/**
 * Lints a rendered release.
 *
 * @param sanitisedBody the release body (HTML, or Markdown turned into HTML) after the sanitiser.
 * @example
 * const findings = preflight(release, rendered, sanitiseReleaseHtml(release.html!, release.url));
 * if (findings.some((f) => f.severity === 'blocking')) throw new PreflightError(findings);
 */
export function preflight(release: Release, rendered: RenderedEmail, sanitisedBody: string): Finding[] {
  const findings: Finding[] = [];
  const add = (code: string, severity: FindingSeverity, message: string) => findings.push({ code, severity, message });

  const subject = rendered.subject.trim();
  if (!subject) add('subject-empty', 'blocking', 'The subject is empty.');
  else if ([...subject].length > SUBJECT_SOFT_LIMIT) {
    add('subject-long', 'warning', `The subject has ${[...subject].length} characters; phones show about ${SUBJECT_SOFT_LIMIT}.`);
  }

  const bytes = Buffer.byteLength(rendered.html, 'utf8');
  if (bytes > GMAIL_CLIP_BYTES) {
    add('html-too-large', 'blocking', `The HTML is ${Math.ceil(bytes / 1024)} KB; Gmail clips above 102 KB and hides the footer with the unsubscribe link.`);
  }
  if (!rendered.html.includes(RecipientPlaceholder.UnsubscribeUrl) || !rendered.text.includes(RecipientPlaceholder.UnsubscribeUrl)) {
    add('unsubscribe-missing', 'blocking', 'The email has no unsubscribe link in both its HTML and text parts.');
  }

  // Links and images are checked in the body staff wrote; the template's own links (web version,
  // footer) follow the configured public URL, which is plain http in local mode.
  const kept = summarise(sanitisedBody);
  const badLinks = kept.links.filter((href) => !/^(https:|mailto:)/i.test(href));
  if (badLinks.length) {
    add('links-not-https', 'warning', `${badLinks.length} link(s) are not absolute https: ${someOf([...new Set(badLinks)].map(quoted), 5)}`);
  }
  if (kept.imagesWithoutAlt) add('images-without-alt', 'warning', `${kept.imagesWithoutAlt} image(s) have no alt text.`);

  if (release.html !== undefined) {
    const source = summarise(release.html);
    const removed = [...source.tags].filter(([tag, n]) => (kept.tags.get(tag) ?? 0) < n && !['h1', 'h5', 'h6'].includes(tag)).map(([tag]) => `<${tag}>`);
    if (removed.length) add('markup-stripped', 'warning', `Removed by the sanitiser: ${someOf(removed)}.`);
    if (source.handlerAttributes) add('handlers-stripped', 'warning', `Removed ${source.handlerAttributes} event-handler attribute(s).`);
    const unbalanced = [...source.unclosed, ...source.strayClosers];
    if (unbalanced.length) add('markup-unbalanced', 'warning', `Unbalanced markup in the body: ${someOf([...new Set(unbalanced)].map((t) => `<${t}>`))}.`);
  }
  return findings;
}

export function hasBlocking(findings: Finding[]): boolean {
  return findings.some((f) => f.severity === FindingSeverity.Blocking);
}
