import type { SocialChannel } from '../../domain/social/ports';
import type { SocialMessage, SocialPostResult, SocialSummary } from '../../domain/social/social-post';
import { formatSummary } from '../../domain/social/format-summary';
import { checkSlackText, slackMessage, SLACK_TEXT_RULES } from '../../domain/social/rich-summary';
import { SocialPostRejectedError } from '../../domain/social/errors';
import { answerError, retryAfterHeader, send, unreadableAnswer } from './provider-http';

export interface SlackChannelOptions {
  /** The incoming webhook URL (`https://hooks.slack.com/services/…`): a secret, as it alone lets anyone post. */
  webhookUrl: string;
  /** Channel name as configured; defaults to `slack`. */
  name?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  clock?: () => Date;
}

const PROVIDER = 'Slack';

/**
 * Posts a release card to one Slack channel through an incoming webhook. Slack answers `200 ok`, or a
 * 4xx with a bare error string (`invalid_payload`, `channel_is_archived`, `no_service`), and hands
 * back no message id: the idempotency key stands in as the remote id.
 *
 * Webhooks have no idempotency key: `idempotent` is false. The text from {@link format} means "the
 * card"; any other text is staff's own and leads the card (see {@link slackMessage}).
 *
 * @example
 * const slack = new SlackChannel({ webhookUrl });
 * await slack.post({ text: slack.format(summary), summary, idempotencyKey: 'rel_1:slack' }); // { remoteId: 'rel_1:slack' }
 */
export class SlackChannel implements SocialChannel {
  readonly name: string;
  readonly idempotent = false;
  private readonly options: SlackChannelOptions;
  private readonly fetch: typeof fetch;
  private readonly clock: () => Date;

  constructor(options: SlackChannelOptions) {
    this.options = options;
    this.name = options.name ?? 'slack';
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? (() => new Date());
  }

  format(summary: SocialSummary): string {
    return formatSummary(summary, SLACK_TEXT_RULES);
  }

  check(text: string): string | undefined {
    return checkSlackText(text);
  }

  async post({ text, summary, idempotencyKey }: SocialMessage): Promise<SocialPostResult> {
    const ownText = text === this.format(summary) ? undefined : text;
    const reason = ownText === undefined ? undefined : this.check(ownText);
    if (reason) throw new SocialPostRejectedError(this.name, reason, { providerMessage: reason });

    const context = { channel: this.name, provider: PROVIDER, publishes: true };
    const answer = await send(
      this.options.webhookUrl,
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(slackMessage(summary, ownText)) },
      { ...context, fetch: this.fetch, timeoutMs: this.options.timeoutMs ?? 10_000 },
    );
    if (answer.ok) {
      if (answer.text.trim() !== 'ok') throw unreadableAnswer(answer, context);
      return { remoteId: idempotencyKey };
    }
    // Slack's own errors are one snake_case word; anything else (a proxy's HTML page) is not worth quoting.
    const word = answer.text.trim();
    const providerMessage = /^[a-z_]{1,64}$/.test(word) ? word : undefined;
    throw answerError(answer, { ...context, providerMessage, retryAfter: retryAfterHeader(answer.headers, this.clock()) });
  }
}
