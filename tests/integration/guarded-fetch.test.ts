import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PUBLIC_ONLY } from '../../functions/adapters/outbound/address-policy';
import { OutboundFetchRefusedError, type OutboundRefusal } from '../../functions/adapters/outbound/errors';
import { guardedFetcher, type OutboundRequest, type Resolver } from '../../functions/adapters/outbound/guarded-fetch';
import { closeServer, listenOn, PNG, PUBLIC_STAND_IN, STAND_IN_POLICY } from '../helpers/outside-web';

const IMAGE: OutboundRequest = { maxBytes: 64 * 1024, timeoutMs: 5_000, accept: 'image' };
const FEED = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title></channel></rss>';
const FEED_ETAG = '"5f3c-1c"';
const FEED_MODIFIED = 'Tue, 03 Mar 2026 15:30:00 GMT';
const FEED_REQUEST: OutboundRequest = { maxBytes: 64 * 1024, timeoutMs: 5_000, acceptTypes: 'application/rss+xml, application/atom+xml' };
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><image href="http://169.254.169.254/"/></svg>';

async function refusalOf(promise: Promise<unknown>): Promise<OutboundRefusal> {
  const error = await promise.then(
    () => expect.fail('expected the fetch to be refused'),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(OutboundFetchRefusedError);
  return (error as OutboundFetchRefusedError).reason;
}

/** Names resolved by the test, and every name it was asked for. */
function resolverOf(names: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    const addresses = names[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

describe('guardedFetcher', () => {
  // The host a release's image URL names, on the public stand-in address.
  let outside: Server;
  let outsideUrl: string;
  // What must never be reached: a service on this machine, as the metadata service is on EC2.
  let forbidden: Server;
  let forbiddenPort: number;
  let forbiddenHits: string[];

  const route: Record<string, RequestListener> = {
    '/card.png': (_, res) => res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(PNG),
    '/page.png': (_, res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end('<!doctype html><p>not an image</p>'),
    '/logo.svg': (_, res) => res.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end(SVG),
    '/huge.png': (_, res) => {
      // Chunked, with no Content-Length: only counting the bytes read can tell it is too big.
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.write(PNG);
      for (let i = 0; i < 16; i++) res.write(Buffer.alloc(64 * 1024));
      res.end();
    },
    '/declared-huge.png': (_, res) => res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(10 * 1024 * 1024) }).end(),
    '/stalls.png': (_, res) => res.writeHead(200, { 'Content-Type': 'image/png' }).write(PNG.subarray(0, 8)),
    '/missing.png': (_, res) => res.writeHead(404).end(),
    '/not-modified': (_, res) => res.writeHead(304).end(),
    '/to-loopback': (_, res) => res.writeHead(302, { Location: `http://127.0.0.1:${forbiddenPort}/secret.png` }).end(),
    '/to-mapped-loopback': (_, res) => res.writeHead(302, { Location: `http://[::ffff:127.0.0.1]:${forbiddenPort}/secret.png` }).end(),
    '/to-metadata': (_, res) => res.writeHead(301, { Location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }).end(),
    '/to-private-name': (_, res) => res.writeHead(307, { Location: 'https://intranet.example/card.png' }).end(),
    '/relative': (_, res) => res.writeHead(303, { Location: '/card.png' }).end(),
    '/feed.xml': (req, res) => {
      // A feed that has not changed since it was first fetched: either validator is enough.
      const unchanged = req.headers['if-none-match'] === FEED_ETAG || req.headers['if-modified-since'] === FEED_MODIFIED;
      if (unchanged) return res.writeHead(304, { ETag: FEED_ETAG, 'Last-Modified': FEED_MODIFIED }).end();
      res.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=UTF-8', ETag: FEED_ETAG, 'Last-Modified': FEED_MODIFIED }).end(FEED);
    },
  };

  beforeAll(async () => {
    outside = createServer((req, res) => {
      const hops = /^\/hops\/(\d+)$/.exec(req.url ?? '');
      if (hops) {
        const left = Number(hops[1]);
        return res.writeHead(302, { Location: left ? `/hops/${left - 1}` : '/card.png' }).end();
      }
      const handler = route[req.url ?? ''];
      if (handler) return handler(req, res);
      res.writeHead(404).end();
    });
    outsideUrl = await listenOn(outside, PUBLIC_STAND_IN);
    forbidden = createServer((req, res) => {
      forbiddenHits.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG);
    });
    forbiddenPort = Number(new URL(await listenOn(forbidden, '127.0.0.1')).port);
  });

  beforeEach(() => {
    forbiddenHits = [];
  });

  afterAll(async () => {
    await Promise.all([outside, forbidden].filter(Boolean).map(closeServer));
  });

  const fetchOutside = guardedFetcher({ policy: STAND_IN_POLICY });

  it('fetches an image and names its type by its bytes, not by the header', async () => {
    const image = await fetchOutside(`${outsideUrl}/card.png`, IMAGE);
    expect(Buffer.from(image.bytes)).toEqual(PNG);
    expect(image.contentType).toBe('image/png');
    expect(image.finalUrl).toBe(`${outsideUrl}/card.png`);
  });

  it('follows a relative redirect on the same host', async () => {
    const image = await fetchOutside(`${outsideUrl}/relative`, IMAGE);
    expect(image.finalUrl).toBe(`${outsideUrl}/card.png`);
  });

  it.each([
    ['loopback', '/to-loopback'],
    ['IPv4-mapped loopback', '/to-mapped-loopback'],
    ['the instance metadata service', '/to-metadata'],
  ])('refuses a redirect to %s without sending it a request', async (_, path) => {
    expect(await refusalOf(fetchOutside(`${outsideUrl}${path}`, IMAGE))).toBe('private-address');
    expect(forbiddenHits).toEqual([]);
  });

  it('refuses the first URL when it names a private address', async () => {
    expect(await refusalOf(fetchOutside(`http://127.0.0.1:${forbiddenPort}/secret.png`, IMAGE))).toBe('private-address');
    expect(await refusalOf(guardedFetcher()(`https://169.254.169.254/latest/meta-data/`, IMAGE))).toBe('private-address');
    expect(forbiddenHits).toEqual([]);
  });

  it('resolves a redirect’s host and refuses it when it resolves to a private address', async () => {
    const resolve = resolverOf({ 'intranet.example': ['10.0.0.5'] });
    const reason = await refusalOf(guardedFetcher({ policy: STAND_IN_POLICY, resolve })(`${outsideUrl}/to-private-name`, IMAGE));
    expect(reason).toBe('private-address');
    expect(resolve.asked).toEqual(['intranet.example']);
  });

  it('refuses a host when any of its addresses is private, even if another is public', async () => {
    const resolve = resolverOf({ 'cdn.example': ['93.184.216.34', '169.254.169.254'] });
    expect(await refusalOf(guardedFetcher({ resolve })('https://cdn.example/card.png', IMAGE))).toBe('private-address');
    const v6 = resolverOf({ 'cdn.example': ['2606:4700::1111', 'fd00::1'] });
    expect(await refusalOf(guardedFetcher({ resolve: v6 })('https://cdn.example/card.png', IMAGE))).toBe('private-address');
  });

  it('connects to the address it checked, not to a second DNS answer', async () => {
    // The first answer is the allowed host; any later lookup would point at the forbidden one. The
    // name does not exist in real DNS either, so only the checked address can have been used.
    let lookups = 0;
    const rebinding: Resolver = async () => [{ address: lookups++ === 0 ? PUBLIC_STAND_IN : '127.0.0.1', family: 4 }];
    const port = new URL(outsideUrl).port;
    const image = await guardedFetcher({ policy: STAND_IN_POLICY, resolve: rebinding })(`http://images.rebind.example:${port}/card.png`, IMAGE);
    expect(Buffer.from(image.bytes)).toEqual(PNG);
    expect(lookups).toBe(1);
    expect(forbiddenHits).toEqual([]);
  });

  it('refuses plain http to a public address, before connecting', async () => {
    const resolve = resolverOf({ 'cdn.example': ['93.184.216.34'] });
    expect(await refusalOf(guardedFetcher({ resolve })('http://cdn.example/card.png', IMAGE))).toBe('not-https');
    expect(await refusalOf(guardedFetcher({ resolve })('ftp://cdn.example/card.png', IMAGE))).toBe('not-https');
    expect(await refusalOf(guardedFetcher({ resolve })('file:///etc/passwd', IMAGE))).toBe('not-https');
    expect(await refusalOf(guardedFetcher({ resolve })('https://user:pass@cdn.example/card.png', IMAGE))).toBe('invalid-url');
    expect(await refusalOf(guardedFetcher({ resolve })('not a url', IMAGE))).toBe('invalid-url');
  });

  it('refuses a name that does not resolve', async () => {
    expect(await refusalOf(guardedFetcher({ resolve: resolverOf({}) })('https://nowhere.example/card.png', IMAGE))).toBe('unresolvable');
  });

  it('follows as many redirects as allowed and refuses one more', async () => {
    expect((await fetchOutside(`${outsideUrl}/hops/2`, { ...IMAGE, maxRedirects: 3 })).finalUrl).toBe(`${outsideUrl}/card.png`);
    expect(await refusalOf(fetchOutside(`${outsideUrl}/hops/3`, { ...IMAGE, maxRedirects: 3 }))).toBe('too-many-redirects');
    expect(await refusalOf(fetchOutside(`${outsideUrl}/hops/3`, IMAGE))).toBe('too-many-redirects');
  });

  it('cuts off a body over the limit, declared or not', async () => {
    expect(await refusalOf(fetchOutside(`${outsideUrl}/huge.png`, IMAGE))).toBe('too-large');
    expect(await refusalOf(fetchOutside(`${outsideUrl}/declared-huge.png`, IMAGE))).toBe('too-large');
  });

  it.each([
    ['an HTML page sent as image/png', '/page.png'],
    ['an SVG', '/logo.svg'],
  ])('refuses %s as an image', async (_, path) => {
    expect(await refusalOf(fetchOutside(`${outsideUrl}${path}`, IMAGE))).toBe('not-an-image');
  });

  it('takes any content when no image is asked for, typed by its header', async () => {
    const page = await fetchOutside(`${outsideUrl}/logo.svg`, { maxBytes: 1024, timeoutMs: 5_000 });
    expect(page.contentType).toBe('image/svg+xml');
  });

  it('makes a conditional request: the first answer’s validators, then 304 with no bytes', async () => {
    const first = await fetchOutside(`${outsideUrl}/feed.xml`, FEED_REQUEST);
    expect(first).toMatchObject({ status: 200, contentType: 'application/rss+xml', etag: FEED_ETAG, lastModified: FEED_MODIFIED });
    expect(Buffer.from(first.bytes).toString('utf8')).toBe(FEED);

    const byEtag = await fetchOutside(`${outsideUrl}/feed.xml`, { ...FEED_REQUEST, ifNoneMatch: first.etag });
    expect(byEtag).toMatchObject({ status: 304, etag: FEED_ETAG });
    expect(byEtag.bytes).toHaveLength(0);
    const byDate = await fetchOutside(`${outsideUrl}/feed.xml`, { ...FEED_REQUEST, ifModifiedSince: first.lastModified });
    expect(byDate).toMatchObject({ status: 304, lastModified: FEED_MODIFIED });
    expect(byDate.bytes).toHaveLength(0);

    // A validator that no longer matches gets the whole feed again.
    const changed = await fetchOutside(`${outsideUrl}/feed.xml`, { ...FEED_REQUEST, ifNoneMatch: '"older"' });
    expect(changed.status).toBe(200);
    expect(changed.bytes.length).toBe(Buffer.byteLength(FEED));
  });

  it('refuses a 304 to a request that was not conditional', async () => {
    expect(await refusalOf(fetchOutside(`${outsideUrl}/not-modified`, FEED_REQUEST))).toBe('bad-status');
  });

  it('refuses an error answer', async () => {
    expect(await refusalOf(fetchOutside(`${outsideUrl}/missing.png`, IMAGE))).toBe('bad-status');
  });

  it('gives up on a body that stalls once the time is up', async () => {
    const started = Date.now();
    expect(await refusalOf(fetchOutside(`${outsideUrl}/stalls.png`, { ...IMAGE, timeoutMs: 300 }))).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('is strict by default: no loopback, not even over https', async () => {
    expect(PUBLIC_ONLY.allows(PUBLIC_STAND_IN)).toBe(false);
    expect(await refusalOf(guardedFetcher()(`${outsideUrl}/card.png`, IMAGE))).toBe('private-address');
  });

  describe('over https', () => {
    let tlsDir: string;
    let secure: Server;
    let securePort: string;
    let ca: Buffer;

    beforeAll(async () => {
      // A certificate for the name only: the fetch must check it against the URL's host while it
      // connects to the address it resolved.
      tlsDir = await mkdtemp(join(tmpdir(), 'pressroom-tls-'));
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=images.example', '-addext', 'subjectAltName=DNS:images.example',
        '-keyout', join(tlsDir, 'key.pem'), '-out', join(tlsDir, 'cert.pem'),
      ], { stdio: 'ignore' });
      ca = await readFile(join(tlsDir, 'cert.pem'));
      secure = createHttpsServer({ key: await readFile(join(tlsDir, 'key.pem')), cert: ca }, (req, res) => {
        if (req.headers.host?.startsWith('images.example')) return res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG);
        res.writeHead(421).end();
      });
      securePort = new URL(await listenOn(secure, PUBLIC_STAND_IN, 'https')).port;
    });

    afterAll(async () => {
      if (secure) await closeServer(secure);
      if (tlsDir) await rm(tlsDir, { recursive: true, force: true });
    });

    const httpsOnly = { allows: STAND_IN_POLICY.allows, allowsPlainHttp: () => false };

    it('connects to the checked address with the host’s name for TLS and the Host header', async () => {
      const resolve = resolverOf({ 'images.example': [PUBLIC_STAND_IN] });
      const image = await guardedFetcher({ policy: httpsOnly, resolve, ca })(`https://images.example:${securePort}/card.png`, IMAGE);
      expect(image.contentType).toBe('image/png');
    });

    it('refuses a certificate that does not name the host', async () => {
      const resolve = resolverOf({ 'other.example': [PUBLIC_STAND_IN] });
      expect(await refusalOf(guardedFetcher({ policy: httpsOnly, resolve, ca })(`https://other.example:${securePort}/card.png`, IMAGE))).toBe('network');
    });
  });
});
