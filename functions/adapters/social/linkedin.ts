import * as z from 'zod';
import type { SocialChannel } from '../../domain/social/ports';
import type { SocialMessage, SocialPostResult, SocialSummary } from '../../domain/social/social-post';
import { checkText, formatSummary, LINKEDIN_RULES, type ChannelTextRules } from '../../domain/social/format-summary';
import { answerError, jsonOf, retryAfterHeader, send, tokenOf, unreadableAnswer, type AccessToken } from './provider-http';
import { LINKEDIN_AUTHOR, LINKEDIN_VERSION } from './linkedin-formats';

/**
 * The `LinkedIn-Version` sent when none is configured. LinkedIn sunsets each monthly version about a
 * year after release, so this needs bumping (or `apiVersion` set) before it stops being served.
 */
export const LINKEDIN_API_VERSION = '202605';

export interface LinkedInChannelOptions {
  /** A member token with `w_member_social`, or for a company page `w_organization_social`. */
  accessToken: AccessToken;
  /** Who posts: `urn:li:person:…` or `urn:li:organization:…`. */
  author: string;
  /** `LinkedIn-Version` as `YYYYMM`; defaults to {@link LINKEDIN_API_VERSION}. */
  apiVersion?: string;
  /** Channel name as configured; defaults to `linkedin`. */
  name?: string;
  rules?: ChannelTextRules;
  /** Defaults to `https://api.linkedin.com`; tests point it at a stand-in. */
  apiBaseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  clock?: () => Date;
}

const POST_URN = /^urn:li:(share|ugcPost):\d+$/;
const ErrorBody = z.object({ message: z.string() });
const PROVIDER = 'LinkedIn';

/**
 * Posts to LinkedIn through the Posts API (`POST /rest/posts`) as an article post, so the release
 * shows as a card with its title and summary. LinkedIn answers `201` with the new post's URN in the
 * `x-restli-id` header and no body.
 *
 * LinkedIn has no idempotency key: `idempotent` is false. The commentary is "little" text, whose
 * reserved characters are escaped here; limits are counted on the text before escaping.
 *
 * @example
 * const linkedin = new LinkedInChannel({ accessToken, author: 'urn:li:organization:5515715' });
 * await linkedin.post({ text: linkedin.format(summary), summary, idempotencyKey: 'rel_1:linkedin' });
 * // { remoteId: 'urn:li:share:6844785523593134080', url: 'https://www.linkedin.com/feed/update/urn:li:share:6844785523593134080/' }
 */
export class LinkedInChannel implements SocialChannel {
  readonly name: string;
  readonly idempotent = false;
  private readonly postsUrl: string;
  private readonly options: LinkedInChannelOptions;
  private readonly rules: ChannelTextRules;
  private readonly fetch: typeof fetch;
  private readonly clock: () => Date;

  constructor(options: LinkedInChannelOptions) {
    if (!LINKEDIN_AUTHOR.test(options.author)) {
      throw new Error(`LinkedIn author must be urn:li:person:… or urn:li:organization:…, not "${options.author}"`);
    }
    if (options.apiVersion !== undefined && !LINKEDIN_VERSION.test(options.apiVersion)) {
      throw new Error(`LinkedIn-Version must be YYYYMM, not "${options.apiVersion}"`);
    }
    this.options = options;
    this.name = options.name ?? 'linkedin';
    this.rules = options.rules ?? LINKEDIN_RULES;
    this.postsUrl = `${(options.apiBaseUrl ?? 'https://api.linkedin.com').replace(/\/+$/, '')}/rest/posts`;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? (() => new Date());
  }

  format(summary: SocialSummary): string {
    return formatSummary(summary, this.rules);
  }

  check(text: string): string | undefined {
    return checkText(text, this.rules);
  }

  async post({ text, summary }: SocialMessage): Promise<SocialPostResult> {
    const context = { channel: this.name, provider: PROVIDER, publishes: true };
    const description = summary.summary?.trim();
    const answer = await send(
      this.postsUrl,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${await tokenOf(this.options.accessToken)}`,
          'LinkedIn-Version': this.options.apiVersion ?? LINKEDIN_API_VERSION,
          'X-Restli-Protocol-Version': '2.0.0',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          author: this.options.author,
          commentary: escapeLittleText(text),
          visibility: 'PUBLIC',
          distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
          // LinkedIn does not scrape the link: the card shows exactly this title and description. A
          // thumbnail would have to be uploaded first as an image URN, so the card goes without.
          content: { article: { source: summary.url, title: summary.title, ...(description ? { description } : {}) } },
          lifecycleState: 'PUBLISHED',
          isReshareDisabledByAuthor: false,
        }),
      },
      { ...context, fetch: this.fetch, timeoutMs: this.options.timeoutMs ?? 10_000 },
    );

    if (answer.ok) {
      const urn = answer.headers.get('x-restli-id')?.trim();
      if (!urn || !POST_URN.test(urn)) throw unreadableAnswer(answer, context);
      return { remoteId: urn, url: `https://www.linkedin.com/feed/update/${urn}/` };
    }
    const providerMessage = ErrorBody.safeParse(jsonOf(answer.text)).data?.message;
    throw answerError(answer, { ...context, providerMessage, retryAfter: this.retryAfter(answer) });
  }

  /** LinkedIn's quotas are per day and reset at midnight UTC; it sends no reset header of its own. */
  private retryAfter(answer: { status: number; headers: Headers }): Date | undefined {
    const now = this.clock();
    const asked = retryAfterHeader(answer.headers, now);
    if (asked || answer.status !== 429) return asked;
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  }
}

// Reserved in little text: each must be backslash-escaped to show as itself, even where it would not
// form an element (LinkedIn cuts the post at the first unescaped one).
const LITTLE_RESERVED = /[\\|{}@[\]()<>#*_~]/gu;
// A `#` that opens a hashtag at the start of a word stays a HashtagElement (`#Releases`).
const HASHTAG_START = /^#[\p{L}\p{M}\p{N}]/u;

/**
 * Escapes text for LinkedIn's "little" text format, keeping hashtags as hashtags.
 *
 * @example
 * escapeLittleText('Pressroom (beta) #Releases'); // 'Pressroom \\(beta\\) #Releases'
 */
export function escapeLittleText(text: string): string {
  return text.replace(LITTLE_RESERVED, (char: string, offset: number) => {
    const opensHashtag =
      char === '#' && (offset === 0 || /\s/u.test(text[offset - 1])) && HASHTAG_START.test(text.slice(offset, offset + 3));
    return opensHashtag ? char : `\\${char}`;
  });
}
