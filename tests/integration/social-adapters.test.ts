import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SocialChannel } from '../../functions/domain/social/ports';
import type { SocialSummary } from '../../functions/domain/social/social-post';
import { SocialPostRejectedError, SocialPostRetryableError } from '../../functions/domain/social/errors';
import { DiscordChannel } from '../../functions/adapters/social/discord';
import { escapeLittleText, LinkedInChannel } from '../../functions/adapters/social/linkedin';
import { SlackChannel } from '../../functions/adapters/social/slack';
import { ThreadsChannel } from '../../functions/adapters/social/threads';
import { XChannel } from '../../functions/adapters/social/x';

/*
 * One local HTTP server plays each provider. Its stand-ins check every request the way the provider
 * documents it (method, path, headers, token, body schema) and answer as the provider does, so a
 * request the real API would refuse fails these tests. Single tests override one answer to play an
 * outage, a rate limit or a stall.
 */

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}
type Reply = { status: number; headers?: Record<string, string>; body?: unknown };
type Answer = Reply | 'hang';

const NOW = new Date('2030-06-01T12:00:00Z');
const clock = () => NOW;
const X_TOKEN = 'x-user-token-123';
// Secrets with characters RFC 3986 encodes but a careless encoder would not (`!*'()`), or would wrongly
// (space as `+`): a signature built either way fails the stand-in's check.
const X_OAUTH1 = {
  consumerKey: 'xvz1-consumer-key',
  consumerSecret: "consumer secret/+&=!*'()",
  accessToken: '1445880548-user+token',
  accessTokenSecret: 'token secret ~ (revocable)',
};
const LINKEDIN_TOKEN = 'li-token-456';
const LINKEDIN_AUTHOR = 'urn:li:organization:5515715';
const THREADS_TOKEN = 'th-token-789';
const SLACK_PATH = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
const DISCORD_PATH = '/api/webhooks/1183457095285796864/webhook-token-abc';

let server: Server;
let base: string;
let received: Received[];
let standIn: (request: Received) => Reply;
let override: { when: (request: Received) => boolean; answer: Answer } | undefined;
let stalled: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const request = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const answer = override?.when(request) ? override.answer : standIn(request);
      if (answer === 'hang') {
        stalled.push(res);
        return;
      }
      const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'Content-Type': typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
        ...answer.headers,
      });
      res.end(text);
    });
  });
  // Never close an idle keep-alive socket from this side: on a loaded machine the client can reuse it
  // just as the server's 5 s timer closes it, and the post then fails with ECONNRESET (a real provider
  // keeps sockets far longer than undici's 4 s pool timeout, so the client always closes first).
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  override = undefined;
  xOAuth1Refusal = undefined;
  threadsState = { containers: new Map(), nextId: 17_889_615_691_921_648n, inProgressChecks: 0 };
});

afterEach(() => {
  // Drop only the connections a stalled answer left open: closing idle pooled ones would trip the next test.
  for (const res of stalled.splice(0)) res.destroy();
});

function summaryWith(overrides: Partial<SocialSummary> = {}): SocialSummary {
  return {
    title: 'Pressroom 2.0 (beta) is out',
    summary: 'Faster sends & a local channel_for development.',
    url: 'https://example.com/releases/2-0?ref=social',
    tags: ['Press Releases'],
    language: 'en',
    ...overrides,
  };
}

const messageFor = (channel: SocialChannel, summary = summaryWith()) => ({
  text: channel.format(summary),
  summary,
  idempotencyKey: `rel_1:${channel.name}`,
});

async function failureOf(promise: Promise<unknown>): Promise<SocialPostRetryableError | SocialPostRejectedError> {
  return promise.then(
    () => expect.fail('expected the post to fail'),
    (error: unknown) => {
      if (error instanceof SocialPostRetryableError || error instanceof SocialPostRejectedError) return error;
      throw error;
    },
  );
}

/**
 * A port nothing listens on: 1023 lies outside the ephemeral range that `listen(0)` hands out, so no
 * other test's server can take it between here and the connection, as a port just released could
 * be (and, unlike 1, fetch does not refuse it as a "bad port" before trying).
 */
async function closedPort(): Promise<number> {
  return 1023;
}

const jsonOf = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

// ---------------------------------------------------------------------------------------------------
// X: POST /2/tweets, OAuth 2.0 user token or OAuth 1.0a signature, `{ text }` → 201 `{ data: { id, text } }`; RFC 7807 problems.

const XCreateTweet = z.object({ text: z.string().min(1) }).strict();

/** RFC 3986 percent-encoding, as RFC 5849 §3.6 requires: everything but `A-Za-z0-9-._~`. */
const rfc3986 = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** An `Authorization: OAuth …` header's fields, decoded (RFC 5849 §3.5.1), or undefined if it is not one. */
function oauth1FieldsOf(header: string | undefined): Map<string, string> | undefined {
  if (!header?.startsWith('OAuth ')) return undefined;
  const fields = new Map<string, string>();
  for (const pair of header.slice('OAuth '.length).split(',')) {
    const match = /^\s*([^=\s]+)="([^"]*)"\s*$/.exec(pair);
    if (!match) return undefined;
    fields.set(decodeURIComponent(match[1]), decodeURIComponent(match[2]));
  }
  return fields;
}

/**
 * The HMAC-SHA1 signature of a request (RFC 5849 §3.4), written here apart from the adapter's library:
 * encode every name and value, sort by name then value, join as `n=v&…`; base string
 * `METHOD&<encoded base URI>&<encoded parameters>`; key `<encoded consumer secret>&<encoded token secret>`.
 */
function oauth1SignatureOf(method: string, baseUri: string, parameters: Array<[string, string]>, consumerSecret: string, tokenSecret: string): string {
  const normalized = parameters
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([an, av], [bn, bv]) => (an === bn ? (av < bv ? -1 : av > bv ? 1 : 0) : an < bn ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const baseString = `${method.toUpperCase()}&${rfc3986(baseUri)}&${rfc3986(normalized)}`;
  return createHmac('sha1', `${rfc3986(consumerSecret)}&${rfc3986(tokenSecret)}`).update(baseString).digest('base64');
}

// X refuses a nonce it has already seen with the same timestamp, and timestamps far from its clock.
const xSeenNonces = new Set<string>();
/** Why the stand-in last refused an OAuth 1.0a request, so a test can tell a bad signature from a bad key. */
let xOAuth1Refusal: string | undefined;

function xOAuth1ProblemOf(request: Received): string | undefined {
  const fields = oauth1FieldsOf(request.headers.authorization);
  if (!fields) return 'not an OAuth header';
  if (fields.get('oauth_consumer_key') !== X_OAUTH1.consumerKey) return 'unknown consumer key';
  if (fields.get('oauth_token') !== X_OAUTH1.accessToken) return 'unknown access token';
  if (fields.get('oauth_signature_method') !== 'HMAC-SHA1') return 'not HMAC-SHA1';
  if (fields.has('oauth_version') && fields.get('oauth_version') !== '1.0') return 'not version 1.0';
  const timestamp = fields.get('oauth_timestamp') ?? '';
  if (!/^\d+$/.test(timestamp) || Math.abs(Number(timestamp) - NOW.getTime() / 1000) > 300) return 'timestamp out of bounds';
  const nonce = fields.get('oauth_nonce');
  if (!nonce) return 'no nonce';
  if (xSeenNonces.has(`${timestamp}:${nonce}`)) return 'nonce used before';
  // §3.4.1.3.1: the query, a form-encoded body (never a JSON one), and the header's oauth_* but the signature.
  const parameters: Array<[string, string]> = [...request.query];
  if (request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) parameters.push(...new URLSearchParams(request.body));
  for (const [name, value] of fields) if (name !== 'oauth_signature' && name !== 'realm') parameters.push([name, value]);
  // §3.4.1.2: scheme and host as the client addressed them, without the query.
  const expected = oauth1SignatureOf(request.method, `http://${request.headers.host}${request.path}`, parameters, X_OAUTH1.consumerSecret, X_OAUTH1.accessTokenSecret);
  const given = fields.get('oauth_signature') ?? '';
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return 'signature does not match';
  xSeenNonces.add(`${timestamp}:${nonce}`);
  return undefined;
}

function xAuthorized(request: Received): boolean {
  if (!request.headers.authorization?.startsWith('OAuth ')) return request.headers.authorization === `Bearer ${X_TOKEN}`;
  xOAuth1Refusal = xOAuth1ProblemOf(request);
  return xOAuth1Refusal === undefined;
}

function xApi(request: Received): Reply {
  if (request.method !== 'POST' || request.path !== '/2/tweets') {
    return { status: 404, body: { title: 'Not Found Error', detail: `Unknown route ${request.path}`, type: 'about:blank', status: 404 } };
  }
  if (!xAuthorized(request)) {
    return { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } };
  }
  const body = XCreateTweet.safeParse(request.headers['content-type']?.startsWith('application/json') ? jsonOf(request.body) : undefined);
  if (!body.success) {
    return {
      status: 400,
      body: {
        errors: [
          {
            parameters: {},
            message: `Invalid request body: ${body.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
          },
        ],
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      },
    };
  }
  const id = String(1_445_880_548_472_328_192n + BigInt(received.length - 1));
  return { status: 201, body: { data: { id, text: body.data.text, edit_history_tweet_ids: [id] } } };
}

// ---------------------------------------------------------------------------------------------------
// LinkedIn: POST /rest/posts with version headers; 201, the URN in `x-restli-id`, no body.

const LinkedInPost = z
  .object({
    author: z.string().regex(/^urn:li:(person|organization):\w+$/),
    commentary: z.string(),
    visibility: z.enum(['PUBLIC', 'CONNECTIONS', 'LOGGED_IN']),
    distribution: z
      .object({
        feedDistribution: z.enum(['MAIN_FEED', 'NONE']),
        targetEntities: z.array(z.unknown()),
        thirdPartyDistributionChannels: z.array(z.unknown()),
      })
      .strict(),
    content: z
      .object({ article: z.object({ source: z.string().url(), title: z.string().min(1), description: z.string().optional() }).strict() })
      .strict()
      .optional(),
    lifecycleState: z.literal('PUBLISHED'),
    isReshareDisabledByAuthor: z.boolean().optional(),
  })
  .strict();

const LITTLE_RESERVED = '\\|{}@[]()<>#*_~';

/** Reads "little" text back to plain text, or undefined where a reserved character is left unescaped. */
function readLittleText(little: string): string | undefined {
  let text = '';
  for (let i = 0; i < little.length; i++) {
    const char = little[i];
    if (char === '\\') {
      if (i + 1 === little.length || !LITTLE_RESERVED.includes(little[i + 1])) return undefined;
      text += little[++i];
    } else if (char === '#' && (i === 0 || /\s/.test(little[i - 1])) && /[\p{L}\p{N}]/u.test(little[i + 1] ?? '')) {
      text += char; // a HashtagElement
    } else if (LITTLE_RESERVED.includes(char)) {
      return undefined;
    } else {
      text += char;
    }
  }
  return text;
}

let linkedInPosts: { urn: string; body: z.infer<typeof LinkedInPost>; text: string }[] = [];

function linkedInApi(request: Received): Reply {
  if (request.method !== 'POST' || request.path !== '/rest/posts') return { status: 404, body: { status: 404, message: 'Not found' } };
  if (request.headers.authorization !== `Bearer ${LINKEDIN_TOKEN}`) {
    return { status: 401, body: { status: 401, serviceErrorCode: 65600, code: 'INVALID_ACCESS_TOKEN', message: 'Invalid access token' } };
  }
  if (!/^\d{6}$/.test(String(request.headers['linkedin-version'])) || request.headers['x-restli-protocol-version'] !== '2.0.0') {
    return { status: 426, body: { status: 426, code: 'NONEXISTENT_VERSION', message: 'Requested version is not active' } };
  }
  const body = LinkedInPost.safeParse(jsonOf(request.body));
  if (!body.success) return { status: 422, body: { status: 422, message: body.error.message } };
  const text = readLittleText(body.data.commentary);
  // The real API silently cuts the post at an unescaped reserved character; refuse it loudly here.
  if (text === undefined) return { status: 400, body: { status: 400, message: `Unescaped reserved character in ${body.data.commentary}` } };
  const urn = `urn:li:share:${6_844_785_523_593_134_080n + BigInt(linkedInPosts.length)}`;
  linkedInPosts.push({ urn, body: body.data, text });
  return { status: 201, headers: { 'x-restli-id': urn, 'x-linkedin-id': urn.split(':').at(-1)! } };
}

// ---------------------------------------------------------------------------------------------------
// Threads: container → status → publish → permalink, Graph-style params and `{ error: { code } }` errors.

let threadsState: {
  containers: Map<string, { text: string; link?: string; published?: string }>;
  nextId: bigint;
  inProgressChecks: number;
};

const ThreadsContainer = z
  .object({
    media_type: z.literal('TEXT'),
    text: z.string().min(1).max(500),
    link_attachment: z.string().url().optional(),
    access_token: z.string(),
  })
  .strict();

function graphError(status: number, code: number, message: string, subcode?: number): Reply {
  return {
    status,
    body: { error: { message, type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: 'AbCdEf' } },
  };
}

function threadsApi(request: Received): Reply {
  // The Graph API reads parameters from the query string and the form body alike.
  const params = new URLSearchParams(request.query);
  if (request.method === 'POST') {
    if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
      return graphError(400, 100, 'Invalid parameter');
    for (const [key, value] of new URLSearchParams(request.body)) params.set(key, value);
  }
  if (params.get('access_token') !== THREADS_TOKEN) return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
  const id = () => String(threadsState.nextId++);

  if (request.method === 'POST' && request.path === '/v1.0/me/threads') {
    const container = ThreadsContainer.safeParse(Object.fromEntries(params));
    if (!container.success) return graphError(400, 100, `Invalid parameter: ${container.error.message}`);
    const containerId = id();
    threadsState.containers.set(containerId, { text: container.data.text, link: container.data.link_attachment });
    return { status: 200, body: { id: containerId } };
  }
  if (request.method === 'POST' && request.path === '/v1.0/me/threads_publish') {
    const container = threadsState.containers.get(params.get('creation_id') ?? '');
    if (!container || container.published) return graphError(400, 24, 'The requested resource does not exist', 4279009);
    container.published = id();
    return { status: 200, body: { id: container.published } };
  }
  const object = request.path.replace(/^\/v1\.0\//, '');
  if (request.method === 'GET' && params.get('fields') === 'status,error_message' && threadsState.containers.has(object)) {
    const inProgress = threadsState.inProgressChecks-- > 0;
    return { status: 200, body: { id: object, status: inProgress ? 'IN_PROGRESS' : 'FINISHED' } };
  }
  const post = [...threadsState.containers.values()].find((c) => c.published === object);
  if (request.method === 'GET' && params.get('fields') === 'permalink' && post) {
    return { status: 200, body: { id: object, permalink: `https://www.threads.net/@press/post/C${object.slice(-6)}` } };
  }
  return graphError(400, 100, 'Unsupported request');
}

// ---------------------------------------------------------------------------------------------------
// Slack incoming webhook: JSON `{ text, blocks }` → `200 ok`; errors are bare strings with a 4xx.

const SlackText = z.discriminatedUnion('type', [
  z.object({ type: z.literal('plain_text'), text: z.string().min(1), emoji: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('mrkdwn'), text: z.string().min(1) }).strict(),
]);
const SlackBlock = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('header'),
      text: z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(150), emoji: z.boolean().optional() }).strict(),
    })
    .strict(),
  z.object({ type: z.literal('section'), text: SlackText.refine((t) => t.text.length <= 3000, 'section text over 3000') }).strict(),
  z.object({ type: z.literal('context'), elements: z.array(SlackText).min(1).max(10) }).strict(),
]);
const SlackPayload = z.object({ text: z.string().min(1), blocks: z.array(SlackBlock).min(1).max(50) }).strict();

function slackWebhook(request: Received): Reply {
  if (request.method !== 'POST' || request.path !== SLACK_PATH) return { status: 404, body: 'no_service' };
  if (!String(request.headers['content-type']).startsWith('application/json')) return { status: 400, body: 'invalid_payload' };
  const payload = jsonOf(request.body);
  if (payload === undefined) return { status: 400, body: 'invalid_payload' };
  if (typeof (payload as { text?: unknown }).text !== 'string') return { status: 400, body: 'no_text' };
  return SlackPayload.safeParse(payload).success ? { status: 200, body: 'ok' } : { status: 400, body: 'invalid_blocks' };
}

// ---------------------------------------------------------------------------------------------------
// Discord webhook: `?wait=true` answers the message; embed limits; `{ code, message }` errors.

const DiscordEmbed = z
  .object({
    title: z.string().max(256).optional(),
    description: z.string().max(4096).optional(),
    url: z.string().url().optional(),
    timestamp: z.string().optional(),
    footer: z
      .object({ text: z.string().min(1).max(2048) })
      .strict()
      .optional(),
    image: z.object({ url: z.string().url() }).strict().optional(),
    thumbnail: z.object({ url: z.string().url() }).strict().optional(),
  })
  .strict();
const DiscordPayload = z
  .object({
    content: z.string().min(1).max(2000).optional(),
    embeds: z.array(DiscordEmbed).max(10),
    allowed_mentions: z.object({ parse: z.array(z.enum(['roles', 'users', 'everyone'])) }).strict(),
  })
  .strict()
  .refine(
    (p) => p.embeds.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0), 0) <= 6000,
    'embeds over 6000',
  );

function discordWebhook(request: Received): Reply {
  const [id] = DISCORD_PATH.split('/').slice(3);
  if (request.method !== 'POST' || !request.path.startsWith(`/api/webhooks/${id}/`))
    return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
  if (request.path !== DISCORD_PATH) return { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } };
  const payload = DiscordPayload.safeParse(jsonOf(request.body));
  if (!payload.success) return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: payload.error.issues } };
  // Without `wait=true` Discord only says 204 No Content, and there is no id to keep.
  if (request.query.get('wait') !== 'true') return { status: 204 };
  const messageId = String(1_183_457_095_285_796_884n + BigInt(received.length - 1));
  return {
    status: 200,
    body: {
      id: messageId,
      channel_id: '1183457000000000000',
      webhook_id: id,
      content: payload.data.content ?? '',
      embeds: payload.data.embeds,
      type: 0,
    },
  };
}

// ---------------------------------------------------------------------------------------------------

describe('XChannel', () => {
  beforeEach(() => {
    standIn = xApi;
  });
  const x = (options: Partial<ConstructorParameters<typeof XChannel>[0]> = {}) =>
    new XChannel({ accessToken: X_TOKEN, apiBaseUrl: `${base}/`, clock, ...options });

  it('creates the post with the user token and returns its id and address', async () => {
    const channel = x();
    const message = messageFor(channel);
    const result = await channel.post(message);

    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0].body)).toEqual({ text: message.text });
    expect(message.text).toContain('https://example.com/releases/2-0?ref=social');
    expect(result).toEqual({ remoteId: '1445880548472328192', url: 'https://x.com/i/web/status/1445880548472328192' });
  });

  it('asks a token function for a current token on every post', async () => {
    let calls = 0;
    const channel = x({
      accessToken: async () => {
        calls++;
        return X_TOKEN;
      },
    });
    await channel.post(messageFor(channel));
    await channel.post(messageFor(channel));
    expect(calls).toBe(2);
  });

  it('turns a refusal into a rejection carrying X’s detail', async () => {
    override = {
      when: () => true,
      answer: {
        status: 403,
        body: {
          detail: 'You are not allowed to create a Tweet with duplicate content.',
          type: 'about:blank',
          title: 'Forbidden',
          status: 403,
        },
      },
    };
    const error = await failureOf(x().post(messageFor(x())));
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error).toMatchObject({ status: 403, providerMessage: 'You are not allowed to create a Tweet with duplicate content.' });
  });

  it('quotes the first error of a 400 rather than its generic detail', async () => {
    const channel = x();
    const error = await failureOf(channel.post({ ...messageFor(channel), text: '' }));
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error).toMatchObject({ status: 400 });
    expect((error as SocialPostRejectedError).providerMessage).toMatch(/^Invalid request body: text /);
  });

  it('does not wait for the rate-limit window on a 503, which X also sends its headers with', async () => {
    override = {
      when: () => true,
      answer: {
        status: 503,
        headers: { 'x-rate-limit-remaining': '99', 'x-rate-limit-reset': '1906459200', 'Retry-After': '60' },
        body: { title: 'Service Unavailable' },
      },
    };
    const error = await failureOf(x().post(messageFor(x())));
    expect(error).toMatchObject({ status: 503, mayHavePosted: true, retryAfter: new Date('2030-06-01T12:01:00Z') });
  });

  it('waits for the 24-hour user cap when that is what ran out', async () => {
    override = {
      when: () => true,
      answer: {
        status: 429,
        headers: {
          'x-rate-limit-limit': '100',
          'x-rate-limit-remaining': '99',
          'x-rate-limit-reset': '1906459200',
          'x-user-limit-24hour-limit': '17',
          'x-user-limit-24hour-remaining': '0',
          'x-user-limit-24hour-reset': '1906500000',
        },
        body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
      },
    };
    const error = await failureOf(x().post(messageFor(x())));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ status: 429, mayHavePosted: false, retryAfter: new Date(1_906_500_000_000) });
  });
});

describe('XChannel with OAuth 1.0a', () => {
  beforeEach(() => {
    standIn = xApi;
  });
  const x = (oauth1: Partial<typeof X_OAUTH1> = {}) =>
    new XChannel({ oauth1: { ...X_OAUTH1, ...oauth1 }, apiBaseUrl: `${base}/`, clock });
  const nonceOf = (request: Received) => oauth1FieldsOf(request.headers.authorization)?.get('oauth_nonce');

  it('the stand-in’s own signing agrees with X’s documented example', () => {
    // docs.x.com/fundamentals/authentication/oauth-1-0a/creating-a-signature: should this disagree, the
    // stand-in, not the adapter, would be wrong.
    const signature = oauth1SignatureOf(
      'POST',
      'https://api.x.com/1.1/statuses/update.json',
      [
        ['status', 'Hello Ladies + Gentlemen, a signed OAuth request!'],
        ['include_entities', 'true'],
        ['oauth_consumer_key', 'xvz1evFS4wEEPTGEFPHBog'],
        ['oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg'],
        ['oauth_signature_method', 'HMAC-SHA1'],
        ['oauth_timestamp', '1318622958'],
        ['oauth_token', '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb'],
        ['oauth_version', '1.0'],
      ],
      'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
      'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
    );
    expect(signature).toBe('Ls93hJiZbQ3akF3HF3x1Bz8/zU4=');
  });

  it('posts with a signature X verifies, signing the URL but not the JSON body, and returns the id', async () => {
    const channel = x();
    const message = messageFor(channel);
    const result = await channel.post(message);

    expect(received).toHaveLength(1);
    expect(xOAuth1Refusal).toBeUndefined();
    expect(received[0].headers.authorization).toMatch(/^OAuth oauth_consumer_key="xvz1-consumer-key", /);
    expect(received[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(received[0].body)).toEqual({ text: message.text });
    expect(result).toEqual({ remoteId: '1445880548472328192', url: 'https://x.com/i/web/status/1445880548472328192' });
  });

  it('signs every post afresh: a new nonce each time, so X never sees one twice', async () => {
    const channel = x();
    // The first attempt meets an outage; the retry is a new post() call and must not replay the nonce.
    override = { when: () => received.length === 1, answer: { status: 503, body: { title: 'Service Unavailable' } } };
    await expect(channel.post(messageFor(channel))).rejects.toBeInstanceOf(SocialPostRetryableError);
    await channel.post(messageFor(channel));
    await channel.post(messageFor(channel));

    const nonces = received.map(nonceOf);
    expect(nonces.every((n) => n && n.length >= 16)).toBe(true);
    expect(new Set(nonces).size).toBe(3);
  });

  it.each([
    ['API key secret', { consumerSecret: `${X_OAUTH1.consumerSecret}!` }],
    ['access token secret', { accessTokenSecret: 'regenerated since' }],
  ])('turns the 401 for a wrong %s into a permanent error that names the credentials', async (_, tampered) => {
    const error = await failureOf(x(tampered).post(messageFor(x())));

    expect(xOAuth1Refusal).toBe('signature does not match');
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error).toMatchObject({ status: 401, channel: 'x', providerMessage: 'Unauthorized' });
    expect(error.message).toContain('OAuth 1.0a API key and secret or access token and secret');
    expect(error.message).not.toMatch(/expired/i);
    for (const secret of [X_OAUTH1.consumerSecret, X_OAUTH1.accessTokenSecret, ...Object.values(tampered)]) {
      expect(error.message).not.toContain(secret);
    }
  });

  it('is refused for an unknown API key too, with the same advice', async () => {
    const error = await failureOf(x({ consumerKey: 'revoked-key' }).post(messageFor(x())));
    expect(xOAuth1Refusal).toBe('unknown consumer key');
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error.message).toContain('API key and secret or access token and secret are wrong, regenerated or revoked');
  });
});

describe('LinkedInChannel', () => {
  beforeEach(() => {
    standIn = linkedInApi;
    linkedInPosts = [];
  });
  const linkedIn = (options: Partial<ConstructorParameters<typeof LinkedInChannel>[0]> = {}) =>
    new LinkedInChannel({ accessToken: LINKEDIN_TOKEN, author: LINKEDIN_AUTHOR, apiBaseUrl: base, clock, ...options });

  it('creates an article post as the Posts API documents and returns its URN and address', async () => {
    const channel = linkedIn({ apiVersion: '202601' });
    const message = messageFor(channel);
    const result = await channel.post(message);

    expect(received[0].headers['linkedin-version']).toBe('202601');
    expect(linkedInPosts).toHaveLength(1);
    const [{ body, text }] = linkedInPosts;
    expect(text).toBe(message.text);
    expect(body).toMatchObject({
      author: LINKEDIN_AUTHOR,
      visibility: 'PUBLIC',
      lifecycleState: 'PUBLISHED',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      content: {
        article: {
          source: 'https://example.com/releases/2-0?ref=social',
          title: 'Pressroom 2.0 (beta) is out',
          description: 'Faster sends & a local channel_for development.',
        },
      },
    });
    expect(result).toEqual({
      remoteId: 'urn:li:share:6844785523593134080',
      url: 'https://www.linkedin.com/feed/update/urn:li:share:6844785523593134080/',
    });
  });

  it('escapes every reserved character of staff text so LinkedIn keeps all of it, hashtags staying hashtags', async () => {
    const channel = linkedIn();
    const text = 'Pressroom (beta) [v2]: {json} @team <3 a|b ~x~ *y* snake_case C:\\path #Releases #2030 C#';
    await channel.post({ ...messageFor(channel), text });
    expect(linkedInPosts[0].text).toBe(text);
    expect(linkedInPosts[0].body.commentary).toContain(' #Releases ');
    expect(escapeLittleText('C# (x) #Tag')).toBe('C\\# \\(x\\) #Tag');
  });

  it('refuses a badly configured author before posting anything', () => {
    expect(() => linkedIn({ author: '5515715' })).toThrow(/urn:li:person/);
    expect(() => linkedIn({ apiVersion: '2026-01' })).toThrow(/YYYYMM/);
  });

  it('turns a 422 into a rejection with LinkedIn’s message', async () => {
    override = {
      when: () => true,
      answer: { status: 422, body: { status: 422, message: 'Content is a duplicate of urn:li:share:6844785523593134000' } },
    };
    const error = await failureOf(linkedIn().post(messageFor(linkedIn())));
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error).toMatchObject({ status: 422, providerMessage: 'Content is a duplicate of urn:li:share:6844785523593134000' });
  });

  it('honours Retry-After on a 429 when LinkedIn sends one', async () => {
    override = {
      when: () => true,
      answer: { status: 429, headers: { 'Retry-After': '120' }, body: { status: 429, message: 'Resource level throttle limit' } },
    };
    const error = await failureOf(linkedIn().post(messageFor(linkedIn())));
    expect(error).toMatchObject({ status: 429, retryAfter: new Date('2030-06-01T12:02:00Z') });
  });
});

describe('ThreadsChannel', () => {
  beforeEach(() => {
    standIn = threadsApi;
  });
  const sleeps: number[] = [];
  const threads = (options: Partial<ConstructorParameters<typeof ThreadsChannel>[0]> = {}) =>
    new ThreadsChannel({ accessToken: THREADS_TOKEN, apiBaseUrl: `${base}/v1.0`, clock, sleep: async (ms) => sleeps.push(ms), ...options });

  it('creates a TEXT container with the link attached, waits for it, publishes it and fetches the permalink', async () => {
    const channel = threads();
    const message = messageFor(channel);
    const result = await channel.post(message);

    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1.0/me/threads',
      'GET /v1.0/17889615691921648',
      'POST /v1.0/me/threads_publish',
      'GET /v1.0/17889615691921649',
    ]);
    expect(Object.fromEntries(new URLSearchParams(received[0].body))).toEqual({
      media_type: 'TEXT',
      text: message.text,
      link_attachment: 'https://example.com/releases/2-0?ref=social',
      access_token: THREADS_TOKEN,
    });
    // The token travels in the POST bodies, not in the URL.
    expect(received[0].query.has('access_token')).toBe(false);
    expect(result).toEqual({ remoteId: '17889615691921649', url: 'https://www.threads.net/@press/post/C921649' });
  });

  it('checks again while the container is IN_PROGRESS', async () => {
    threadsState.inProgressChecks = 2;
    sleeps.length = 0;
    const result = await threads({ containerCheckIntervalMs: 250 }).post(messageFor(threads()));
    expect(received.filter((r) => r.method === 'GET' && r.query.get('fields') === 'status,error_message')).toHaveLength(3);
    expect(sleeps).toEqual([250, 250]);
    expect(result.remoteId).toBe('17889615691921649');
  });

  it('gives up for this attempt when the container never finishes, before anything is public', async () => {
    threadsState.inProgressChecks = 10;
    const error = await failureOf(threads({ containerChecks: 3 }).post(messageFor(threads())));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ mayHavePosted: false });
    expect(received.some((r) => r.path.endsWith('/threads_publish'))).toBe(false);
  });

  it('rejects a container Threads could not prepare, with its reason', async () => {
    override = { when: (r) => r.method === 'GET', answer: { status: 200, body: { id: '1', status: 'ERROR', error_message: 'UNKNOWN' } } };
    const error = await failureOf(threads().post(messageFor(threads())));
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error).toMatchObject({ providerMessage: 'UNKNOWN' });
  });

  it('retries "media not found" on publish as not posted: the next attempt makes a new container', async () => {
    override = {
      when: (r) => r.path.endsWith('/threads_publish'),
      answer: graphError(400, 24, 'The requested resource does not exist', 4279009),
    };
    const error = await failureOf(threads().post(messageFor(threads())));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ status: 400, mayHavePosted: false });
  });

  it('treats a failure while creating the container as safe to retry, whatever it was', async () => {
    override = {
      when: (r) => r.path === '/v1.0/me/threads',
      answer: { status: 500, body: { error: { message: 'An unknown error occurred', code: 1 } } },
    };
    const outage = await failureOf(threads().post(messageFor(threads())));
    expect(outage).toMatchObject({ status: 500, mayHavePosted: false });

    override = { when: (r) => r.path === '/v1.0/me/threads', answer: 'hang' };
    const stall = await failureOf(threads({ timeoutMs: 200 }).post(messageFor(threads())));
    expect(stall).toBeInstanceOf(SocialPostRetryableError);
    expect(stall).toMatchObject({ mayHavePosted: false });
  });

  it('returns the post without an address when only the permalink lookup fails', async () => {
    override = { when: (r) => r.query.get('fields') === 'permalink', answer: { status: 500, body: 'oops' } };
    const result = await threads().post(messageFor(threads()));
    expect(result).toEqual({ remoteId: '17889615691921649' });
  });

  it('posts as the configured user id', async () => {
    standIn = (request) => threadsApi({ ...request, path: request.path.replace('/v1.0/4410/', '/v1.0/me/') });
    await threads({ userId: '4410' }).post(messageFor(threads()));
    expect(received.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/v1.0/4410/threads', '/v1.0/4410/threads_publish']);
  });
});

describe('SlackChannel', () => {
  beforeEach(() => {
    standIn = slackWebhook;
  });
  const slack = (options: Partial<ConstructorParameters<typeof SlackChannel>[0]> = {}) =>
    new SlackChannel({ webhookUrl: `${base}${SLACK_PATH}`, clock, ...options });

  it('posts the release card and keeps the idempotency key as the remote id, Slack giving none', async () => {
    const channel = slack();
    const result = await channel.post(messageFor(channel));
    expect(result).toEqual({ remoteId: 'rel_1:slack' });
    const payload = JSON.parse(received[0].body);
    expect(payload.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(payload.blocks[2].text.text).toBe('<https://example.com/releases/2-0?ref=social>');
    expect(payload.text).toBe(
      'Pressroom 2.0 (beta) is out\n\nFaster sends &amp; a local channel_for development.\n\nhttps://example.com/releases/2-0?ref=social',
    );
  });

  it('keeps a huge release within the limits Slack enforces', async () => {
    const channel = slack();
    const huge = summaryWith({
      title: 'Ünïcödé 👩🏽‍💻 title '.repeat(30),
      summary: 'Sends & <links> 中文 '.repeat(600),
      tags: Array.from({ length: 600 }, (_, i) => `tag ${i}`),
    });
    await expect(channel.post(messageFor(channel, huge))).resolves.toEqual({ remoteId: 'rel_1:slack' });
  });

  it("leads with staff's own text, escaped, and refuses text too long for a section without calling Slack", async () => {
    const channel = slack();
    await channel.post({ ...messageFor(channel), text: 'Ship it <now> & celebrate' });
    expect(JSON.parse(received[0].body).blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'Ship it &lt;now&gt; &amp; celebrate' },
    });

    const error = await failureOf(channel.post({ ...messageFor(channel), text: '&'.repeat(700) }));
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error.message).toBe('Text is 3500 characters, over 3000');
    expect(received).toHaveLength(1);
  });

  it.each([
    [400, 'invalid_payload'],
    [403, 'action_prohibited'],
    [404, 'channel_not_found'],
    [410, 'channel_is_archived'],
  ])('turns %i %s into a rejection naming Slack’s error', async (status, word) => {
    override = { when: () => true, answer: { status, body: word } };
    const error = await failureOf(slack().post(messageFor(slack())));
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error).toMatchObject({ status, providerMessage: word });
  });

  it('does not quote an HTML error page', async () => {
    override = { when: () => true, answer: { status: 400, body: '<html><body>Bad Request</body></html>' } };
    const error = await failureOf(slack().post(messageFor(slack())));
    expect(error).toMatchObject({ status: 400, providerMessage: undefined });
  });
});

describe('DiscordChannel', () => {
  beforeEach(() => {
    standIn = discordWebhook;
  });
  const discord = (options: Partial<ConstructorParameters<typeof DiscordChannel>[0]> = {}) =>
    new DiscordChannel({ webhookUrl: `${base}${DISCORD_PATH}`, clock, ...options });

  it('executes the webhook with wait=true and returns the message id', async () => {
    const channel = discord();
    const result = await channel.post(messageFor(channel, summaryWith({ imageUrl: 'https://example.com/cover.png' })));
    expect(received[0].query.get('wait')).toBe('true');
    const payload = JSON.parse(received[0].body);
    expect(payload.content).toBeUndefined();
    expect(payload.allowed_mentions).toEqual({ parse: [] });
    expect(payload.embeds[0]).toMatchObject({
      title: 'Pressroom 2.0 (beta) is out',
      url: 'https://example.com/releases/2-0?ref=social',
      image: { url: 'https://example.com/cover.png' },
    });
    expect(payload.embeds[0].description).toBe('Faster sends & a local channel\\_for development.');
    expect(result).toEqual({ remoteId: '1183457095285796884' });
  });

  it('keeps a huge release within the limits Discord enforces', async () => {
    const channel = discord();
    const huge = summaryWith({
      title: 'Ünïcödé 👩🏽‍💻 *title* '.repeat(30),
      summary: 'Sends_fast <@1> 中文 '.repeat(600),
      tags: Array.from({ length: 900 }, (_, i) => `tag_${i}`),
    });
    await expect(channel.post(messageFor(channel, huge))).resolves.toEqual({ remoteId: '1183457095285796884' });
  });

  it('keeps a thread_id already in the webhook URL', async () => {
    await discord({ webhookUrl: `${base}${DISCORD_PATH}?thread_id=42` }).post(messageFor(discord()));
    expect(received[0].query.get('thread_id')).toBe('42');
    expect(received[0].query.get('wait')).toBe('true');
  });

  it("sends staff's own text as content above the card, without pinging anyone", async () => {
    const channel = discord();
    await channel.post({ ...messageFor(channel), text: 'New release @everyone!' });
    const payload = JSON.parse(received[0].body);
    expect(payload.content).toBe('New release @everyone!');
    expect(payload.allowed_mentions).toEqual({ parse: [] });
    expect(payload.embeds).toHaveLength(1);
  });

  it('turns Invalid Form Body into a rejection', async () => {
    override = { when: () => true, answer: { status: 400, body: { message: 'Invalid Form Body', code: 50035 } } };
    const error = await failureOf(discord().post(messageFor(discord())));
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error).toMatchObject({ status: 400, providerMessage: 'Invalid Form Body' });
  });
});

// ---------------------------------------------------------------------------------------------------
// What every channel must do the same way, played against each stand-in.

interface Kit {
  name: string;
  standIn: (request: Received) => Reply;
  make: (base: string, options?: { timeoutMs?: number; badCredentials?: boolean }) => SocialChannel;
  /** The request that makes the post public. */
  publishes: (request: Received) => boolean;
  /** Never to appear in an error message. */
  secret: string;
  unauthorizedStatus: number;
  rateLimit: { answer: Reply; retryAfter: Date | undefined };
}


/** X's answer when the rate limit is spent (the same for both ways of signing in). */
const X_RATE_LIMIT = {
  answer: {
    status: 429,
    headers: { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1906459200' },
    body: { title: 'Too Many Requests', status: 429 },
  },
  retryAfter: new Date(1_906_459_200_000),
};

const kits: Kit[] = [
  {
    name: 'x',
    standIn: xApi,
    make: (url, o = {}) =>
      new XChannel({ accessToken: o.badCredentials ? 'expired' : X_TOKEN, apiBaseUrl: url, timeoutMs: o.timeoutMs, clock }),
    publishes: (r) => r.method === 'POST',
    secret: X_TOKEN,
    unauthorizedStatus: 401,
    rateLimit: X_RATE_LIMIT,
  },
  {
    name: 'x-oauth1',
    standIn: xApi,
    make: (url, o = {}) =>
      new XChannel({
        name: 'x-oauth1',
        oauth1: o.badCredentials ? { ...X_OAUTH1, accessTokenSecret: 'revoked' } : X_OAUTH1,
        apiBaseUrl: url,
        timeoutMs: o.timeoutMs,
        clock,
      }),
    publishes: (r) => r.method === 'POST',
    secret: X_OAUTH1.accessTokenSecret,
    unauthorizedStatus: 401,
    rateLimit: X_RATE_LIMIT,
  },
  {
    name: 'linkedin',
    standIn: linkedInApi,
    make: (url, o = {}) =>
      new LinkedInChannel({
        accessToken: o.badCredentials ? 'expired' : LINKEDIN_TOKEN,
        author: LINKEDIN_AUTHOR,
        apiBaseUrl: url,
        timeoutMs: o.timeoutMs,
        clock,
      }),
    publishes: (r) => r.method === 'POST',
    secret: LINKEDIN_TOKEN,
    unauthorizedStatus: 401,
    // No reset header: LinkedIn's daily quotas reset at midnight UTC.
    rateLimit: {
      answer: { status: 429, body: { status: 429, message: 'Too Many Requests' } },
      retryAfter: new Date('2030-06-02T00:00:00Z'),
    },
  },
  {
    name: 'threads',
    standIn: threadsApi,
    make: (url, o = {}) =>
      new ThreadsChannel({
        accessToken: o.badCredentials ? 'expired' : THREADS_TOKEN,
        apiBaseUrl: `${url}/v1.0`,
        timeoutMs: o.timeoutMs,
        clock,
      }),
    publishes: (r) => r.path.endsWith('/threads_publish'),
    secret: THREADS_TOKEN,
    unauthorizedStatus: 400,
    // Graph throttling comes as a 400 with a code, and no reset.
    rateLimit: { answer: graphError(400, 4, 'Application request limit reached'), retryAfter: undefined },
  },
  {
    name: 'slack',
    standIn: slackWebhook,
    make: (url, o = {}) =>
      new SlackChannel({
        webhookUrl: `${url}${o.badCredentials ? SLACK_PATH.replace(/X+$/, 'revoked') : SLACK_PATH}`,
        timeoutMs: o.timeoutMs,
        clock,
      }),
    publishes: () => true,
    secret: SLACK_PATH.split('/').at(-1)!,
    unauthorizedStatus: 404,
    rateLimit: {
      answer: { status: 429, headers: { 'Retry-After': '30' }, body: 'rate_limited' },
      retryAfter: new Date('2030-06-01T12:00:30Z'),
    },
  },
  {
    name: 'discord',
    standIn: discordWebhook,
    make: (url, o = {}) =>
      new DiscordChannel({
        webhookUrl: `${url}${o.badCredentials ? DISCORD_PATH.replace(/abc$/, 'xyz') : DISCORD_PATH}`,
        timeoutMs: o.timeoutMs,
        clock,
      }),
    publishes: () => true,
    secret: DISCORD_PATH.split('/').at(-1)!,
    unauthorizedStatus: 401,
    rateLimit: {
      answer: {
        status: 429,
        headers: { 'Retry-After': '2', 'X-RateLimit-Scope': 'shared' },
        body: { message: 'You are being rate limited.', retry_after: 1.5, global: false },
      },
      retryAfter: new Date('2030-06-01T12:00:01.500Z'),
    },
  },
];

describe.each(kits)('$name channel, common failure handling', (kit) => {
  beforeEach(() => {
    standIn = kit.standIn;
  });
  const post = (channel: SocialChannel) => channel.post(messageFor(channel));

  it('never re-posts on its own: posting is not idempotent', () => {
    expect(kit.make(base).idempotent).toBe(false);
  });

  it('rejects bad credentials as a refusal that waiting will not fix', async () => {
    const error = await failureOf(post(kit.make(base, { badCredentials: true })));
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error).toMatchObject({ status: kit.unauthorizedStatus, channel: kit.name });
  });

  it('retries a rate limit when the provider says, without counting it as posted', async () => {
    override = { when: kit.publishes, answer: kit.rateLimit.answer };
    const error = await failureOf(post(kit.make(base)));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ mayHavePosted: false });
    expect((error as SocialPostRetryableError).retryAfter).toEqual(kit.rateLimit.retryAfter);
  });

  it('retries a 500 on the publishing request, as possibly posted', async () => {
    override = { when: kit.publishes, answer: { status: 500, body: 'Internal Server Error' } };
    const error = await failureOf(post(kit.make(base)));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ status: 500, mayHavePosted: true });
  });

  it('treats a 2xx it cannot read as possibly posted', async () => {
    override = {
      when: kit.publishes,
      answer: { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>captive portal</html>' },
    };
    const error = await failureOf(post(kit.make(base)));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ mayHavePosted: true });
  });

  it('retries a refused connection as not posted, without leaking the secret', async () => {
    const error = await failureOf(post(kit.make(`http://127.0.0.1:${await closedPort()}`)));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ mayHavePosted: false });
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain(kit.secret);
    expect(error.cause).toBeDefined();
  });

  it('gives up on a stalled publishing request as possibly posted', async () => {
    override = { when: kit.publishes, answer: 'hang' };
    const started = Date.now();
    const error = await failureOf(post(kit.make(base, { timeoutMs: 250 })));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ mayHavePosted: true });
    expect(error.message).not.toContain(kit.secret);
  });
});
