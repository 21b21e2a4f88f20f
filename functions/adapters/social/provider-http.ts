import { SocialPostRejectedError, SocialPostRetryableError } from '../../domain/social/errors';

/**
 * A bearer token, or a function that hands out a current one: X's OAuth 2.0 user tokens last two
 * hours, LinkedIn's and Threads' sixty days, so the wiring may need to refresh them between posts.
 */
export type AccessToken = string | (() => string | Promise<string>);

export async function tokenOf(token: AccessToken): Promise<string> {
  return typeof token === 'function' ? token() : token;
}

/** A provider's whole answer, read before the timeout struck. */
export interface ProviderAnswer {
  status: number;
  ok: boolean;
  headers: Headers;
  text: string;
}

export interface SendOptions {
  channel: string;
  /** Named in error messages; never the URL, which may carry a webhook secret or a token. */
  provider: string;
  fetch: typeof fetch;
  timeoutMs: number;
  /**
   * Whether this request can make the post public. When it cannot (a Threads container, a status
   * check), no failure of it can have posted anything.
   */
  publishes: boolean;
}

// Failures that happen before a single byte of the request leaves: nothing can have been posted.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Sends one request and reads the whole answer, the timeout covering both. A failure to get an answer
 * becomes a {@link SocialPostRetryableError}; it `mayHavePosted` unless the connection was never made
 * (refused, DNS, TLS) or the request cannot publish: a timeout may strike after the provider acted.
 */
export async function send(url: string, init: RequestInit, options: SendOptions): Promise<ProviderAnswer> {
  try {
    const response = await options.fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
    const text = await response.text();
    return { status: response.status, ok: response.ok, headers: response.headers, text };
  } catch (error) {
    throw new SocialPostRetryableError(options.channel, `Could not reach ${options.provider}: ${fetchErrorMessage(error)}`, {
      cause: error,
      mayHavePosted: options.publishes && !neverConnected(error),
    });
  }
}

/**
 * The error for a non-2xx answer: 408, 429 and 5xx are worth another try (a 5xx may come after the
 * provider acted), every other status is a refusal that trying again will not change.
 */
export function answerError(
  answer: ProviderAnswer,
  options: Pick<SendOptions, 'channel' | 'provider' | 'publishes'> & { providerMessage?: string; retryAfter?: Date },
): SocialPostRetryableError | SocialPostRejectedError {
  const { status } = answer;
  const message = `${options.provider} answered ${status}${options.providerMessage ? `: ${options.providerMessage}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    return new SocialPostRetryableError(options.channel, message, {
      status,
      retryAfter: options.retryAfter,
      mayHavePosted: options.publishes && status >= 500,
    });
  }
  return new SocialPostRejectedError(options.channel, message, { status, providerMessage: options.providerMessage });
}

/** A 2xx we cannot read: the provider accepted something, so the post may well exist. */
export function unreadableAnswer(
  answer: ProviderAnswer,
  options: Pick<SendOptions, 'channel' | 'provider' | 'publishes'> & { cause?: unknown },
): SocialPostRetryableError {
  return new SocialPostRetryableError(options.channel, `Unexpected ${answer.status} answer from ${options.provider}`, {
    status: answer.status,
    cause: options.cause,
    mayHavePosted: options.publishes,
  });
}

export function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `Retry-After` as delay seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterHeader(headers: Headers, now: Date): Date | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const at = /^\d+(\.\d+)?$/.test(value) ? new Date(now.getTime() + Number(value) * 1000) : new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** A reset time sent as Unix epoch seconds, as X does. */
export function epochSecondsHeader(headers: Headers, name: string): Date | undefined {
  const value = headers.get(name)?.trim();
  return value && /^\d+$/.test(value) ? new Date(Number(value) * 1000) : undefined;
}

function neverConnected(error: unknown): boolean {
  const code = (error instanceof Error && error.cause instanceof Error ? (error.cause as NodeJS.ErrnoException).code : undefined) ?? '';
  // A certificate or handshake failure also stops the request before it is sent.
  return NOT_CONNECTED.has(code) || /CERT|ERR_TLS|ERR_SSL/.test(code);
}

/** Why a request never got an answer, in words: the timeout, or the network error undici wraps. */
export function fetchErrorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'no answer before the timeout';
  // undici reports `fetch failed` and keeps the useful part (ECONNREFUSED, ENOTFOUND) in `cause`.
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}
