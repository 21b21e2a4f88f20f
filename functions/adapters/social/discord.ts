import * as z from 'zod';
import type { SocialChannel } from '../../domain/social/ports';
import type { SocialMessage, SocialPostResult, SocialSummary } from '../../domain/social/social-post';
import { formatSummary } from '../../domain/social/format-summary';
import { checkDiscordText, discordMessage, DISCORD_TEXT_RULES } from '../../domain/social/rich-summary';
import { SocialPostRejectedError } from '../../domain/social/errors';
import { answerError, jsonOf, retryAfterHeader, send, unreadableAnswer } from './provider-http';

export interface DiscordChannelOptions {
  /** The webhook URL (`https://discord.com/api/webhooks/{id}/{token}`): a secret, as it alone lets anyone post. */
  webhookUrl: string;
  /** Channel name as configured; defaults to `discord`. */
  name?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  clock?: () => Date;
}

const Message = z.object({ id: z.string().regex(/^\d+$/), channel_id: z.string() });
// Errors are `{ code, message }`; a 429 is `{ message, retry_after, global }` with seconds as a float.
const ErrorBody = z.object({ message: z.string().optional(), retry_after: z.number().nonnegative().optional() });
const PROVIDER = 'Discord';

/**
 * Posts a release card (one embed) to a Discord channel through a webhook. `?wait=true` makes Discord
 * answer with the created message, whose id becomes the remote id; without it there is only a 204.
 *
 * Webhooks have no idempotency key: `idempotent` is false. The text from {@link format} means "the
 * card"; any other text is staff's own and becomes the message content above it.
 *
 * @example
 * const discord = new DiscordChannel({ webhookUrl });
 * await discord.post({ text: discord.format(summary), summary, idempotencyKey: 'rel_1:discord' }); // { remoteId: '1183457095285796884' }
 */
export class DiscordChannel implements SocialChannel {
  readonly name: string;
  readonly idempotent = false;
  private readonly executeUrl: string;
  private readonly options: DiscordChannelOptions;
  private readonly fetch: typeof fetch;
  private readonly clock: () => Date;

  constructor(options: DiscordChannelOptions) {
    this.options = options;
    this.name = options.name ?? 'discord';
    const url = new URL(options.webhookUrl);
    url.searchParams.set('wait', 'true');
    this.executeUrl = url.toString();
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? (() => new Date());
  }

  format(summary: SocialSummary): string {
    return formatSummary(summary, DISCORD_TEXT_RULES);
  }

  check(text: string): string | undefined {
    return checkDiscordText(text);
  }

  async post({ text, summary }: SocialMessage): Promise<SocialPostResult> {
    const ownText = text === this.format(summary) ? undefined : text;
    const reason = ownText === undefined ? undefined : this.check(ownText);
    if (reason) throw new SocialPostRejectedError(this.name, reason, { providerMessage: reason });

    const context = { channel: this.name, provider: PROVIDER, publishes: true };
    const answer = await send(
      this.executeUrl,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(discordMessage(summary, ownText)),
      },
      { ...context, fetch: this.fetch, timeoutMs: this.options.timeoutMs ?? 10_000 },
    );
    const body = jsonOf(answer.text);
    if (answer.ok) {
      const message = Message.safeParse(body);
      if (!message.success) throw unreadableAnswer(answer, { ...context, cause: message.error });
      return { remoteId: message.data.id };
    }
    const error = ErrorBody.safeParse(body).data;
    const now = this.clock();
    // The body's float seconds are more precise than the header's whole ones.
    const retryAfter =
      error?.retry_after !== undefined
        ? new Date(now.getTime() + Math.ceil(error.retry_after * 1000))
        : retryAfterHeader(answer.headers, now);
    throw answerError(answer, { ...context, providerMessage: error?.message, retryAfter });
  }
}
