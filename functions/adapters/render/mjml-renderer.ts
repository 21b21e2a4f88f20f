/**
 * Renders a release into the email every recipient gets: MJML template → responsive HTML, plus a
 * plain-text part made from that HTML. Recipient placeholders are left in for the sender to fill.
 */
import type { HtmlToTextOptions } from 'html-to-text';
import type { EmailRenderer } from '../../domain/release/ports';
import { RecipientPlaceholder, type RenderedEmail } from '../../domain/release/rendered-email';
import { ReleaseKind, type Release } from '../../domain/release/release';
import type { DigestContent } from '../../domain/digest/digest-content';
import { releaseBody } from '../../domain/release/release-body';
import { PREHEADER_MAX, releaseSummary } from '../../domain/release/release-summary';
import { ValidationError } from '../../domain/errors';
import { escapeHtml, fillTemplate, rawHtml } from './template';
import { compileMjml, fillMasthead, TemplateFiles } from './mjml-compile';
import { TEXT_PART, textPart } from './text-part';
import { assertPlainColour, type Brand } from './brand';
import { releaseStringsFor } from '../strings/release-strings';
import { shareLinks } from './share-links';
import { formatDate } from './release-date';


export interface MjmlRendererOptions {
  /** Folder holding `release.mjml` and `partials/`. */
  templatesDir: string;
  brand: Brand;
  /** Public base URL of this service; the web version of a release lives under `/releases/{id}`. */
  publicUrl: string;
  /** Time zone for the release date shown in the email (IANA name). Defaults to UTC, so output is stable. */
  timeZone?: string;
}

// Share intents are long URLs that would overflow every line of a plain-text email, and a reader
// of the text part can forward it instead: the share line stays in the HTML only.
const RELEASE_TEXT: HtmlToTextOptions = {
  ...TEXT_PART,
  selectors: [...(TEXT_PART.selectors ?? []), { selector: '.share', format: 'skip' }],
};

/**
 * Builds the release email from MJML templates. Templates are read from disk once per instance.
 *
 * @example
 * const renderer = new MjmlRenderer({
 *   templatesDir: 'templates',
 *   brand: { organisationName: 'Example', postalAddress: '1 Main St, Springfield', accentColour: '#b3261e' },
 *   publicUrl: 'https://news.example.org',
 * });
 * const { subject, html, text } = await renderer.render(release);
 */
export class MjmlRenderer implements EmailRenderer {
  private readonly files: TemplateFiles<'release' | 'digest' | 'mastheadLogo' | 'mastheadName'>;
  private readonly publicUrl: string;
  private readonly timeZone: string;

  constructor(private readonly options: MjmlRendererOptions) {
    assertPlainColour(options.brand.accentColour);
    this.publicUrl = options.publicUrl.replace(/\/+$/, '');
    this.timeZone = options.timeZone ?? 'UTC';
    this.files = new TemplateFiles(options.templatesDir, {
      release: 'release.mjml',
      digest: 'digest.mjml',
      mastheadLogo: 'partials/masthead-logo.mjml',
      mastheadName: 'partials/masthead-name.mjml',
    });
  }

  async render(release: Release): Promise<RenderedEmail> {
    if (release.kind === ReleaseKind.Digest) return this.renderDigest(release);
    const templates = await this.loadTemplates();
    const { brand } = this.options;
    if (release.body === undefined && release.html === undefined && release.markdown === undefined) {
      throw new ValidationError([{ field: 'html', message: 'give either html or markdown' }], 'Release has no body');
    }
    const body = await releaseBody(release);
    const strings = releaseStringsFor(release.language);
    const share = shareLinks(release.url, release.title);

    const masthead = fillMasthead(brand, templates);
    const mjml = fillTemplate(templates.release, {
      language: release.language,
      title: release.title,
      // The release's own summary whole; else the first sentence the social posts and the digest
      // use too (releaseSummary), cut to what an inbox preview shows.
      preheader: release.summary?.trim() || releaseSummary(release, body, PREHEADER_MAX),
      accentColour: brand.accentColour,
      masthead: rawHtml(masthead),
      byline: [formatDate(release.publishedAt, release.language, this.timeZone), release.author]
        .filter(Boolean)
        .join(' · '),
      topics: release.tags.length ? `${strings.topics} ${release.tags.join(' · ')}` : '',
      correction: rawHtml(correctionLine(release, strings.updated(formatDate(release.updatedAt ?? release.publishedAt, release.language, this.timeZone)))),
      body: rawHtml(body),
      url: release.url,
      ...this.footer(release, strings),
      readOnWebsite: strings.readOnWebsite,
      // The lists differ per recipient (those of the release they are on): the sender fills them in.
      whyReceiving: strings.whyReceiving(RecipientPlaceholder.ListNames),
      shareLabel: strings.share.label,
      shareEmailLabel: strings.share.email,
      shareX: share.x,
      shareFacebook: share.facebook,
      shareBluesky: share.bluesky,
      shareLinkedin: share.linkedin,
      shareEmail: share.email,
    });

    const html = await compileMjml(mjml);
    return { subject: release.title, html, text: textPart(html, RELEASE_TEXT, strings.links) };
  }

  /** The weekly digest: its own template, one block per release with title, date, summary and link. */
  private async renderDigest(release: Release): Promise<RenderedEmail> {
    const digest: DigestContent = release.digest ?? { from: release.publishedAt, to: release.publishedAt, items: [] };
    const templates = await this.loadTemplates();
    const { brand } = this.options;
    const strings = releaseStringsFor(release.language);
    const period = formatPeriod(digest.from, digest.to, release.language, this.timeZone);
    const subject = strings.digest.subject(brand.organisationName, period);
    const items = digest.items
      .map(
        (item) => `<mj-text css-class="digest-item" padding="0 8px 24px">
  <h2><a href="${escapeHtml(item.url)}">${escapeHtml(item.title)}</a></h2>
  <p style="font-family: Helvetica, Arial, sans-serif; font-size: 13px; color: #616e7c;">${escapeHtml(formatDate(item.publishedAt, release.language, this.timeZone))}</p>
  <p>${escapeHtml(item.summary)}</p>
  <p><a class="more" href="${escapeHtml(item.url)}">${escapeHtml(strings.digest.readMore)}</a></p>
</mj-text>`,
      )
      .join('\n');
    const mjml = fillTemplate(templates.digest, {
      language: release.language,
      subject,
      preheader: strings.digest.preheader(digest.items.length),
      accentColour: brand.accentColour,
      masthead: rawHtml(fillMasthead(brand, templates)),
      heading: strings.digest.heading(brand.organisationName),
      period,
      items: rawHtml(items),
      archiveUrl: `${this.publicUrl}/archive`,
      allReleases: strings.digest.allReleases,
      ...this.footer(release, strings),
      whyReceiving: strings.digest.whyReceiving(brand.organisationName),
    });
    const html = await compileMjml(mjml);
    return { subject, html, text: textPart(html, TEXT_PART, strings.links) };
  }

  /** The slots every email's footer and "view in browser" line share; the recipient links stay placeholders. */
  private footer(release: Release, strings: ReturnType<typeof releaseStringsFor>) {
    return {
      webVersionUrl: `${this.publicUrl}/releases/${encodeURIComponent(release.id)}`,
      organisationName: this.options.brand.organisationName,
      postalAddress: this.options.brand.postalAddress,
      unsubscribeUrl: RecipientPlaceholder.UnsubscribeUrl,
      preferencesUrl: RecipientPlaceholder.PreferencesUrl,
      viewInBrowser: strings.viewInBrowser,
      unsubscribe: strings.unsubscribe,
      managePreferences: strings.managePreferences,
    };
  }

  private loadTemplates() {
    return this.files.load();
  }

}

/** `23–29 November 2026` in the language's own way; `to` is exclusive, so the range ends the day before. */
function formatPeriod(fromIso: string, toIso: string, language: string, timeZone: string): string {
  const from = new Date(fromIso);
  const to = new Date(new Date(toIso).getTime() - 1);
  const options: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric', timeZone };
  try {
    return new Intl.DateTimeFormat(language, options).formatRange(from, to);
  } catch {
    return new Intl.DateTimeFormat('en', options).formatRange(from, to);
  }
}

/**
 * The line under the byline of a corrected release: when, and the note staff gave. Empty before the
 * first correction, so an uncorrected release renders exactly as before.
 */
function correctionLine(release: Release, updated: string): string {
  if (!release.updatedAt) return '';
  const note = release.correctionNote ? ` ${escapeHtml(release.correctionNote)}` : '';
  return `<p class="correction" style="margin: 8px 0 0;"><strong>${escapeHtml(updated)}</strong>${note}</p>`;
}
