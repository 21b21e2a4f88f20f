import { createHmac, randomBytes } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import * as z from 'zod';
import { SocialPostRejectedError } from '../../domain/social/errors';
import type { SocialChannel } from '../../domain/social/ports';
import type { SocialMessage, SocialPostResult, SocialSummary } from '../../domain/social/social-post';
import { checkText, formatSummary, X_RULES, type ChannelTextRules } from '../../domain/social/format-summary';
import {
  answerError,
  epochSecondsHeader,
  jsonOf,
  retryAfterHeader,
  send,
  tokenOf,
  unreadableAnswer,
  type AccessToken,
} from './provider-http';

/**
 * OAuth 1.0a User Context credentials, all four from the app's "Keys and tokens" page: the API key
 * and secret (the consumer key and secret) and the account's access token and secret, generated with
 * Read and Write permission. Unlike OAuth 2.0 user tokens they do not expire.
 */
export interface XOAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

/** Exactly one of `accessToken` (OAuth 2.0) and `oauth1` (OAuth 1.0a) is given. */
export interface XChannelOptions {
  /**
   * An OAuth 2.0 user-context access token (Authorization Code with PKCE; scopes `tweet.read`,
   * `tweet.write`, `users.read`), or a function returning a current one: such tokens last two hours,
   * so a long-running deployment refreshes them with the `offline.access` refresh token.
   */
  accessToken?: AccessToken;
  /** OAuth 1.0a keys and tokens, which do not expire: the way to post without refreshing anything. */
  oauth1?: XOAuth1Credentials;
  /** Channel name as configured; defaults to `x`. */
  name?: string;
  rules?: ChannelTextRules;
  /** Defaults to `https://api.x.com`; tests point it at a stand-in. */
  apiBaseUrl?: string;
  /** Gives up on a request after this long, so a stalled API cannot eat the Lambda's time. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** The time for `Retry-After` dates and OAuth 1.0a timestamps. */
  clock?: () => Date;
}

const Created = z.object({ data: z.object({ id: z.string().regex(/^\d+$/), text: z.string() }) });
// X answers errors as RFC 7807 problems, sometimes with an `errors` list instead of or besides `detail`.
const Problem = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  errors: z.array(z.object({ message: z.string().optional(), detail: z.string().optional() })).optional(),
});

const PROVIDER = 'X';
const OAUTH1_FIELDS = ['consumerKey', 'consumerSecret', 'accessToken', 'accessTokenSecret'] as const;

/** One request to sign: method, full URL (its query is signed), and any form-encoded body parameters. */
export interface OAuth1Request {
  method: string;
  url: string;
  /**
   * `application/x-www-form-urlencoded` body parameters, which RFC 5849 §3.4.1.3.1 signs too. A JSON
   * body is not signed (nor body-hashed: X does not ask for `oauth_body_hash`), so v2 requests leave this out.
   */
  form?: Record<string, string>;
}

/**
 * The `Authorization: OAuth …` header value for one request (RFC 5849 §3.5.1), signed HMAC-SHA1 with
 * the consumer secret and token secret. Pure: the caller supplies the nonce and timestamp, which
 * must be fresh for every request, since X refuses a nonce it has seen with the same timestamp.
 *
 * @example
 * oauth1Authorization({ method: 'POST', url: 'https://api.x.com/2/tweets' }, credentials, { nonce: 'a1b2…', timestamp: 1318622958 });
 * // 'OAuth oauth_consumer_key="…", oauth_nonce="a1b2…", oauth_signature="…", oauth_signature_method="HMAC-SHA1", …'
 */
export function oauth1Authorization(
  request: OAuth1Request,
  credentials: XOAuth1Credentials,
  { nonce, timestamp }: { nonce: string; timestamp: number },
): string {
  const oauth = new OAuth({
    consumer: { key: credentials.consumerKey, secret: credentials.consumerSecret },
    signature_method: 'HMAC-SHA1',
    hash_function: (baseString, key) => createHmac('sha1', key).update(baseString).digest('base64'),
  });
  const data: OAuth.Data = {
    oauth_consumer_key: credentials.consumerKey,
    oauth_nonce: nonce,
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: timestamp,
    oauth_token: credentials.accessToken,
    oauth_version: '1.0',
  };
  // Copies: the library merges the request parameters into both objects it is handed.
  const signed = { method: request.method, url: request.url, data: { ...request.form } };
  const signature = oauth.getSignature(signed, credentials.accessTokenSecret, { ...data });
  return oauth.toHeader({ ...data, oauth_signature: signature }).Authorization;
}

/**
 * Posts to X through the v2 API (`POST /2/tweets` with `{ text }`, answered `201 { data: { id, text } }`).
 *
 * X has no idempotency key, so a post whose outcome is unknown is never sent again (`idempotent` is
 * false). X builds the link card itself from the URL in the text.
 *
 * @example
 * const x = new XChannel({ oauth1: { consumerKey, consumerSecret, accessToken, accessTokenSecret } });
 * // or, with an OAuth 2.0 token that something refreshes: new XChannel({ accessToken: () => tokens.current() })
 * await x.post({ text: x.format(summary), summary, idempotencyKey: 'rel_1:x' }); // { remoteId: '1445880548472328192', url: 'https://x.com/i/web/status/1445880548472328192' }
 */
export class XChannel implements SocialChannel {
  readonly name: string;
  readonly idempotent = false;
  private readonly tweetsUrl: string;
  private readonly options: XChannelOptions;
  private readonly rules: ChannelTextRules;
  private readonly fetch: typeof fetch;
  private readonly clock: () => Date;

  constructor(options: XChannelOptions) {
    if ((options.accessToken === undefined) === (options.oauth1 === undefined)) {
      throw new Error('XChannel needs exactly one of accessToken (an OAuth 2.0 user token) and oauth1 (OAuth 1.0a keys and tokens)');
    }
    const missing = options.oauth1 ? OAUTH1_FIELDS.filter((field) => !options.oauth1![field]) : [];
    if (missing.length) throw new Error(`XChannel's oauth1 lacks ${missing.join(', ')}`);
    this.options = options;
    this.name = options.name ?? 'x';
    this.rules = options.rules ?? X_RULES;
    this.tweetsUrl = `${(options.apiBaseUrl ?? 'https://api.x.com').replace(/\/+$/, '')}/2/tweets`;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? (() => new Date());
  }

  format(summary: SocialSummary): string {
    return formatSummary(summary, this.rules);
  }

  check(text: string): string | undefined {
    return checkText(text, this.rules);
  }

  async post({ text }: SocialMessage): Promise<SocialPostResult> {
    const context = { channel: this.name, provider: PROVIDER, publishes: true };
    const answer = await send(
      this.tweetsUrl,
      {
        method: 'POST',
        headers: {
          Authorization: await this.authorization(),
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify({ text }),
      },
      { ...context, fetch: this.fetch, timeoutMs: this.options.timeoutMs ?? 10_000 },
    );

    const body = jsonOf(answer.text);
    if (answer.ok) {
      const created = Created.safeParse(body);
      if (!created.success) throw unreadableAnswer(answer, { ...context, cause: created.error });
      const { id } = created.data.data;
      return { remoteId: id, url: `https://x.com/i/web/status/${id}` };
    }
    const problem = Problem.safeParse(body).data;
    // A 400's `detail` is generic ("One or more parameters…"); its first error says which.
    const providerMessage = problem?.errors?.[0]?.message ?? problem?.errors?.[0]?.detail ?? problem?.detail ?? problem?.title;
    if (answer.status === 401 && this.options.oauth1) {
      // These credentials never expire, so a 401 means one of the four is wrong, or was regenerated or
      // revoked at X: no retry will fix it, staff must replace them.
      throw new SocialPostRejectedError(
        this.name,
        `${PROVIDER} answered 401${providerMessage ? `: ${providerMessage}` : ''}; the OAuth 1.0a API key and secret or access token and secret are wrong, regenerated or revoked`,
        { status: 401, providerMessage },
      );
    }
    const retryAfter = answer.status === 429 ? this.rateLimitReset(answer.headers) : retryAfterHeader(answer.headers, this.clock());
    throw answerError(answer, { ...context, providerMessage, retryAfter });
  }

  /** Every request, and so every retry of a post, is signed anew: a fresh nonce and the current time. */
  private async authorization(): Promise<string> {
    const { oauth1, accessToken } = this.options;
    if (!oauth1) return `Bearer ${await tokenOf(accessToken!)}`;
    return oauth1Authorization({ method: 'POST', url: this.tweetsUrl }, oauth1, {
      nonce: randomBytes(16).toString('hex'),
      timestamp: Math.floor(this.clock().getTime() / 1000),
    });
  }

  /**
   * X sends each window's reset as epoch seconds on every answer: the 15-minute endpoint window and,
   * when posting runs into them, the 24-hour per-user and per-app caps. Wait for the latest exhausted one.
   */
  private rateLimitReset(headers: Headers): Date | undefined {
    const windows = ['x-rate-limit', 'x-user-limit-24hour', 'x-app-limit-24hour'];
    const exhausted = windows
      .filter((w) => headers.get(`${w}-remaining`)?.trim() === '0')
      .map((w) => epochSecondsHeader(headers, `${w}-reset`))
      .filter((at): at is Date => at !== undefined);
    const resets = exhausted.length ? exhausted : [epochSecondsHeader(headers, 'x-rate-limit-reset')].filter((at): at is Date => !!at);
    const latest = resets.sort((a, b) => b.getTime() - a.getTime())[0];
    return latest ?? retryAfterHeader(headers, this.clock());
  }
}
