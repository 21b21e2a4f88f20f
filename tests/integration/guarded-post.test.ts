import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_ONLY, PUBLIC_OR_LOOPBACK } from '../../functions/adapters/outbound/address-policy';
import { OutboundFetchRefusedError, type OutboundRefusal } from '../../functions/adapters/outbound/errors';
import { guardedPoster, type Resolver } from '../../functions/adapters/outbound/guarded-fetch';

const resolver: Resolver = async (hostname) => {
  const names: Record<string, string> = { 'hooks.internal.example': '10.0.0.5', 'metadata.example': '169.254.169.254' };
  if (!names[hostname]) throw new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  return [{ address: names[hostname], family: 4 }];
};

async function refusalOf(promise: Promise<unknown>): Promise<OutboundRefusal> {
  const error = await promise.then(() => expect.fail('expected the POST to be refused'), (e: unknown) => e);
  expect(error).toBeInstanceOf(OutboundFetchRefusedError);
  return (error as OutboundFetchRefusedError).reason;
}

/** The webhook POST of the guarded outbound client: the fetcher's address vetting, a timeout, no redirects. */
describe('guardedPoster', () => {
  let server: Server;
  let base: string;
  const hits: Array<{ path: string; method: string; body: string; signature?: string }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        hits.push({ path: request.url ?? '', method: request.method ?? '', body: Buffer.concat(chunks).toString(), signature: request.headers['webhook-signature'] as string | undefined });
        if (request.url === '/slow') return; // never answers
        if (request.url === '/moved') return response.writeHead(307, { location: `${base}/elsewhere` }).end();
        response.writeHead(request.url === '/down' ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const request = { headers: { 'content-type': 'application/json', 'webhook-signature': 'v1,abc' }, body: '{"type":"release.sent"}', timeoutMs: 2_000 };

  it('posts the body and headers and answers the status, 2xx or not', async () => {
    const post = guardedPoster({ policy: PUBLIC_OR_LOOPBACK });
    expect(await post(`${base}/ok`, request)).toEqual({ status: 204 });
    expect(await post(`${base}/down`, request)).toEqual({ status: 500 });
    expect(hits.filter((h) => h.path === '/ok')).toEqual([{ path: '/ok', method: 'POST', body: request.body, signature: 'v1,abc' }]);
  });

  it('answers a redirect as its status without following it', async () => {
    expect(await guardedPoster({ policy: PUBLIC_OR_LOOPBACK })(`${base}/moved`, request)).toEqual({ status: 307 });
    expect(hits.some((h) => h.path === '/elsewhere')).toBe(false);
  });

  it('gives up after the timeout', async () => {
    expect(await refusalOf(guardedPoster({ policy: PUBLIC_OR_LOOPBACK })(`${base}/slow`, { ...request, timeoutMs: 300 }))).toBe('timeout');
  });

  it('on AWS (public addresses only) reaches no loopback, private or metadata address, and no plain http', async () => {
    const before = hits.length;
    const post = guardedPoster({ policy: PUBLIC_ONLY, resolve: resolver });
    expect(await refusalOf(post(`${base}/ok`, request))).toBe('private-address');
    expect(await refusalOf(post('https://hooks.internal.example/hook', request))).toBe('private-address');
    expect(await refusalOf(post('https://metadata.example/latest/meta-data/', request))).toBe('private-address');
    expect(await refusalOf(post('https://169.254.169.254/', request))).toBe('private-address');
    expect(await refusalOf(post('ftp://example.org/', request))).toBe('not-https');
    expect(hits.length).toBe(before);
  });
});
