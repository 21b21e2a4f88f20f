import * as z from 'zod';
import type { SocialChannel } from '../../domain/social/ports';
import type { SocialMessage, SocialPostResult, SocialSummary } from '../../domain/social/social-post';
import { checkText, formatSummary, MASTODON_RULES, type ChannelTextRules } from '../../domain/social/format-summary';
import { SocialPostRejectedError, SocialPostRetryableError } from '../../domain/social/errors';
import { fetchErrorMessage } from './provider-http';

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
    let response: Response;
    try {
      response = await this.fetch(this.statusesUrl, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${accessToken}`,
          'Idempotency-Key': idempotencyKey,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify({ status: text, visibility, ...(language ? { language } : {}) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // A timeout may strike after the instance created the status; the Idempotency-Key makes a retry safe.
      throw new SocialPostRetryableError(this.name, `Could not reach ${this.statusesUrl}: ${fetchErrorMessage(error)}`, {
        cause: error,
        mayHavePosted: true,
      });
    }

    const body: unknown = await response.json().catch(() => undefined);
    if (response.ok) {
      const status = Status.safeParse(body);
      // The status may well exist; the same idempotency key makes asking again safe.
      if (!status.success) {
        throw new SocialPostRetryableError(this.name, `Unexpected answer from ${this.statusesUrl}`, {
          status: response.status,
          cause: status.error,
          mayHavePosted: true,
        });
      }
      return { remoteId: status.data.id, ...(status.data.url ? { url: status.data.url } : {}) };
    }

    const providerMessage = ErrorBody.safeParse(body).data?.error;
    const message = `Mastodon answered ${response.status}${providerMessage ? `: ${providerMessage}` : ''}`;
    if (response.status === 408 || response.status === 429 || response.status >= 500) {
      throw new SocialPostRetryableError(this.name, message, {
        status: response.status,
        retryAfter: this.retryAfter(response),
        mayHavePosted: response.status >= 500,
      });
    }
    throw new SocialPostRejectedError(this.name, message, { status: response.status, providerMessage });
  }

  /**
   * Mastodon sends `X-RateLimit-Reset` as an ISO 8601 time on a 429; proxies and other servers send
   * `Retry-After` (seconds or an HTTP date) or a reset in epoch seconds.
   */
  private retryAfter(response: Response): Date | undefined {
    const retryAfter = response.headers.get('retry-after')?.trim();
    if (retryAfter) {
      const at = /^\d+$/.test(retryAfter) ? new Date(this.clock().getTime() + Number(retryAfter) * 1000) : new Date(retryAfter);
      if (!Number.isNaN(at.getTime())) return at;
    }
    const reset = response.headers.get('x-ratelimit-reset')?.trim();
    if (reset) {
      const at = /^\d+(\.\d+)?$/.test(reset) ? new Date(Number(reset) * 1000) : new Date(reset);
      if (!Number.isNaN(at.getTime())) return at;
    }
    return undefined;
  }
}
