import { PressroomError } from '../errors';

/**
 * Posting failed in a way that may pass later: the network, a rate limit, a provider outage.
 * Retrying is safe because every post carries a stable idempotency key.
 */
export class SocialPostRetryableError extends PressroomError {
  readonly channel: string;
  /** HTTP status, when the provider answered at all. */
  readonly status?: number;
  /** When the provider said to try again (rate-limit reset or `Retry-After`), if it did. */
  readonly retryAfter?: Date;
  /**
   * The request may have reached the provider (a timeout, a dropped connection, a 5xx after the
   * body was sent): the post may exist. Only channels with idempotent posting retry such a failure.
   */
  readonly mayHavePosted: boolean;

  constructor(
    channel: string,
    message: string,
    options: { status?: number; retryAfter?: Date; mayHavePosted?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'SocialPostRetryableError';
    this.channel = channel;
    this.status = options.status;
    this.retryAfter = options.retryAfter;
    this.mayHavePosted = options.mayHavePosted ?? false;
  }
}

/** The provider refused the post as sent (bad token, text too long, …): trying again will not help. */
export class SocialPostRejectedError extends PressroomError {
  readonly channel: string;
  readonly status?: number;
  /** The provider's own explanation, e.g. Mastodon's `error` field. */
  readonly providerMessage?: string;

  constructor(channel: string, message: string, options: { status?: number; providerMessage?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SocialPostRejectedError';
    this.channel = channel;
    this.status = options.status;
    this.providerMessage = options.providerMessage;
  }
}
