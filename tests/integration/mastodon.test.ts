import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MastodonChannel } from '../../functions/adapters/social/mastodon';
import { SocialPostRejectedError, SocialPostRetryableError } from '../../functions/domain/social/errors';
import { PressroomError } from '../../functions/domain/errors';

/** The port's message for `text`; these tests only look at the text and the key. */
const message = (text: string, idempotencyKey: string) => ({
  text,
  idempotencyKey,
  summary: { title: 'T', url: 'https://example.com/r', tags: [], language: 'en' },
});

interface Received {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Reply = { status: number; headers?: Record<string, string>; body?: unknown };

/** A stand-in Mastodon instance: records each request and answers with the queued reply. */
let server: Server;
let instanceUrl: string;
let received: Received[];
let reply: Reply;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', ...reply.headers });
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  instanceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  reply = { status: 200, body: { id: '103254962155278888', url: 'https://mastodon.example/@press/103254962155278888', content: '<p>…</p>' } };
});

const channel = (options: Partial<ConstructorParameters<typeof MastodonChannel>[0]> = {}) =>
  new MastodonChannel({ instanceUrl: `${instanceUrl}/`, accessToken: 'token-123', ...options });

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the post to fail'),
    (error: unknown) => error,
  );
}

describe('MastodonChannel.post', () => {
  it('posts the status as Mastodon documents and returns its id and URL', async () => {
    // Given an instance that accepts the status
    // When a post is made
    const result = await channel({ language: 'fr', visibility: 'unlisted' }).post(message('Bonjour 👋 https://example.com/r/1', 'rel_1:mastodon'));

    // Then one POST /api/v1/statuses carried the token, the key and the JSON parameters
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/v1/statuses');
    expect(request.headers.authorization).toBe('Bearer token-123');
    expect(request.headers['idempotency-key']).toBe('rel_1:mastodon');
    expect(request.headers['content-type']).toMatch(/^application\/json\b/);
    expect(JSON.parse(request.body)).toEqual({ status: 'Bonjour 👋 https://example.com/r/1', visibility: 'unlisted', language: 'fr' });
    expect(result).toEqual({ remoteId: '103254962155278888', url: 'https://mastodon.example/@press/103254962155278888' });
  });

  it("defaults to public visibility and sends the release's language as an ISO 639 code", async () => {
    const spanish = message('Hola', 'rel_2:mastodon');
    await channel().post({ ...spanish, summary: { ...spanish.summary, language: 'es-MX' } });
    expect(JSON.parse(received[0].body)).toEqual({ status: 'Hola', visibility: 'public', language: 'es' });
  });

  it('sends the same idempotency key on a retry, so Mastodon can answer with the first status', async () => {
    const mastodon = channel();
    await mastodon.post(message('Hello', 'rel_3:mastodon'));
    await mastodon.post(message('Hello', 'rel_3:mastodon'));
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual(['rel_3:mastodon', 'rel_3:mastodon']);
  });

  it('turns a 422 into a rejection carrying Mastodon’s message', async () => {
    reply = { status: 422, body: { error: "Validation failed: Text can't be blank" } };
    const error = await rejectionOf(channel().post(message('', 'rel_4:mastodon')));
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error).toBeInstanceOf(PressroomError);
    expect(error).toMatchObject({
      name: 'SocialPostRejectedError',
      channel: 'mastodon',
      status: 422,
      providerMessage: "Validation failed: Text can't be blank",
    });
    expect((error as Error).message).toContain("Validation failed: Text can't be blank");
  });

  it('turns a 401 into a rejection: a bad token will not get better by waiting', async () => {
    reply = { status: 401, body: { error: 'The access token is invalid' } };
    const error = await rejectionOf(channel({ name: 'mastodon-fr' }).post(message('Hello', 'rel_5:mastodon-fr')));
    expect(error).toBeInstanceOf(SocialPostRejectedError);
    expect(error).toMatchObject({ channel: 'mastodon-fr', status: 401, providerMessage: 'The access token is invalid' });
  });

  it('turns a 429 into a retryable error that waits for X-RateLimit-Reset', async () => {
    const reset = '2031-01-02T03:05:00.000000Z';
    reply = {
      status: 429,
      headers: { 'X-RateLimit-Limit': '300', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset },
      body: { error: 'Too many requests' },
    };
    const error = await rejectionOf(channel().post(message('Hello', 'rel_6:mastodon')));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ name: 'SocialPostRetryableError', status: 429 });
    expect((error as SocialPostRetryableError).retryAfter).toEqual(new Date('2031-01-02T03:05:00Z'));
  });

  it('turns a 503 into a retryable error, honouring Retry-After seconds', async () => {
    reply = { status: 503, headers: { 'Retry-After': '120' }, body: '<html>Service Unavailable</html>' };
    const now = new Date('2030-06-01T12:00:00Z');
    const error = await rejectionOf(channel({ clock: () => now }).post(message('Hello', 'rel_7:mastodon')));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect(error).toMatchObject({ status: 503, retryAfter: new Date('2030-06-01T12:02:00Z') });
  });

  it('treats a 2xx it cannot read as retryable: the key makes asking again safe', async () => {
    reply = { status: 200, body: '<html>captive portal</html>' };
    const error = await rejectionOf(channel().post(message('Hello', 'rel_8:mastodon')));
    expect(error).toBeInstanceOf(SocialPostRetryableError);
  });

  it('turns a refused connection into a retryable error that keeps the cause', async () => {
    // Given a port nobody listens on
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const error = await rejectionOf(
      new MastodonChannel({ instanceUrl: `http://127.0.0.1:${port}`, accessToken: 't' }).post(message('Hello', 'rel_9:mastodon')),
    );
    expect(error).toBeInstanceOf(SocialPostRetryableError);
    expect((error as Error).cause).toBeDefined();
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as SocialPostRetryableError).retryAfter).toBeUndefined();
  });

  it('gives up on a stalled instance after the timeout, as retryable', async () => {
    const stalled = createServer(() => {}); // never answers
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    try {
      const port = (stalled.address() as AddressInfo).port;
      const error = await rejectionOf(
        new MastodonChannel({ instanceUrl: `http://127.0.0.1:${port}`, accessToken: 't', timeoutMs: 200 }).post(message('Hello', 'k')),
      );
      expect(error).toBeInstanceOf(SocialPostRetryableError);
    } finally {
      stalled.closeAllConnections();
      await new Promise((resolve) => stalled.close(resolve));
    }
  });
});

describe('MastodonChannel.format', () => {
  it('formats within Mastodon’s rules unless the instance has its own', () => {
    const summary = { title: 'T', summary: 'word '.repeat(200), url: 'https://example.com/r/1', tags: [], language: 'en' };
    expect([...channel().format(summary)].length).toBeLessThanOrEqual(500);
    const long = channel({ rules: { maxLength: 5000, urlLength: 23, countBy: 'codepoints', hashtags: true } }).format(summary);
    expect(long).toContain('word '.repeat(199).trim());
  });
});
