import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { SocialChannel } from '../../domain/social/ports';
import type { SocialMessage, SocialPostResult, SocialSummary } from '../../domain/social/social-post';
import { BLUESKY_RULES, checkText, formatSummary } from '../../domain/social/format-summary';
import { blueskyFacets } from '../../domain/social/bluesky-facets';
import { SocialPostRejectedError } from '../../domain/social/errors';
import { answerError, epochSecondsHeader, jsonOf, retryAfterHeader, send, unreadableAnswer, type ProviderAnswer } from './provider-http';
import { guardedFetcher, type OutboundFetch } from '../outbound/guarded-fetch';

export interface BlueskyChannelOptions {
  /** The account's PDS (or the bsky.social entryway), e.g. `https://bsky.social`. */
  service: string;
  /** Handle (`press.example.com`) or DID of the posting account. */
  identifier: string;
  /** An app password (Settings → Privacy and security → App passwords), not the account password. */
  appPassword: string;
  /** Channel name as configured; defaults to `bluesky`. */
  name?: string;
  /** Gives up on each request after this long, so a stalled server cannot eat the Lambda's time. */
  timeoutMs?: number;
  /** For the PDS, which staff configured. */
  fetch?: typeof fetch;
  /**
   * For the release's image, a URL from outside: the guarded fetcher (public https hosts only, on
   * every redirect too). The strict one unless the wiring passes its own.
   */
  outboundFetch?: OutboundFetch;
  clock?: () => Date;
}

const POST_COLLECTION = 'app.bsky.feed.post';
const CREATE_RECORD = 'com.atproto.repo.createRecord';
const CREATE_SESSION = 'com.atproto.server.createSession';
// app.bsky.feed.post#text: maxLength 3000 (UTF-8 bytes) besides the 300 graphemes BLUESKY_RULES counts.
const TEXT_MAX_BYTES = 3000;
// app.bsky.embed.external#external.thumb: `accept: image/*`, `maxSize: 1000000`. The PDS checks the
// blob when the post is created, so a bigger one would get the whole post refused, not just the card.
const THUMB_MAX_BYTES = 1_000_000;

const Session = z.object({ did: z.string().startsWith('did:'), accessJwt: z.string().min(1), refreshJwt: z.string().min(1) });
type Session = z.infer<typeof Session>;
const RecordRef = z.object({ uri: z.string().startsWith('at://') });
// Passed on as the PDS sent it: `{ $type: 'blob', ref: { $link }, mimeType, size }`.
const UploadedBlob = z.object({ blob: z.looseObject({ $type: z.literal('blob'), mimeType: z.string(), size: z.number() }) });
type BlobRef = z.infer<typeof UploadedBlob>['blob'];
const XrpcErrorBody = z.object({ error: z.string().optional(), message: z.string().optional() });

const encoder = new TextEncoder();

/**
 * Posts to Bluesky over plain XRPC (no SDK in the bundle): `com.atproto.server.createSession` with an
 * app password, `com.atproto.repo.uploadBlob` for the card's thumbnail, then
 * `com.atproto.repo.createRecord` of an `app.bsky.feed.post` with link and hashtag facets and an
 * `app.bsky.embed.external` card for the release.
 *
 * Posting is idempotent: the record key is derived from the idempotency key ({@link recordKeyFor}), a
 * repository holds one record per key, and a post whose record already exists returns that record.
 *
 * @example
 * const bluesky = new BlueskyChannel({ service: 'https://bsky.social', identifier: 'press.example.com', appPassword });
 * const { remoteId, url } = await bluesky.post({ text: bluesky.format(summary), summary, idempotencyKey: 'rel_1:bluesky' });
 */
export class BlueskyChannel implements SocialChannel {
  readonly name: string;
  readonly idempotent = true;
  private readonly xrpcBase: string;
  private readonly options: BlueskyChannelOptions;
  private readonly fetch: typeof fetch;
  private readonly outboundFetch: OutboundFetch;
  private readonly clock: () => Date;
  private readonly timeoutMs: number;
  /** The logged-in session, shared by posts; cleared when logging in fails so the next post tries again. */
  private sessionTask?: Promise<Session>;
  private readonly renewals = new WeakMap<Session, Promise<Session>>();

  constructor(options: BlueskyChannelOptions) {
    this.options = options;
    this.name = options.name ?? 'bluesky';
    this.xrpcBase = `${options.service.replace(/\/+$/, '')}/xrpc/`;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.outboundFetch = options.outboundFetch ?? guardedFetcher();
    this.clock = options.clock ?? (() => new Date());
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  format(summary: SocialSummary): string {
    return formatSummary(summary, BLUESKY_RULES);
  }

  check(text: string): string | undefined {
    const bytes = encoder.encode(text).length;
    return checkText(text, BLUESKY_RULES) ?? (bytes > TEXT_MAX_BYTES ? `Text is ${bytes} bytes, over ${TEXT_MAX_BYTES}` : undefined);
  }

  async post({ text, summary, idempotencyKey }: SocialMessage): Promise<SocialPostResult> {
    const rkey = recordKeyFor(idempotencyKey);
    try {
      const uri = await this.withSession(async (session) => {
        const existing = await this.findPost(session, rkey);
        if (existing) return existing;
        const thumb = summary.imageUrl ? await this.thumbnail(session, summary.imageUrl) : undefined;
        return this.createPost(session, rkey, this.record(text, summary, thumb));
      });
      const did = uri.slice('at://'.length).split('/')[0];
      return { remoteId: uri, url: `https://bsky.app/profile/${did}/post/${rkey}` };
    } catch (error) {
      throw this.toSocialError(error);
    }
  }

  private record(text: string, summary: SocialSummary, thumb: BlobRef | undefined) {
    const facets = blueskyFacets(text);
    return {
      $type: POST_COLLECTION,
      text,
      ...(facets.length ? { facets } : {}),
      createdAt: this.clock().toISOString(),
      ...(summary.language ? { langs: [summary.language] } : {}),
      embed: {
        $type: 'app.bsky.embed.external',
        external: { uri: summary.url, title: summary.title, description: summary.summary ?? '', ...(thumb ? { thumb } : {}) },
      },
    };
  }

  /** The post already stored under `rkey` (an earlier attempt that did land), or undefined. */
  private async findPost(session: Session, rkey: string): Promise<string | undefined> {
    try {
      const found = await this.xrpc('com.atproto.repo.getRecord', RecordRef, {
        // getRecord needs no auth; with the token an entryway (bsky.social) can route it to the account's PDS.
        token: session.accessJwt,
        query: { repo: session.did, collection: POST_COLLECTION, rkey },
      });
      return found.uri;
    } catch (error) {
      if (error instanceof XrpcFailure && error.error === 'RecordNotFound') return undefined;
      throw error;
    }
  }

  private async createPost(session: Session, rkey: string, record: object): Promise<string> {
    try {
      const created = await this.xrpc(CREATE_RECORD, RecordRef, {
        token: session.accessJwt,
        json: { repo: session.did, collection: POST_COLLECTION, rkey, record },
      });
      return created.uri;
    } catch (error) {
      if (isStaleSession(error) || (error instanceof XrpcFailure && error.answer.status === 429)) throw error;
      // The PDS refuses a second record under the same key (PDS 0.4 answers 500: "There is already a
      // value at key"), which is what a concurrent post of the same key gets; and a timeout or a 5xx may
      // hide a record that was written. Either way a record under our key is our post.
      const existing = await this.findPost(session, rkey).catch(() => undefined);
      if (existing) return existing;
      throw error;
    }
  }

  /**
   * Fetches the release's image and uploads it as the card's thumbnail. A card without a thumbnail
   * beats no post at all, so any failure here posts without one, except an expired session, which is
   * renewed and the post started over.
   */
  private async thumbnail(session: Session, imageUrl: string): Promise<BlobRef | undefined> {
    const image = await this.fetchImage(imageUrl);
    if (!image) return undefined;
    try {
      const uploaded = await this.xrpc('com.atproto.repo.uploadBlob', UploadedBlob, { token: session.accessJwt, bytes: image.bytes, contentType: image.type });
      return uploaded.blob;
    } catch (error) {
      if (isStaleSession(error)) throw error;
      return undefined;
    }
  }

  /**
   * The release's image as one of the raster formats a card thumbnail may be (PNG, JPEG, GIF, WebP,
   * told by its bytes), or undefined when the guarded fetcher refuses it: a private or loopback
   * address (the instance metadata service among them), plain http, too many redirects, too big, or
   * not such an image.
   */
  private async fetchImage(url: string): Promise<{ bytes: Uint8Array; type: string } | undefined> {
    try {
      // Redirects: the fetcher's default few.
      const image = await this.outboundFetch(url, { maxBytes: THUMB_MAX_BYTES, timeoutMs: this.timeoutMs, accept: 'image' });
      return { bytes: image.bytes, type: image.contentType };
    } catch {
      return undefined;
    }
  }

  /** Runs `call` with the session; when the PDS no longer takes its token, renews it and runs `call` once more. */
  private async withSession<T>(call: (session: Session) => Promise<T>): Promise<T> {
    const session = await this.session();
    try {
      return await call(session);
    } catch (error) {
      if (!isStaleSession(error)) throw error;
      return call(await this.renew(session));
    }
  }

  private session(): Promise<Session> {
    return this.sessionTask ?? this.remember(this.login());
  }

  /**
   * Replaces a session whose access token expired: `refreshSession` with its refresh token, or a new
   * login when that one is spent or revoked too. Posts that hit the same stale session share one renewal.
   */
  private renew(stale: Session): Promise<Session> {
    let renewal = this.renewals.get(stale);
    if (!renewal) {
      renewal = this.remember(
        this.refresh(stale).catch((error: unknown) => {
          if (error instanceof XrpcFailure && error.answer.status < 500 && error.answer.status !== 429) return this.login();
          throw error;
        }),
      );
      this.renewals.set(stale, renewal);
    }
    return renewal;
  }

  private remember(task: Promise<Session>): Promise<Session> {
    this.sessionTask = task;
    task.catch(() => {
      if (this.sessionTask === task) this.sessionTask = undefined;
    });
    return task;
  }

  private async login(): Promise<Session> {
    return this.xrpc(CREATE_SESSION, Session, {
      json: { identifier: this.options.identifier, password: this.options.appPassword },
    });
  }

  private async refresh(stale: Session): Promise<Session> {
    // refreshSession takes the refresh token in place of the access token, and rotates it.
    return this.xrpc('com.atproto.server.refreshSession', Session, { token: stale.refreshJwt, method: 'POST' });
  }

  /**
   * One XRPC call, its 2xx answer read with `schema`. No answer, or a 2xx that does not read, is a
   * {@link SocialPostRetryableError} at once; any other answer is an {@link XrpcFailure}, whose XRPC
   * error name the callers act on (a stale session, a record not found) before {@link toSocialError}.
   */
  private async xrpc<T>(
    nsid: string,
    schema: z.ZodType<T>,
    request: { token?: string; query?: Record<string, string>; json?: unknown; bytes?: Uint8Array; contentType?: string; method?: 'GET' | 'POST' },
  ): Promise<T> {
    const url = new URL(`${this.xrpcBase}${nsid}`);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    const method = request.method ?? (request.json !== undefined || request.bytes ? 'POST' : 'GET');
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (request.token) headers.Authorization = `Bearer ${request.token}`;
    if (request.json !== undefined) headers['Content-Type'] = 'application/json';
    if (request.bytes) headers['Content-Type'] = request.contentType ?? 'application/octet-stream';

    const context = this.context(nsid);
    const answer = await send(
      url.toString(),
      { method, headers, body: request.json !== undefined ? JSON.stringify(request.json) : request.bytes },
      { ...context, fetch: this.fetch, timeoutMs: this.timeoutMs },
    );
    const body = jsonOf(answer.text);
    if (!answer.ok) throw new XrpcFailure(nsid, answer, XrpcErrorBody.safeParse(body).data ?? {}, this.clock());
    const result = schema.safeParse(body);
    // A 2xx we cannot read: the PDS says it worked, and the fixed record key makes asking again safe.
    if (!result.success) throw unreadableAnswer(answer, { ...context, cause: result.error });
    return result.data;
  }

  /** Who answered in error messages (the call, never a token), and whether the call can publish: only createRecord can. */
  private context(nsid: string) {
    return { channel: this.name, provider: `Bluesky (${nsid})`, publishes: nsid === CREATE_RECORD };
  }

  private toSocialError(error: unknown): unknown {
    if (!(error instanceof XrpcFailure)) return error;
    const { answer, nsid } = error;
    const socialError = answerError(answer, { ...this.context(nsid), providerMessage: error.providerMessage, retryAfter: error.retryAfter });
    if (nsid === CREATE_SESSION && answer.status === 401) {
      return new SocialPostRejectedError(this.name, `${socialError.message}; check the identifier and app password of the ${this.name} channel`, {
        status: answer.status,
        providerMessage: error.providerMessage,
      });
    }
    return socialError;
  }
}

/** An XRPC call answered with an error; posting turns it into a social error ({@link BlueskyChannel.toSocialError}). */
class XrpcFailure extends Error {
  /** The XRPC error name, e.g. `ExpiredToken`, `RecordNotFound`, `RateLimitExceeded`. */
  readonly error?: string;
  /** The error name and message, as the PDS sent them. */
  readonly providerMessage?: string;
  readonly retryAfter?: Date;

  constructor(
    readonly nsid: string,
    readonly answer: ProviderAnswer,
    body: { error?: string; message?: string },
    now: Date,
  ) {
    const detail = [body.error, body.message].filter(Boolean).join(': ');
    super(`Bluesky answered ${answer.status} to ${nsid}${detail ? ` (${detail})` : ''}`);
    this.name = 'XrpcFailure';
    this.error = body.error;
    this.providerMessage = detail || undefined;
    // Bluesky's rate limiter sends `RateLimit-Reset` in epoch seconds; proxies send `Retry-After`.
    this.retryAfter = epochSecondsHeader(answer.headers, 'ratelimit-reset') ?? retryAfterHeader(answer.headers, now);
  }
}

/** The PDS no longer takes the session's access token (it lasts about two hours). */
function isStaleSession(error: unknown): boolean {
  return error instanceof XrpcFailure && (error.error === 'ExpiredToken' || error.error === 'InvalidToken');
}

// Base32 "sortable" alphabet of TIDs: string order matches numeric order.
const S32 = '234567abcdefghijklmnopqrstuvwxyz';
// Derived keys carry a timestamp inside a fixed window that has passed (2023-01-01 plus 2^43 µs, about
// 102 days), so none claims a time in the future; 43 hash bits there and 10 in the clock id leave
// collisions out of reach for any account's number of releases.
const TID_EPOCH_US = 1_672_531_200_000_000n;
const TID_WINDOW_US = 1n << 43n;

/**
 * The record key of the post for `idempotencyKey`: a valid TID (13 base32-sortable characters; top bit
 * 0, 53 bits of microseconds, 10 bits of clock id) built from a SHA-256 of the key, so every attempt
 * for one (release, channel) names the same record and a repository can hold only one of them.
 *
 * @example
 * recordKeyFor('rel_1:bluesky'); // '3jsihfcdfjvf3', on every attempt
 */
export function recordKeyFor(idempotencyKey: string): string {
  const bits = createHash('sha256').update(idempotencyKey).digest().readBigUInt64BE(0);
  const micros = TID_EPOCH_US + ((bits >> 10n) % TID_WINDOW_US);
  let value = (micros << 10n) | (bits & 0x3ffn);
  let tid = '';
  for (let i = 0; i < 13; i++) {
    tid = S32[Number(value & 31n)] + tid;
    value >>= 5n;
  }
  return tid;
}
