import { lookup as dnsLookup } from 'node:dns/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { PUBLIC_ONLY, type AddressPolicy } from './address-policy';
import { OutboundFetchRefusedError, type OutboundRefusal } from './errors';
import { imageTypeOf } from './image-type';

export interface OutboundRequest {
  /** The longest body taken; a longer one is refused without reading past the limit. */
  maxBytes: number;
  /** For the whole fetch: every lookup, redirect and byte. */
  timeoutMs: number;
  /** Redirects followed, each checked like the first URL; {@link DEFAULT_MAX_REDIRECTS} when unset. */
  maxRedirects?: number;
  /** `image`: only a PNG, JPEG, GIF or WebP, told by its bytes; `contentType` is then the type they show. */
  accept?: 'image';
  /** The Accept header to send when `accept` is unset (a feed reader names feed types); any type otherwise. */
  acceptTypes?: string;
  /**
   * A conditional request: the validators of the last answer kept. A `304 Not Modified` answer is
   * then returned (with no bytes) instead of refused.
   */
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

export interface OutboundResponse {
  bytes: Uint8Array;
  /** The media type: sniffed from the bytes for an image, else as the server sent it (lowercase, no parameters). */
  contentType: string;
  /** Where the body came from, after redirects. */
  finalUrl: string;
  /** The charset the Content-Type names (lowercase), when it names one: feeds and pages are decoded by it. */
  charset?: string;
  /** 2xx, or 304 for a conditional request whose resource has not changed. */
  status: number;
  /** The answer's validators, for the next conditional request. */
  etag?: string;
  lastModified?: string;
}

/** Fetches a URL that came from outside (a release, a feed): see {@link guardedFetcher}. */
export type OutboundFetch = (url: string, request: OutboundRequest) => Promise<OutboundResponse>;

/** A host's addresses, as `dns.lookup(host, { all: true })` answers. */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface GuardedFetcherOptions {
  /** Which addresses may be reached, and over what; {@link PUBLIC_ONLY} unless the local runner or a test says otherwise. */
  policy?: AddressPolicy;
  /** How host names are resolved; node:dns (the system resolver) by default. */
  resolve?: Resolver;
  /** A CA to trust besides the system's: tests that serve https locally. */
  ca?: string | Buffer;
}

// Enough for a CDN's http → https → canonical host hops; a chain longer than that is not an image link.
export const DEFAULT_MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Names the fetcher to site owners (feeds, link cards, article pages) in their logs.
const USER_AGENT = 'Pressroom';

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * The one way to fetch a URL that came from outside. https only; every host (the first and each
 * redirect's) is resolved and refused when any of its addresses is not allowed by the policy (by
 * default: public unicast only, so never loopback, private, link-local such as the instance metadata
 * service 169.254.169.254, and the like); the connection goes to the address that was checked, so a
 * second DNS answer cannot swap in another (DNS rebinding). Redirects are followed by hand, at most
 * `maxRedirects`; the timeout covers the whole fetch and the body is cut off past `maxBytes`.
 *
 * @throws OutboundFetchRefusedError with the reason; nothing else.
 * @example
 * const fetchOutside = guardedFetcher();
 * const image = await fetchOutside(releaseImage, { maxBytes: 1_000_000, timeoutMs: 10_000, accept: 'image' });
 * image.contentType; // 'image/png', from the bytes
 */
export function guardedFetcher(options: GuardedFetcherOptions = {}): OutboundFetch {
  const policy = options.policy ?? PUBLIC_ONLY;
  const resolve = options.resolve ?? systemResolver;
  return async (url, request) => {
    const signal = AbortSignal.timeout(request.timeoutMs);
    const timedOut = new Promise<never>((_, reject) => {
      const onAbort = () => reject(refused('timeout', `No complete answer within ${request.timeoutMs} ms`));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    // A DNS lookup cannot be aborted: the race makes the timeout hold for it too.
    return Promise.race([fetchFollowing(url, request, { policy, resolve, ca: options.ca, signal }), timedOut]).catch((error: unknown) => {
      if (error instanceof OutboundFetchRefusedError) throw error;
      if (signal.aborted) throw refused('timeout', `No complete answer within ${request.timeoutMs} ms`, error);
      throw refused('network', `Could not fetch from ${hostOf(url)}: ${error instanceof Error ? error.message : String(error)}`, error);
    });
  };
}

/** A POST to a URL staff typed (a webhook endpoint): see {@link guardedPoster}. */
export interface OutboundPost {
  headers: Record<string, string>;
  body: string;
  /** For the whole request: the lookup, the connection and the answer's status line. */
  timeoutMs: number;
}

/** Sends a POST under the same address vetting as {@link guardedFetcher}; answers the status, whatever it is. */
export type OutboundPoster = (url: string, request: OutboundPost) => Promise<{ status: number }>;

/**
 * The one way to POST to a URL that came from outside (a webhook endpoint staff registered): the
 * same scheme and address vetting as {@link guardedFetcher}, connected to the address that was
 * checked, within the timeout; never follows a redirect (a 3xx is answered as the status it is,
 * since a redirect could point anywhere). The answer's body is not read.
 *
 * @throws OutboundFetchRefusedError when the URL or its address is refused, or nothing answered in time.
 * @example
 * const post = guardedPoster();
 * const { status } = await post('https://crm.example.org/hooks', { headers, body, timeoutMs: 10_000 });
 */
export function guardedPoster(options: GuardedFetcherOptions = {}): OutboundPoster {
  const policy = options.policy ?? PUBLIC_ONLY;
  const resolve = options.resolve ?? systemResolver;
  return async (url, request) => {
    const signal = AbortSignal.timeout(request.timeoutMs);
    const timedOut = new Promise<never>((_, reject) => {
      const onAbort = () => reject(refused('timeout', `No answer within ${request.timeoutMs} ms`));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    const post = async () => {
      const target = parseUrl(url);
      const address = await vet(target, { policy, resolve, ca: options.ca, signal });
      const response = await send(target, address, 'POST', request.headers, request.body, { ca: options.ca, signal });
      response.destroy();
      return { status: response.statusCode ?? 0 };
    };
    return Promise.race([post(), timedOut]).catch((error: unknown) => {
      if (error instanceof OutboundFetchRefusedError) throw error;
      if (signal.aborted) throw refused('timeout', `No answer within ${request.timeoutMs} ms`, error);
      throw refused('network', `Could not reach ${hostOf(url)}: ${error instanceof Error ? error.message : String(error)}`, error);
    });
  };
}

interface Context {
  policy: AddressPolicy;
  resolve: Resolver;
  ca?: string | Buffer;
  signal: AbortSignal;
}

async function fetchFollowing(url: string, request: OutboundRequest, context: Context): Promise<OutboundResponse> {
  const maxRedirects = request.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let current = parseUrl(url);
  for (let redirects = 0; ; redirects++) {
    const address = await vet(current, context);
    const response = await get(current, address, request, context);
    const location = response.headers.location;
    if (REDIRECTS.has(response.statusCode ?? 0) && location) {
      response.destroy();
      if (redirects >= maxRedirects) throw refused('too-many-redirects', `More than ${maxRedirects} redirects from ${hostOf(url)}`);
      current = parseUrl(location, current);
      continue;
    }
    const status = response.statusCode ?? 0;
    if (status === 304 && (request.ifNoneMatch || request.ifModifiedSince)) {
      response.destroy();
      return { bytes: new Uint8Array(), contentType: '', finalUrl: current.href, status, ...validators(response) };
    }
    if (status < 200 || status > 299) {
      response.destroy();
      throw refused('bad-status', `${current.host} answered ${status}`);
    }
    const bytes = await readAtMost(response, request.maxBytes, current.host);
    const charset = /;\s*charset="?([^";\s]+)/i.exec(response.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    return { bytes, contentType: contentTypeOf(bytes, response, request.accept, current.host), ...(charset ? { charset } : {}), finalUrl: current.href, status, ...validators(response) };
  }
}

function parseUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch (error) {
    throw refused('invalid-url', 'Not a URL', error);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refused('not-https', `Only https URLs are fetched, not ${url.protocol}`);
  // Credentials in a URL from outside would be sent to whoever answers.
  if (url.username || url.password) throw refused('invalid-url', 'A URL with credentials is not fetched');
  return url;
}

/**
 * Resolves the URL's host and checks every address against the policy, and the scheme against the
 * address: returns the address to connect to.
 */
async function vet(url: URL, { policy, resolve }: Context): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw refused('unresolvable', `${host} does not resolve`, error);
    }
  }
  if (!addresses.length) throw refused('unresolvable', `${host} has no address`);
  // Any address not allowed refuses the host: the system may connect to any of them.
  const denied = addresses.find(({ address }) => !policy.allows(address));
  if (denied) throw refused('private-address', `${host} resolves to ${denied.address}, which is not a public address`);
  if (url.protocol !== 'https:' && !addresses.every(({ address }) => policy.allowsPlainHttp(address))) {
    throw refused('not-https', `Only https URLs are fetched (${host} was asked over ${url.protocol})`);
  }
  return addresses[0];
}

function validators(response: http.IncomingMessage): Pick<OutboundResponse, 'etag' | 'lastModified'> {
  const etag = response.headers.etag;
  const lastModified = response.headers['last-modified'];
  return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}

function get(url: URL, vetted: { address: string; family: number }, request: OutboundRequest, context: Context) {
  return send(url, vetted, 'GET', {
    accept: request.accept === 'image' ? 'image/png, image/jpeg, image/webp, image/gif' : (request.acceptTypes ?? '*/*'),
    ...(request.ifNoneMatch ? { 'if-none-match': request.ifNoneMatch } : {}),
    ...(request.ifModifiedSince ? { 'if-modified-since': request.ifModifiedSince } : {}),
    // A compressed body would defeat both the size limit and the sniffing.
    'accept-encoding': 'identity',
  }, undefined, context);
}

function send(url: URL, vetted: { address: string; family: number }, method: 'GET' | 'POST', headers: Record<string, string>, body: string | undefined, { ca, signal }: Pick<Context, 'ca' | 'signal'>) {
  // The connection goes to the vetted address whatever a second lookup would say; the URL's host
  // still names the server for TLS (SNI, certificate check) and the Host header.
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, [vetted]);
    else callback(null, vetted.address, vetted.family);
  };
  const options: https.RequestOptions = {
    method,
    agent: false,
    lookup,
    signal,
    headers: { ...headers, 'user-agent': USER_AGENT },
    ...(ca ? { ca } : {}),
  };
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, options, resolve);
    request.on('error', reject);
    request.end(body);
  });
}

async function readAtMost(response: http.IncomingMessage, maxBytes: number, host: string): Promise<Uint8Array> {
  const tooLarge = () => refused('too-large', `The answer from ${host} is over ${maxBytes} bytes`);
  if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function contentTypeOf(bytes: Uint8Array, response: http.IncomingMessage, accept: OutboundRequest['accept'], host: string): string {
  if (accept === 'image') {
    const type = imageTypeOf(bytes);
    if (!type) throw refused('not-an-image', `The answer from ${host} is not a PNG, JPEG, GIF or WebP image`);
    return type;
  }
  return (response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function hostOf(url: string): string {
  return URL.canParse(url) ? new URL(url).host : 'an invalid URL';
}

function refused(reason: OutboundRefusal, message: string, cause?: unknown): OutboundFetchRefusedError {
  return new OutboundFetchRefusedError(reason, message, cause === undefined ? undefined : { cause });
}
