import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JWT_SECRET, TestNetworkNoAppView } from '@atproto/dev-env';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BlueskyChannel, recordKeyFor, type BlueskyChannelOptions } from '../../functions/adapters/social/bluesky';
import { SocialPostRejectedError, SocialPostRetryableError } from '../../functions/domain/social/errors';
import type { SocialSummary } from '../../functions/domain/social/social-post';
import { guardedFetcher } from '../../functions/adapters/outbound/guarded-fetch';
// PNG: a 1×1 image; the PDS sniffs uploaded blobs, so the thumbnail has to be a real one.
import { listenOn, PNG, PUBLIC_STAND_IN, STAND_IN_POLICY } from '../helpers/outside-web';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function summaryWith(overrides: Partial<SocialSummary> = {}): SocialSummary {
  return {
    title: 'Nouveautés 🚀 de l’été',
    summary: 'Déjà disponible : envois plus rapides, 日本語 et émojis 👩🏽‍💻.',
    url: 'https://example.com/releases/été-2030',
    tags: ['Press Releases', 'Été'],
    language: 'fr',
    ...overrides,
  };
}

/** The global fetch, remembering the path of every request. */
function countingFetch(): { fetch: typeof fetch; paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    fetch: (input, init) => {
      paths.push(new URL(String(input)).pathname);
      return fetch(input, init);
    },
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the post to fail'),
    (error: unknown) => error,
  );
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('BlueskyChannel against a local PDS', () => {
  let network: TestNetworkNoAppView;
  let dataDir: string;
  let service: string;
  let did: string;
  let appPassword: string;
  let images: Server;
  let imagesUrl: string;
  // A service on this machine that a release's image must never reach (as the metadata service on EC2).
  let forbidden: Server;
  let forbiddenUrl: string;
  let forbiddenHits: string[] = [];

  /** Unauthenticated XRPC against the local PDS, for setting up and reading back. */
  async function xrpc(nsid: string, init: { query?: Record<string, string>; json?: unknown; token?: string } = {}) {
    const url = new URL(`${service}/xrpc/${nsid}`);
    for (const [key, value] of Object.entries(init.query ?? {})) url.searchParams.set(key, value);
    const response = await fetch(url, {
      method: init.json === undefined ? 'GET' : 'POST',
      headers: {
        ...(init.json === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
    const body = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${nsid} answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  }

  const getPost = async (rkey: string) =>
    (await xrpc('com.atproto.repo.getRecord', { query: { repo: did, collection: 'app.bsky.feed.post', rkey } })) as {
      uri: string;
      cid: string;
      value: Record<string, any>;
    };

  async function listPosts(): Promise<{ uri: string; value: Record<string, any> }[]> {
    const body = await xrpc('com.atproto.repo.listRecords', { query: { repo: did, collection: 'app.bsky.feed.post', limit: '100' } });
    return body.records as { uri: string; value: Record<string, any> }[];
  }

  // The images are served from the stand-in for a public host, which only this policy lets through.
  const channel = (options: Partial<BlueskyChannelOptions> = {}) =>
    new BlueskyChannel({ service, identifier: 'newsroom.test', appPassword, outboundFetch: guardedFetcher({ policy: STAND_IN_POLICY }), ...options });

  beforeAll(async () => {
    // TestPds makes its SQLite and blob folders under os.tmpdir(), which reads TMPDIR on each call:
    // pointing it at one folder of ours while the PDS starts lets afterAll remove everything.
    dataDir = await mkdtemp(join(tmpdir(), 'pressroom-pds-'));
    const tmp = process.env.TMPDIR;
    process.env.TMPDIR = dataDir;
    try {
      network = await TestNetworkNoAppView.create({});
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
    // The PDS listens on every interface; talk to it over loopback only.
    service = `http://127.0.0.1:${network.pds.port}`;

    const account = await xrpc('com.atproto.server.createAccount', {
      json: { handle: 'newsroom.test', email: 'newsroom@example.com', password: 'account-password-1' },
    });
    did = String(account.did);
    const app = await xrpc('com.atproto.server.createAppPassword', { json: { name: 'pressroom' }, token: String(account.accessJwt) });
    appPassword = String(app.password);

    images = createServer((req, res) => {
      if (req.url === '/card.png') return res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG);
      if (req.url === '/page.html') return res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>not an image</p>');
      if (req.url === '/page.png') return res.writeHead(200, { 'Content-Type': 'image/png' }).end('<p>not an image</p>');
      if (req.url === '/logo.svg') return res.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end('<svg xmlns="http://www.w3.org/2000/svg"/>');
      if (req.url === '/to-loopback') return res.writeHead(302, { Location: `${forbiddenUrl}/secret.png` }).end();
      if (req.url === '/to-metadata') return res.writeHead(301, { Location: 'http://169.254.169.254/latest/meta-data/card.png' }).end();
      if (req.url === '/huge.png') {
        // Chunked, with no Content-Length: only counting the bytes read can tell it is too big.
        res.writeHead(200, { 'Content-Type': 'image/png' });
        res.write(PNG);
        for (let i = 0; i < 16; i++) res.write(Buffer.alloc(64 * 1024));
        return res.end();
      }
      res.writeHead(404).end();
    });
    imagesUrl = await listenOn(images, PUBLIC_STAND_IN);
    forbidden = createServer((req, res) => {
      forbiddenHits.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG);
    });
    forbiddenUrl = await listen(forbidden);
  }, 120_000);

  afterAll(async () => {
    if (images) await close(images);
    if (forbidden) await close(forbidden);
    await network?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('posts the formatted text with byte-exact facets, the language and a link card with a thumbnail', async () => {
    // Given a release with an image served over HTTP
    const bluesky = channel();
    const summary = summaryWith({ imageUrl: `${imagesUrl}/card.png` });
    const text = bluesky.format(summary);
    expect(bluesky.check(text)).toBeUndefined();

    // When it is posted
    const result = await bluesky.post({ text, summary, idempotencyKey: 'rel_card:bluesky' });

    // Then the stored record is the post, its facets slice out the URL and the hashtags
    const rkey = recordKeyFor('rel_card:bluesky');
    expect(result).toEqual({ remoteId: `at://${did}/app.bsky.feed.post/${rkey}`, url: `https://bsky.app/profile/${did}/post/${rkey}` });
    const { value } = await getPost(rkey);
    expect(value.text).toBe(text);
    expect(value.langs).toEqual(['fr']);
    const bytes = encoder.encode(value.text);
    const facets = value.facets as { index: { byteStart: number; byteEnd: number }; features: Record<string, string>[] }[];
    expect(facets.map(({ index }) => decoder.decode(bytes.slice(index.byteStart, index.byteEnd)))).toEqual([
      'https://example.com/releases/été-2030',
      '#PressReleases',
      '#Été',
    ]);
    expect(facets.map((f) => f.features)).toEqual([
      [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/releases/été-2030' }],
      [{ $type: 'app.bsky.richtext.facet#tag', tag: 'PressReleases' }],
      [{ $type: 'app.bsky.richtext.facet#tag', tag: 'Été' }],
    ]);

    // And the card links the release with its title, summary and the uploaded image
    expect(value.embed).toMatchObject({
      $type: 'app.bsky.embed.external',
      external: { uri: summary.url, title: summary.title, description: summary.summary },
    });
    const thumb = value.embed.external.thumb;
    expect(thumb).toMatchObject({ $type: 'blob', mimeType: 'image/png', size: PNG.length });
    const blob = await fetch(`${service}/xrpc/com.atproto.sync.getBlob?did=${did}&cid=${thumb.ref.$link}`);
    expect(Buffer.from(await blob.arrayBuffer())).toEqual(PNG);
  });

  it('makes one post when the same key is posted twice, even from a fresh instance', async () => {
    // Given a post that was made
    const summary = summaryWith({ title: 'Once only', imageUrl: `${imagesUrl}/card.png` });
    const message = { text: 'Once only https://example.com/r/once #Once', summary, idempotencyKey: 'rel_once:bluesky' };
    const bluesky = channel();
    const first = await bluesky.post(message);
    const before = await listPosts();

    // When it is posted again: by the same instance, and by a new one (a retry in another Lambda)
    const { fetch: counting, paths } = countingFetch();
    const again = await bluesky.post(message);
    const fresh = await channel({ fetch: counting }).post({ ...message, text: 'Once only, retried' });

    // Then both answer with the first post and the repository still holds one record for the key
    expect(again).toEqual(first);
    expect(fresh).toEqual(first);
    // found by reading it back: no second write, no second image upload
    expect(paths.map((p) => p.split('/').at(-1))).toEqual(['com.atproto.server.createSession', 'com.atproto.repo.getRecord']);
    const after = await listPosts();
    expect(after).toHaveLength(before.length);
    expect(after.filter((r) => r.uri === first.remoteId)).toHaveLength(1);
    expect((await getPost(recordKeyFor('rel_once:bluesky'))).value.text).toBe(message.text);
  });

  it('makes one post when two workers post the same key at once', async () => {
    // The loser of the race gets the PDS's refusal of a second record under the key, then finds the winner's.
    const message = { text: 'Race https://example.com/r/race', summary: summaryWith(), idempotencyKey: 'rel_race:bluesky' };
    const before = await listPosts();
    const results = await Promise.all([channel().post(message), channel().post(message), channel().post(message)]);
    expect(new Set(results.map((r) => r.remoteId)).size).toBe(1);
    expect(await listPosts()).toHaveLength(before.length + 1);
  });

  it.each([
    ['a missing image', '/missing.png'],
    ['a page instead of an image', '/page.html'],
    ['an image over the 1 MB the lexicon allows', '/huge.png'],
    ['a page sent as image/png', '/page.png'],
    ['an SVG', '/logo.svg'],
  ])('posts the card without a thumbnail for %s', async (_, path) => {
    const key = `rel_thumb${path}:bluesky`;
    const summary = summaryWith({ imageUrl: `${imagesUrl}${path}` });
    await channel().post({ text: 'No thumbnail https://example.com/r/t', summary, idempotencyKey: key });
    const { value } = await getPost(recordKeyFor(key));
    expect(value.embed.external).toEqual({ uri: summary.url, title: summary.title, description: summary.summary });
  });

  it.each([
    ['a service on loopback', '/to-loopback'],
    ['the instance metadata address', '/to-metadata'],
  ])('posts without a thumbnail, and never asks %s, when the image redirects there', async (_, path) => {
    // Given a release whose image URL redirects to an address inside
    forbiddenHits = [];
    const key = `rel_redirect${path}:bluesky`;
    const summary = summaryWith({ imageUrl: `${imagesUrl}${path}` });

    // When it is posted
    await channel().post({ text: 'Redirected https://example.com/r/r', summary, idempotencyKey: key });

    // Then the post goes out with a card but no thumbnail, and nothing reached the forbidden address
    const { value } = await getPost(recordKeyFor(key));
    expect(value.embed.external).toEqual({ uri: summary.url, title: summary.title, description: summary.summary });
    expect(forbiddenHits).toEqual([]);
  });

  it('fetches no image from this machine unless the wiring says so: the default is public https only', async () => {
    forbiddenHits = [];
    const key = 'rel_default_policy:bluesky';
    const summary = summaryWith({ imageUrl: `${forbiddenUrl}/card.png` });
    await channel({ outboundFetch: undefined }).post({ text: 'Strict https://example.com/r/s', summary, idempotencyKey: key });
    expect((await getPost(recordKeyFor(key))).value.embed.external).not.toHaveProperty('thumb');
    expect(forbiddenHits).toEqual([]);
  });

  it('omits facets and langs when there is nothing to annotate and no language', async () => {
    const summary = summaryWith({ language: '', summary: undefined });
    await channel().post({ text: 'Plain words only', summary, idempotencyKey: 'rel_plain:bluesky' });
    const { value } = await getPost(recordKeyFor('rel_plain:bluesky'));
    expect(value).not.toHaveProperty('facets');
    expect(value).not.toHaveProperty('langs');
    expect(value.embed.external.description).toBe('');
  });

  it('renews an expired session with its refresh token and posts once', async () => {
    // Given a session whose access token has expired by the time the post is written
    const calls: string[] = [];
    let expireNext = true;
    const expiringFetch: typeof fetch = async (input, init) => {
      const nsid = new URL(String(input)).pathname.replace('/xrpc/', '');
      calls.push(nsid);
      if (nsid === 'com.atproto.repo.createRecord' && expireNext) {
        expireNext = false;
        return fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${expiredToken(did)}` } });
      }
      return fetch(input, init);
    };

    // When a post is made
    const before = await listPosts();
    const result = await channel({ fetch: expiringFetch }).post({ text: 'Renewed', summary: summaryWith(), idempotencyKey: 'rel_renew:bluesky' });

    // Then the PDS's ExpiredToken led to refreshSession (not a second login) and one record
    expect(calls.filter((c) => c === 'com.atproto.server.createSession')).toHaveLength(1);
    expect(calls.filter((c) => c === 'com.atproto.server.refreshSession')).toHaveLength(1);
    expect(calls.filter((c) => c === 'com.atproto.repo.createRecord')).toHaveLength(2);
    expect(await listPosts()).toHaveLength(before.length + 1);
    expect((await getPost(recordKeyFor('rel_renew:bluesky'))).uri).toBe(result.remoteId);
  });

  it('logs in once and reuses the session for later posts', async () => {
    const { fetch: counting, paths } = countingFetch();
    const bluesky = channel({ fetch: counting });
    await bluesky.post({ text: 'One', summary: summaryWith(), idempotencyKey: 'rel_s1:bluesky' });
    await bluesky.post({ text: 'Two', summary: summaryWith(), idempotencyKey: 'rel_s2:bluesky' });
    expect(paths.filter((p) => p.endsWith('/com.atproto.server.createSession'))).toHaveLength(1);
    expect(paths.filter((p) => p.endsWith('/com.atproto.repo.createRecord'))).toHaveLength(2);
  });

  it('rejects a bad app password without posting', async () => {
    const before = await listPosts();
    const error = await rejectionOf(
      channel({ appPassword: 'aaaa-bbbb-cccc-dddd', name: 'bluesky-fr' }).post({ text: 'Nope', summary: summaryWith(), idempotencyKey: 'rel_badpw:bluesky' }),
    );
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error).toMatchObject({ channel: 'bluesky-fr', status: 401 });
    expect((error as SocialPostRejectedError).providerMessage).toContain('AuthenticationRequired');
    expect((error as Error).message).toContain('app password');
    expect(await listPosts()).toHaveLength(before.length);
  });

  it('rejects a post the PDS finds invalid (over 300 graphemes)', async () => {
    const text = '🙂'.repeat(301);
    const bluesky = channel();
    expect(bluesky.check(text)).toBe('Text is 301 characters, over 300');
    const error = await rejectionOf(bluesky.post({ text, summary: summaryWith(), idempotencyKey: 'rel_long:bluesky' }));
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error).toMatchObject({ status: 400 });
    expect((error as SocialPostRejectedError).providerMessage).toMatch(/^InvalidRequest: .*grapheme/);
  });
});

describe('BlueskyChannel faults a PDS does not produce on demand', () => {
  type Reply = { status: number; headers?: Record<string, string>; body?: unknown };
  type Handler = (request: { url: URL; headers: IncomingMessage['headers']; body: string }) => Reply;

  const OK_SESSION: Reply = { status: 200, body: { did: 'did:plc:fake', handle: 'fake.test', accessJwt: 'access-1', refreshJwt: 'refresh-1' } };
  const NOT_FOUND: Reply = { status: 400, body: { error: 'RecordNotFound', message: 'Could not locate record' } };
  const created = (rkey: string): Reply => ({ status: 200, body: { uri: `at://did:plc:fake/app.bsky.feed.post/${rkey}`, cid: 'bafyfake' } });

  let server: Server;
  let service: string;
  let received: { nsid: string; authorization?: string; body: string }[];
  let handlers: Record<string, Handler>;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const nsid = url.pathname.replace('/xrpc/', '');
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ nsid, authorization: req.headers.authorization, body });
        const reply = handlers[nsid]?.({ url, headers: req.headers, body }) ?? { status: 404, body: { error: 'MethodNotImplemented' } };
        res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
        res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
      });
    });
    service = await listen(server);
  });

  afterAll(async () => {
    await close(server);
  });

  beforeEach(() => {
    received = [];
    handlers = {
      'com.atproto.server.createSession': () => OK_SESSION,
      'com.atproto.repo.getRecord': () => NOT_FOUND,
      'com.atproto.repo.createRecord': ({ body }) => created(JSON.parse(body).rkey),
    };
  });

  const message = (idempotencyKey = 'rel_f:bluesky') => ({ text: 'Hello', summary: summaryWith(), idempotencyKey });
  const channel = (options: Partial<BlueskyChannelOptions> = {}) =>
    new BlueskyChannel({ service: `${service}/`, identifier: 'fake.test', appPassword: 'app-pw', ...options });
  const nsids = () => received.map((r) => r.nsid);

  it('turns a 429 into a retryable error that waits for RateLimit-Reset (epoch seconds)', async () => {
    handlers['com.atproto.repo.createRecord'] = () => ({
      status: 429,
      headers: { 'RateLimit-Limit': '5000', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '1924992000' },
      body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
    });
    const error = await rejectionOf(channel().post(message()));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ status: 429, mayHavePosted: false, retryAfter: new Date('2031-01-01T00:00:00Z') });
    // A rate limit is not a reason to look for an existing record
    expect(nsids()).toEqual(['com.atproto.server.createSession', 'com.atproto.repo.getRecord', 'com.atproto.repo.createRecord']);
  });

  it('turns a 429 at login into a retryable error honouring Retry-After seconds', async () => {
    handlers['com.atproto.server.createSession'] = () => ({ status: 429, headers: { 'Retry-After': '120' }, body: { error: 'RateLimitExceeded' } });
    const now = new Date('2030-06-01T12:00:00Z');
    const error = await rejectionOf(channel({ clock: () => now }).post(message()));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ status: 429, mayHavePosted: false, retryAfter: new Date('2030-06-01T12:02:00Z') });
  });

  it('turns a 5xx on createRecord into a retryable error that may have posted, after looking for the record', async () => {
    handlers['com.atproto.repo.createRecord'] = () => ({ status: 502, body: '<html>Bad Gateway</html>' });
    const error = await rejectionOf(channel().post(message()));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ status: 502, mayHavePosted: true });
    expect(nsids().at(-1)).toBe('com.atproto.repo.getRecord');
  });

  it('returns the record a 5xx hid when it is there after all', async () => {
    const rkey = recordKeyFor('rel_hidden:bluesky');
    let written = false;
    handlers['com.atproto.repo.createRecord'] = () => {
      written = true;
      return { status: 500, body: { error: 'InternalServerError', message: 'Internal Server Error' } };
    };
    handlers['com.atproto.repo.getRecord'] = ({ url }) => {
      expect(url.searchParams.get('rkey')).toBe(rkey);
      return written ? { status: 200, body: { uri: `at://did:plc:fake/app.bsky.feed.post/${rkey}`, value: {} } } : NOT_FOUND;
    };
    const result = await channel().post(message('rel_hidden:bluesky'));
    expect(result).toEqual({ remoteId: `at://did:plc:fake/app.bsky.feed.post/${rkey}`, url: `https://bsky.app/profile/did:plc:fake/post/${rkey}` });
  });

  it('turns a 5xx before anything was written into a retryable error that did not post', async () => {
    handlers['com.atproto.repo.getRecord'] = () => ({ status: 503, body: { error: 'ServiceUnavailable' } });
    const error = await rejectionOf(channel().post(message()));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ status: 503, mayHavePosted: false });
    expect(nsids()).not.toContain('com.atproto.repo.createRecord');
  });

  it('treats a 2xx it cannot read as retryable: the fixed record key makes asking again safe', async () => {
    handlers['com.atproto.repo.createRecord'] = () => ({ status: 200, body: '<html>captive portal</html>' });
    const error = await rejectionOf(channel().post(message()));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ mayHavePosted: true });
  });

  it('turns a 400 InvalidRequest into a rejection carrying the PDS’s message', async () => {
    handlers['com.atproto.repo.createRecord'] = () => ({ status: 400, body: { error: 'InvalidRequest', message: 'Invalid app.bsky.feed.post record' } });
    const error = await rejectionOf(channel().post(message()));
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error).toMatchObject({ status: 400, providerMessage: 'InvalidRequest: Invalid app.bsky.feed.post record' });
  });

  it('logs in again when the refresh token is spent too', async () => {
    let logins = 0;
    handlers['com.atproto.server.createSession'] = () => {
      logins++;
      return { status: 200, body: { did: 'did:plc:fake', handle: 'fake.test', accessJwt: `access-${logins}`, refreshJwt: `refresh-${logins}` } };
    };
    handlers['com.atproto.server.refreshSession'] = () => ({ status: 400, body: { error: 'ExpiredToken', message: 'Token has expired' } });
    handlers['com.atproto.repo.createRecord'] = ({ headers, body }) =>
      headers.authorization === 'Bearer access-1'
        ? { status: 400, body: { error: 'ExpiredToken', message: 'Token has expired' } }
        : created(JSON.parse(body).rkey);

    await channel().post(message());

    expect(nsids().filter((n) => n.startsWith('com.atproto.server.'))).toEqual([
      'com.atproto.server.createSession',
      'com.atproto.server.refreshSession',
      'com.atproto.server.createSession',
    ]);
    expect(received.find((r) => r.nsid === 'com.atproto.server.refreshSession')?.authorization).toBe('Bearer refresh-1');
    expect(received.filter((r) => r.nsid === 'com.atproto.repo.createRecord').map((r) => r.authorization)).toEqual([
      'Bearer access-1',
      'Bearer access-2',
    ]);
  });

  it('does not cache a failed login: the next post logs in again', async () => {
    let attempt = 0;
    handlers['com.atproto.server.createSession'] = () => (++attempt === 1 ? { status: 503, body: { error: 'Unavailable' } } : OK_SESSION);
    const bluesky = channel();
    await expect(bluesky.post(message())).rejects.toBeInstanceOf(SocialPostRetryableError);
    await expect(bluesky.post(message())).resolves.toMatchObject({ remoteId: expect.stringMatching(/^at:\/\//) });
  });

  it('turns a refused connection into a retryable error that keeps the cause', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await close(closed);
    const error = await rejectionOf(channel({ service: url }).post(message()));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ mayHavePosted: false });
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).cause).toBeDefined();
  });

  it('gives up on a stalled createRecord after the timeout, as retryable and possibly posted', async () => {
    const stalled = createServer((req, res) => {
      if (req.url?.includes('createSession')) return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(OK_SESSION.body));
      if (req.url?.includes('getRecord')) return res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify(NOT_FOUND.body));
      // createRecord: never answers
    });
    const url = await listen(stalled);
    try {
      const error = await rejectionOf(channel({ service: url, timeoutMs: 200 }).post(message()));
      expect(error).toBeInstanceOf(SocialPostRetryableError);
      expect(error).toMatchObject({ mayHavePosted: true });
    } finally {
      await close(stalled);
    }
  });
});

describe('recordKeyFor', () => {
  it('derives a stable, valid TID from the idempotency key', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `rel_${i}:bluesky`);
    const tids = keys.map(recordKeyFor);
    for (const tid of tids) expect(tid).toMatch(/^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/);
    expect(new Set(tids).size).toBe(keys.length);
    expect(recordKeyFor('rel_1:bluesky')).toBe(tids[1]);
    // Pinned: with a new derivation, a retry of a post made before the change would post it again
    expect(recordKeyFor('rel_1:bluesky')).toBe('3jsihfcdfjvf3');
    expect(recordKeyFor('rel_1:bluesky-fr')).not.toBe(tids[1]);
  });

  it('dates every key in a window that has passed', () => {
    const S32 = '234567abcdefghijklmnopqrstuvwxyz';
    for (const key of ['a', 'rel_1:bluesky', 'rel_2:bluesky', '💥']) {
      const micros = [...recordKeyFor(key).slice(0, 11)].reduce((n, c) => n * 32 + S32.indexOf(c), 0);
      expect(micros / 1000).toBeGreaterThanOrEqual(Date.UTC(2023, 0, 1));
      expect(micros / 1000).toBeLessThan(Date.UTC(2023, 3, 14));
    }
  });
});

/** An access token for `did` that expired an hour ago, signed with the dev-env PDS's JWT secret. */
function expiredToken(did: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ typ: 'at+jwt', alg: 'HS256' })}.${part({ scope: 'com.atproto.appPass', aud: 'did:web:localhost', sub: did, iat: now - 10_800, exp: now - 3_600 })}`;
  return `${unsigned}.${createHmac('sha256', JWT_SECRET).update(unsigned).digest('base64url')}`;
}
