import * as z from 'zod';
import type { SocialChannel } from '../../domain/social/ports';
import type { SocialMessage, SocialPostResult, SocialSummary } from '../../domain/social/social-post';
import { checkText, formatSummary, MASTODON_RULES, type ChannelTextRules } from '../../domain/social/format-summary';
import { answerError, jsonOf, retryAfterHeader, send, unreadableAnswer } from './provider-http';

export interface MastodonChannelOptions {
  /** Base URL of the instance, e.g. `https://mastodon.social`. */
  instanceUrl: string;
  /** A user token with the `write:statuses` scope. */
  accessToken: string;
  visibility?: 'public' | 'unlisted';
  /**
   * ISO 639-1 code sent with every status, overriding the release's own language; without either,
   * Mastodon falls back to the account's default.
   */
  language?: string;
  /** Channel name as configured; defaults to `mastodon`. */
  name?: string;
  /** Instances may raise the 500-character limit; pass their rules here. */
  rules?: ChannelTextRules;
  /** Gives up on a request after this long, so a stalled instance cannot eat the Lambda's time. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  clock?: () => Date;
}

const Status = z.object({ id: z.string().min(1), url: z.string().nullish() });
const ErrorBody = z.object({ error: z.string() });
const PROVIDER = 'Mastodon';

/**
 * Posts statuses to a Mastodon instance (`POST /api/v1/statuses`).
 *
 * The idempotency key goes in the `Idempotency-Key` header: Mastodon keeps it for an hour and answers a
 * repeat with the status it already created, so a retry after a timeout does not post twice.
 *
 * @example
 * const mastodon = new MastodonChannel({ instanceUrl: 'https://mastodon.social', accessToken, language: 'en' });
 * const { remoteId, url } = await mastodon.post({ text: mastodon.format(summary), summary, idempotencyKey: 'rel_1:mastodon' });
 */
export class MastodonChannel implements SocialChannel {
  readonly name: string;
  readonly idempotent = true;
  private readonly statusesUrl: string;
  private readonly options: MastodonChannelOptions;
  private readonly fetch: typeof fetch;
  private readonly clock: () => Date;

  constructor(options: MastodonChannelOptions) {
    this.options = options;
    this.name = options.name ?? 'mastodon';
    this.statusesUrl = `${options.instanceUrl.replace(/\/+$/, '')}/api/v1/statuses`;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? (() => new Date());
  }

  format(summary: SocialSummary): string {
    return formatSummary(summary, this.options.rules ?? MASTODON_RULES);
  }

  check(text: string): string | undefined {
    return checkText(text, this.options.rules ?? MASTODON_RULES);
  }

  async post({ text, summary, idempotencyKey }: SocialMessage): Promise<SocialPostResult> {
    const { accessToken, visibility = 'public', timeoutMs = 10_000 } = this.options;
    // Mastodon takes ISO 639 codes, not full tags: `es-MX` is sent as `es`.
    const language = this.options.language ?? summary.language?.split('-')[0]?.toLowerCase();
    // A timeout may strike after the instance created the status; the Idempotency-Key makes a retry safe.
    const context = { channel: this.name, provider: PROVIDER, publishes: true };
    const answer = await send(
      this.statusesUrl,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${accessToken}`,
          'Idempotency-Key': idempotencyKey,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify({ status: text, visibility, ...(language ? { language } : {}) }),
      },
      { ...context, fetch: this.fetch, timeoutMs },
    );

    const body = jsonOf(answer.text);
    if (answer.ok) {
      const status = Status.safeParse(body);
      // The status may well exist; the same idempotency key makes asking again safe.
      if (!status.success) throw unreadableAnswer(answer, { ...context, cause: status.error });
      return { remoteId: status.data.id, ...(status.data.url ? { url: status.data.url } : {}) };
    }
    const providerMessage = ErrorBody.safeParse(body).data?.error;
    const retryAfter = retryAfterHeader(answer.headers, this.clock()) ?? rateLimitReset(answer.headers);
    throw answerError(answer, { ...context, providerMessage, retryAfter });
  }
}

/**
 * Mastodon sends `X-RateLimit-Reset` on a 429 as an ISO 8601 time; other servers send a reset in
 * epoch seconds there. (`Retry-After`, which proxies send, is read first.)
 */
function rateLimitReset(headers: Headers): Date | undefined {
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (!reset) return undefined;
  const at = /^\d+(\.\d+)?$/.test(reset) ? new Date(Number(reset) * 1000) : new Date(reset);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
