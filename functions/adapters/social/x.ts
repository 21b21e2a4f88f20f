import { z } from 'zod';
import type { SocialChannel } from '../../domain/ports';
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

export interface XChannelOptions {
  /**
   * An OAuth 2.0 user-context access token (Authorization Code with PKCE; scopes `tweet.read`,
   * `tweet.write`, `users.read`), or a function returning a current one: such tokens last two hours,
   * so a long-running deployment refreshes them with the `offline.access` refresh token.
   */
  accessToken: AccessToken;
  /** Channel name as configured; defaults to `x`. */
  name?: string;
  rules?: ChannelTextRules;
  /** Defaults to `https://api.x.com`; tests point it at a stand-in. */
  apiBaseUrl?: string;
  /** Gives up on a request after this long, so a stalled API cannot eat the Lambda's time. */
  timeoutMs?: number;
  fetch?: typeof fetch;
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

/**
 * Posts to X through the v2 API (`POST /2/tweets` with `{ text }`, answered `201 { data: { id, text } }`).
 *
 * X has no idempotency key, so a post whose outcome is unknown is never sent again (`idempotent` is
 * false). X builds the link card itself from the URL in the text.
 *
 * @example
 * const x = new XChannel({ accessToken: () => tokens.current() });
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
          Authorization: `Bearer ${await tokenOf(this.options.accessToken)}`,
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
    const retryAfter = answer.status === 429 ? this.rateLimitReset(answer.headers) : retryAfterHeader(answer.headers, this.clock());
    throw answerError(answer, { ...context, providerMessage, retryAfter });
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
