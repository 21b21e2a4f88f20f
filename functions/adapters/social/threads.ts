import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import type { SocialChannel } from '../../domain/social/ports';
import type { SocialMessage, SocialPostResult, SocialSummary } from '../../domain/social/social-post';
import { checkText, formatSummary, THREADS_RULES, type ChannelTextRules } from '../../domain/social/format-summary';
import { SocialPostRejectedError, SocialPostRetryableError } from '../../domain/social/errors';
import { jsonOf, retryAfterHeader, send, tokenOf, unreadableAnswer, type AccessToken, type ProviderAnswer } from './provider-http';

export interface ThreadsChannelOptions {
  /** A Threads user access token with `threads_basic` and `threads_content_publish`. */
  accessToken: AccessToken;
  /** The Threads user id to post as; defaults to `me`, the token's own user. */
  userId?: string;
  /** Channel name as configured; defaults to `threads`. */
  name?: string;
  rules?: ChannelTextRules;
  /** Defaults to `https://graph.threads.net/v1.0`; tests point it at a stand-in. */
  apiBaseUrl?: string;
  /** Gives up on each request after this long. */
  timeoutMs?: number;
  /** How many times to ask whether the container is ready before giving up for this attempt. */
  containerChecks?: number;
  /** Pause between those checks. */
  containerCheckIntervalMs?: number;
  fetch?: typeof fetch;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<unknown>;
}

const Created = z.object({ id: z.string().min(1) });
const ContainerStatus = z.object({ status: z.string(), error_message: z.string().optional() });
const Permalink = z.object({ permalink: z.string().url() });
const GraphError = z.object({
  error: z.object({
    message: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    is_transient: z.boolean().optional(),
    error_user_msg: z.string().optional(),
  }),
});

const PROVIDER = 'Threads';
// Graph API throttling codes: app, user, page and hourly call limits.
const RATE_LIMITED = new Set([4, 17, 32, 613]);
// "Media not found" on publish: the container has not reached the publishing service yet. Nothing was
// published, and the next attempt makes a new container.
const NOT_PROPAGATED = { code: 24, subcode: 4279009 };

type Step = 'create' | 'check' | 'publish';

/**
 * Posts to Threads in the API's two steps: `POST /{user}/threads` makes a private TEXT container
 * (with the release as its link attachment), `POST /{user}/threads_publish` makes it public. Between
 * them the container's status is checked until `FINISHED`, as Meta advises, since publishing a
 * container that has not propagated fails with "media not found". The permalink is fetched after.
 *
 * Threads has no idempotency key: `idempotent` is false. Only the publish step can make the post
 * public, so a failure before it is safe to retry (`mayHavePosted: false`) whatever it was.
 *
 * @example
 * const threads = new ThreadsChannel({ accessToken });
 * await threads.post({ text: threads.format(summary), summary, idempotencyKey: 'rel_1:threads' });
 * // { remoteId: '1234567', url: 'https://www.threads.net/@press/post/C8aBcD' }
 */
export class ThreadsChannel implements SocialChannel {
  readonly name: string;
  readonly idempotent = false;
  private readonly baseUrl: string;
  private readonly userId: string;
  private readonly options: ThreadsChannelOptions;
  private readonly rules: ChannelTextRules;
  private readonly fetch: typeof fetch;
  private readonly clock: () => Date;
  private readonly sleep: (ms: number) => Promise<unknown>;

  constructor(options: ThreadsChannelOptions) {
    this.options = options;
    this.name = options.name ?? 'threads';
    this.rules = options.rules ?? THREADS_RULES;
    this.baseUrl = (options.apiBaseUrl ?? 'https://graph.threads.net/v1.0').replace(/\/+$/, '');
    this.userId = encodeURIComponent(options.userId ?? 'me');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? (() => new Date());
    this.sleep = options.sleep ?? sleep;
  }

  format(summary: SocialSummary): string {
    return formatSummary(summary, this.rules);
  }

  check(text: string): string | undefined {
    return checkText(text, this.rules);
  }

  async post({ text, summary }: SocialMessage): Promise<SocialPostResult> {
    const token = await tokenOf(this.options.accessToken);
    const container = await this.call('create', `${this.baseUrl}/${this.userId}/threads`, {
      method: 'POST',
      body: new URLSearchParams({ media_type: 'TEXT', text, link_attachment: summary.url, access_token: token }),
    });
    await this.waitUntilReady(container, token);
    const id = await this.call('publish', `${this.baseUrl}/${this.userId}/threads_publish`, {
      method: 'POST',
      body: new URLSearchParams({ creation_id: container, access_token: token }),
    });
    const url = await this.permalink(id, token);
    return { remoteId: id, ...(url ? { url } : {}) };
  }

  /** One create or publish request; answers the new object's id. */
  private async call(step: Step, url: string, init: RequestInit): Promise<string> {
    const answer = await this.send(step, url, init);
    const created = Created.safeParse(jsonOf(answer.text));
    if (!created.success) {
      throw unreadableAnswer(answer, { channel: this.name, provider: PROVIDER, publishes: step === 'publish', cause: created.error });
    }
    return created.data.id;
  }

  private async waitUntilReady(container: string, token: string): Promise<void> {
    const checks = Math.max(1, this.options.containerChecks ?? 5);
    const query = new URLSearchParams({ fields: 'status,error_message', access_token: token });
    for (let check = 0; check < checks; check++) {
      if (check > 0) await this.sleep(this.options.containerCheckIntervalMs ?? 1000);
      const answer = await this.send('check', `${this.baseUrl}/${encodeURIComponent(container)}?${query}`, { method: 'GET' });
      const parsed = ContainerStatus.safeParse(jsonOf(answer.text));
      if (!parsed.success) {
        throw unreadableAnswer(answer, { channel: this.name, provider: PROVIDER, publishes: false, cause: parsed.error });
      }
      const { status, error_message: reason } = parsed.data;
      if (status === 'FINISHED') return;
      if (status === 'ERROR') {
        throw new SocialPostRejectedError(this.name, `Threads could not prepare the post${reason ? `: ${reason}` : ''}`, {
          providerMessage: reason,
        });
      }
      if (status !== 'IN_PROGRESS') {
        // EXPIRED (or anything new): this container will not publish, a fresh attempt makes another.
        throw new SocialPostRetryableError(this.name, `Threads container is ${status}`, { mayHavePosted: false });
      }
    }
    throw new SocialPostRetryableError(this.name, `Threads container still IN_PROGRESS after ${checks} checks`, { mayHavePosted: false });
  }

  /** The post's public address; the post exists either way, so any failure here only loses the link. */
  private async permalink(id: string, token: string): Promise<string | undefined> {
    const query = new URLSearchParams({ fields: 'permalink', access_token: token });
    try {
      const answer = await this.send('check', `${this.baseUrl}/${encodeURIComponent(id)}?${query}`, { method: 'GET' });
      return Permalink.safeParse(jsonOf(answer.text)).data?.permalink;
    } catch {
      return undefined;
    }
  }

  /** Sends one Graph request. A POST carries the token in its form body, out of logged URLs; a GET can only put it in the query. */
  private async send(step: Step, url: string, init: RequestInit): Promise<ProviderAnswer> {
    const options = {
      channel: this.name,
      provider: PROVIDER,
      publishes: step === 'publish',
      fetch: this.fetch,
      timeoutMs: this.options.timeoutMs ?? 10_000,
    };
    const answer = await send(url, { ...init, headers: { Accept: 'application/json' } }, options);
    if (!answer.ok) throw this.graphError(answer, step);
    return answer;
  }

  /**
   * Graph API errors carry their meaning in `error.code` rather than the HTTP status: throttling and
   * transient codes come back as 400 too, and are worth another attempt.
   */
  private graphError(answer: ProviderAnswer, step: Step): SocialPostRetryableError | SocialPostRejectedError {
    const error = GraphError.safeParse(jsonOf(answer.text)).data?.error;
    const providerMessage = error?.error_user_msg ?? error?.message;
    const message = `Threads answered ${answer.status} to ${step}${providerMessage ? `: ${providerMessage}` : ''}`;
    const { status } = answer;
    const notPropagated = error?.code === NOT_PROPAGATED.code && error.error_subcode === NOT_PROPAGATED.subcode;
    const rateLimited = status === 429 || (error?.code !== undefined && RATE_LIMITED.has(error.code));
    if (status === 408 || status >= 500 || rateLimited || error?.is_transient || notPropagated) {
      return new SocialPostRetryableError(this.name, message, {
        status,
        retryAfter: retryAfterHeader(answer.headers, this.clock()),
        // A 5xx to publish may come after the post went public; a refusal with a code did not.
        mayHavePosted: step === 'publish' && status >= 500,
      });
    }
    return new SocialPostRejectedError(this.name, message, { status, providerMessage });
  }
}
