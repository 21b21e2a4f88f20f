import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildChannels, KNOWN_CHANNELS, loadChannelAdapters, socialChannels } from '../../functions/runtime/channels';
import { ConfigError, readConfig, SECRET_PLACEHOLDER, type PressroomConfig, type PressroomSecrets } from '../../functions/runtime/config';
import {
  CHANNEL_SECRET_LOCATIONS,
  CHANNELS_BY_NAME,
  KNOWN_CHANNELS as ALL,
  type ChannelSecrets,
  type ChannelSettings,
  type SocialChannelName,
} from '../../functions/channels';
import { parseSecrets } from '../../functions/runtime/aws';
import { loadDevSecrets } from '../../functions/local/dev-secrets';
import { LINKEDIN_API_VERSION } from '../../functions/adapters/social/linkedin';
import { LocalChannel } from '../../functions/adapters/social/local-channel';
import type { SocialSummary } from '../../functions/domain/social/social-post';
import type { OutboundFetch, OutboundRequest } from '../../functions/adapters/outbound/guarded-fetch';
import { OutboundFetchRefusedError } from '../../functions/adapters/outbound/errors';
import { PUBLIC_OR_LOOPBACK } from '../../functions/adapters/outbound/address-policy';
import { closeServer, listenOn, PNG } from '../helpers/outside-web';

// Given: every setting and secret a full deployment would have.
const SETTINGS: ChannelSettings = {
  mastodonUrl: 'https://mastodon.example',
  blueskyService: 'https://pds.example',
  blueskyIdentifier: 'press.example.com',
  linkedinAuthor: 'urn:li:organization:5515715',
  linkedinApiVersion: '202601',
  threadsUserId: '1234567',
};
// X here signs in with its OAuth 2.0 token alone; X_OAUTH1 holds its OAuth 1.0a set.
const SECRETS = {
  mastodonAccessToken: 'mastodon-token',
  blueskyAppPassword: 'abcd-efgh-ijkl-mnop',
  xAccessToken: 'x-token',
  linkedinAccessToken: 'linkedin-token',
  threadsAccessToken: 'threads-token',
  slackWebhookUrl: 'https://hooks.slack.com/services/T000/B000/slack-secret-part',
  discordWebhookUrl: 'https://discord.com/api/webhooks/123/discord-secret-part',
} satisfies ChannelSecrets;
const X_OAUTH1 = {
  xApiKey: 'x-api-key',
  xApiKeySecret: 'x-api-key-secret',
  xAccessToken: '1234-x-oauth1-token',
  xAccessTokenSecret: 'x-access-token-secret',
} satisfies ChannelSecrets;
// Every key a secret may hold: the compiler says when a channel gains one that is not here.
const EVERY_SECRET: Required<ChannelSecrets> = { ...SECRETS, ...X_OAUTH1 };

const configError = (build: () => unknown): ConfigError => {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('buildChannels', () => {
  beforeAll(() => loadChannelAdapters(KNOWN_CHANNELS));

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each([
    ['mastodon', true],
    ['bluesky', true],
    ['x', false],
    ['linkedin', false],
    ['threads', false],
    ['slack', false],
    ['discord', false],
  ] as const)('builds %s (idempotent: %s) from config and secrets', (name, idempotent) => {
    const channels = buildChannels([name], SETTINGS, SECRETS);
    expect([...channels.keys()]).toEqual([name]);
    expect(channels.get(name)).toMatchObject({ name, idempotent });
  });

  it('builds every known channel at once, and knows exactly these', () => {
    expect([...KNOWN_CHANNELS].sort()).toEqual(['bluesky', 'discord', 'linkedin', 'mastodon', 'slack', 'threads', 'x']);
    expect([...buildChannels(ALL, SETTINGS, SECRETS).keys()]).toEqual(ALL);
  });

  // Where each channel's first request goes, and what of the config and secret it carries.
  const firstRequests: Record<SocialChannelName, (request: Request, body: string) => void> = {
    mastodon: (request) => {
      expect(request.url).toBe('https://mastodon.example/api/v1/statuses');
      expect(request.headers.get('authorization')).toBe('Bearer mastodon-token');
    },
    bluesky: (request, body) => {
      expect(request.url).toBe('https://pds.example/xrpc/com.atproto.server.createSession');
      expect(JSON.parse(body)).toEqual({ identifier: 'press.example.com', password: 'abcd-efgh-ijkl-mnop' });
    },
    x: (request) => {
      expect(request.url).toBe('https://api.x.com/2/tweets');
      expect(request.headers.get('authorization')).toBe('Bearer x-token');
    },
    linkedin: (request, body) => {
      expect(request.url).toBe('https://api.linkedin.com/rest/posts');
      expect(request.headers.get('authorization')).toBe('Bearer linkedin-token');
      expect(request.headers.get('linkedin-version')).toBe('202601');
      expect(JSON.parse(body).author).toBe('urn:li:organization:5515715');
    },
    threads: (request, body) => {
      expect(request.url).toBe('https://graph.threads.net/v1.0/1234567/threads');
      expect(new URLSearchParams(body).get('access_token')).toBe('threads-token');
    },
    slack: (request) => {
      expect(request.url).toBe(SECRETS.slackWebhookUrl);
    },
    discord: (request) => {
      expect(request.url).toBe(`${SECRETS.discordWebhookUrl}?wait=true`);
    },
  };

  it.each(ALL)('hands %s its settings and secret', async (name) => {
    // Given a provider that refuses everything, recording what it was sent.
    const requests: Array<{ request: Request; body: string }> = [];
    vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      requests.push({ request, body: await request.text() });
      return new Response('{}', { status: 400, headers: { 'content-type': 'application/json' } });
    });
    const channel = buildChannels([name], SETTINGS, SECRETS).get(name)!;
    const summary: SocialSummary = { title: 'Spring update', url: 'https://news.example.org/spring', tags: [], language: 'en' };

    // When it posts.
    await expect(channel.post({ text: channel.format(summary), summary, idempotencyKey: `rel_1:${name}` })).rejects.toThrow();

    // Then its first request used the configured values.
    expect(requests.length).toBeGreaterThan(0);
    firstRequests[name](requests[0].request, requests[0].body);
  });

  it('hands bluesky the outbound fetcher for the release image, and keeps the PDS on its own fetch', async () => {
    // Given a PDS that signs in and posts, and an outbound fetcher that refuses every URL
    const pdsRequests: string[] = [];
    vi.stubGlobal('fetch', async (input: string | URL | Request) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      pdsRequests.push(url.href);
      const nsid = url.pathname.split('/').at(-1);
      if (nsid === 'com.atproto.server.createSession') return Response.json({ did: 'did:plc:press', accessJwt: 'a', refreshJwt: 'r' });
      if (nsid === 'com.atproto.repo.createRecord') return Response.json({ uri: 'at://did:plc:press/app.bsky.feed.post/x' });
      return Response.json({ error: 'RecordNotFound' }, { status: 400 });
    });
    const fetched: Array<{ url: string; request: OutboundRequest }> = [];
    const outboundFetch: OutboundFetch = async (url, request) => {
      fetched.push({ url, request });
      throw new OutboundFetchRefusedError('private-address', 'refused by the test');
    };
    const channel = buildChannels(['bluesky'], SETTINGS, SECRETS, { outboundFetch }).get('bluesky')!;
    const summary: SocialSummary = { title: 'T', url: 'https://news.example.org/t', tags: [], language: 'en', imageUrl: 'https://cdn.example/card.png' };

    // When it posts a release with an image
    await channel.post({ text: 'T https://news.example.org/t', summary, idempotencyKey: 'rel_img:bluesky' });

    // Then the image went to the outbound fetcher, as an image within the lexicon's limit, and never to the PDS's fetch
    expect(fetched).toEqual([{ url: 'https://cdn.example/card.png', request: expect.objectContaining({ accept: 'image', maxBytes: 1_000_000 }) }]);
    expect(pdsRequests.every((url) => url.startsWith('https://pds.example/xrpc/'))).toBe(true);
    expect(pdsRequests.some((url) => url.endsWith('com.atproto.repo.uploadBlob'))).toBe(false);
  });

  it.each([
    ['public https only when the runtime sets no policy (AWS)', undefined, 0],
    ['this machine too in local mode', PUBLIC_OR_LOOPBACK, 1],
  ] as const)('the channels part fetches a release image from %s', async (_, outboundPolicy, expectedHits) => {
    // Given an image on this machine, and a PDS that signs in and posts
    const hits: string[] = [];
    const images = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG);
    });
    const imagesUrl = await listenOn(images, '127.0.0.1');
    vi.stubGlobal('fetch', async (input: string | URL | Request) => {
      const nsid = String(input instanceof Request ? input.url : input).split('/').at(-1);
      if (nsid === 'com.atproto.server.createSession') return Response.json({ did: 'did:plc:press', accessJwt: 'a', refreshJwt: 'r' });
      if (nsid === 'com.atproto.repo.uploadBlob') return Response.json({ blob: { $type: 'blob', ref: { $link: 'b' }, mimeType: 'image/png', size: PNG.length } });
      if (nsid === 'com.atproto.repo.createRecord') return Response.json({ uri: 'at://did:plc:press/app.bsky.feed.post/x' });
      return Response.json({ error: 'RecordNotFound' }, { status: 400 });
    });
    try {
      const config = { socialChannels: ['bluesky'], channelSettings: SETTINGS } as unknown as PressroomConfig;
      const channels = await socialChannels(config, { channels: SECRETS } as unknown as PressroomSecrets, { outboundPolicy });
      const summary: SocialSummary = { title: 'T', url: 'https://news.example.org/t', tags: [], language: 'en', imageUrl: `${imagesUrl}/card.png` };

      // When it posts
      await channels.get('bluesky')!.post({ text: 'T https://news.example.org/t', summary, idempotencyKey: 'rel_local:bluesky' });

      // Then the image host was asked only where the policy allows it
      expect(hits).toHaveLength(expectedHits);
    } finally {
      await closeServer(images);
    }
  });

  describe('X sign-in', () => {
    const summary: SocialSummary = { title: 'T', url: 'https://news.example.org/t', tags: [], language: 'en' };
    /** The Authorization header of the channel's first request to a provider that refuses everything. */
    const authorizationSent = async (secrets: ChannelSecrets): Promise<string> => {
      const sent: Array<string | null> = [];
      vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
        sent.push(new Request(input, init).headers.get('authorization'));
        return new Response('{}', { status: 400 });
      });
      const channel = buildChannels(['x'], SETTINGS, secrets).get('x')!;
      await expect(channel.post({ text: 'T', summary, idempotencyKey: 'rel_1:x' })).rejects.toThrow();
      expect(sent).toHaveLength(1);
      return sent[0] ?? '';
    };
    const whereOf = (key: keyof typeof X_OAUTH1) => {
      const { env } = CHANNEL_SECRET_LOCATIONS.find((l) => l.key === key)!;
      return `"${key}" (locally ${env})`;
    };

    it('uses the OAuth 2.0 token when xAccessToken is alone', async () => {
      expect(await authorizationSent({ xAccessToken: 'x-token' })).toBe('Bearer x-token');
    });

    it('signs with OAuth 1.0a when all four keys are given, each in its role', async () => {
      const header = await authorizationSent({ ...SECRETS, ...X_OAUTH1 });
      expect(header).toMatch(/^OAuth /);
      const fields = new Map([...header.matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name, decodeURIComponent(value)]));
      expect(fields.get('oauth_consumer_key')).toBe('x-api-key');
      expect(fields.get('oauth_token')).toBe('1234-x-oauth1-token');
      // The values here need no percent-encoding, so the RFC 5849 base string is plain to build: the
      // signature proves which secret went where (swapping them changes the key).
      const signed = [...fields].filter(([name]) => name !== 'oauth_signature').sort(([a], [b]) => (a < b ? -1 : 1));
      const base = `POST&${encodeURIComponent('https://api.x.com/2/tweets')}&${encodeURIComponent(signed.map(([n, v]) => `${n}=${v}`).join('&'))}`;
      expect(fields.get('oauth_signature')).toBe(createHmac('sha1', 'x-api-key-secret&x-access-token-secret').update(base).digest('base64'));
    });

    it.each(Object.keys(X_OAUTH1) as Array<keyof typeof X_OAUTH1>)('refuses the OAuth 1.0a set without %s, naming only that key', (missing) => {
      const error = configError(() => buildChannels(['x'], SETTINGS, { ...SECRETS, ...X_OAUTH1, [missing]: undefined }));
      expect(error.message).toContain(`secret key ${whereOf(missing)}`);
      for (const present of Object.keys(X_OAUTH1) as Array<keyof typeof X_OAUTH1>) {
        if (present !== missing) expect(error.message).not.toContain(`secret key ${whereOf(present)}`);
      }
      expect(error.message).not.toContain('x-api-key-secret');
      expect(error.message).not.toContain('x-access-token-secret');
    });

    it('refuses a partial OAuth 1.0a set rather than fall back to the OAuth 2.0 token', () => {
      const error = configError(() => buildChannels(['x'], SETTINGS, { xAccessToken: 'x-token', xApiKey: 'x-api-key' }));
      expect(error.message).toContain(whereOf('xApiKeySecret'));
      expect(error.message).toContain(whereOf('xAccessTokenSecret'));
    });

    it.each(Object.keys(X_OAUTH1) as Array<keyof typeof X_OAUTH1>)('refuses the OAuth 1.0a set while %s is the placeholder', (key) => {
      const error = configError(() => buildChannels(['x'], SETTINGS, { ...X_OAUTH1, [key]: SECRET_PLACEHOLDER }));
      expect(error.message).toContain(`${whereOf(key)} still holds the placeholder ${SECRET_PLACEHOLDER}`);
    });

    it('names both ways of signing in when X has no secret at all', () => {
      const error = configError(() => buildChannels(['x'], SETTINGS, {}));
      for (const key of Object.keys(X_OAUTH1) as Array<keyof typeof X_OAUTH1>) expect(error.message).toContain(whereOf(key));
    });
  });

  it('leaves LinkedIn on the adapter’s API version when none is configured', async () => {
    const versions: Array<string | null> = [];
    vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
      versions.push(new Request(input, init).headers.get('linkedin-version'));
      return new Response('{}', { status: 400 });
    });
    const channel = buildChannels(['linkedin'], { ...SETTINGS, linkedinApiVersion: undefined }, SECRETS).get('linkedin')!;
    const summary: SocialSummary = { title: 'T', url: 'https://news.example.org/t', tags: [], language: 'en' };
    await expect(channel.post({ text: 'T', summary, idempotencyKey: 'rel_1:linkedin' })).rejects.toThrow();
    expect(versions).toEqual([LINKEDIN_API_VERSION]);
  });

  it.each([
    ['mastodon', { mastodonUrl: undefined }, ['PRESSROOM_MASTODON_URL', '"mastodonUrl"']],
    ['bluesky', { blueskyIdentifier: undefined }, ['PRESSROOM_BLUESKY_IDENTIFIER', '"blueskyIdentifier"']],
    ['linkedin', { linkedinAuthor: undefined }, ['PRESSROOM_LINKEDIN_AUTHOR', '"linkedinAuthor"']],
  ] as const)('refuses %s without its setting, naming the variable and context key', (name, missing, named) => {
    const error = configError(() => buildChannels([name], { ...SETTINGS, ...missing }, SECRETS));
    for (const text of named) expect(error.message).toContain(text);
  });

  it.each(ALL)('refuses %s without its secret, naming the secret key and the local variable', (name) => {
    const { key, env } = CHANNELS_BY_NAME[name].secret;
    const error = configError(() => buildChannels([name], SETTINGS, { ...SECRETS, [key]: undefined }));
    expect(error.message).toContain(`"${key}"`);
    expect(error.message).toContain(env);
  });

  it.each(ALL)('refuses %s while its secret is still the deploy placeholder', (name) => {
    const { key } = CHANNELS_BY_NAME[name].secret;
    const error = configError(() => buildChannels([name], SETTINGS, { ...SECRETS, [key]: SECRET_PLACEHOLDER }));
    expect(error.message).toContain(`"${key}"`);
    expect(error.message).toContain(`placeholder ${SECRET_PLACEHOLDER}`);
  });

  it('ignores missing pieces of channels that are not configured', () => {
    const channels = buildChannels(['x'], { blueskyService: 'https://bsky.social', threadsUserId: 'me' }, { xAccessToken: 'x-token' });
    expect([...channels.keys()]).toEqual(['x']);
    expect(buildChannels([], SETTINGS, { mastodonAccessToken: SECRET_PLACEHOLDER }).size).toBe(0);
  });

  it('reports every problem at once', () => {
    const error = configError(() =>
      buildChannels(['mastodon', 'bluesky'], { ...SETTINGS, mastodonUrl: undefined }, { ...SECRETS, blueskyAppPassword: undefined }),
    );
    expect(error.message).toContain('PRESSROOM_MASTODON_URL');
    expect(error.message).toContain('"blueskyAppPassword"');
  });

  it('refuses a webhook secret that is not an https URL, without quoting it', () => {
    const insecure = 'http://hooks.slack.com/services/T000/B000/slack-secret-part';
    const error = configError(() => buildChannels(['slack', 'discord'], SETTINGS, { ...SECRETS, slackWebhookUrl: insecure, discordWebhookUrl: 'not a url' }));
    expect(error.message).toContain('"slackWebhookUrl"');
    expect(error.message).toContain('"discordWebhookUrl"');
    expect(error.message).not.toContain('secret-part');
    expect(error.message).not.toContain('not a url');
  });

  it('refuses unknown names, listing the known ones', () => {
    const error = configError(() => buildChannels(['mastodon', 'myspace'], SETTINGS, SECRETS));
    expect(error.message).toContain('"myspace"');
    for (const name of ALL) expect(error.message).toContain(name);
    expect(configError(() => buildChannels(['local'], SETTINGS, SECRETS)).message).toContain('only in local mode');
  });

  it('takes channels the runtime provides as they are', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pressroom-channels-'));
    try {
      const local = new LocalChannel({ dataDir });
      const channels = buildChannels(['local', 'x', 'x'], SETTINGS, SECRETS, { extra: [local] });
      expect([...channels.keys()]).toEqual(['local', 'x']);
      expect(channels.get('local')).toBe(local);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('readConfig: channel settings', () => {
  const base = { PRESSROOM_TABLE_NAME: 't', PRESSROOM_PUBLIC_URL: 'https://news.example.org' };

  it('reads each setting from its variable', () => {
    const { channelSettings } = readConfig({
      ...base,
      PRESSROOM_MASTODON_URL: 'https://mastodon.example/',
      PRESSROOM_BLUESKY_SERVICE: 'https://pds.example',
      PRESSROOM_BLUESKY_IDENTIFIER: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz',
      PRESSROOM_LINKEDIN_AUTHOR: 'urn:li:person:8675309',
      PRESSROOM_LINKEDIN_API_VERSION: '202512',
      PRESSROOM_THREADS_USER_ID: '1234567',
    });
    expect(channelSettings).toEqual({
      mastodonUrl: 'https://mastodon.example',
      blueskyService: 'https://pds.example',
      blueskyIdentifier: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz',
      linkedinAuthor: 'urn:li:person:8675309',
      linkedinApiVersion: '202512',
      threadsUserId: '1234567',
    });
  });

  it('defaults Bluesky to bsky.social and Threads to the token’s own user; empty counts as unset', () => {
    expect(readConfig({ ...base, PRESSROOM_THREADS_USER_ID: '', PRESSROOM_MASTODON_URL: '' }).channelSettings).toEqual({
      mastodonUrl: undefined,
      blueskyService: 'https://bsky.social',
      blueskyIdentifier: undefined,
      linkedinAuthor: undefined,
      linkedinApiVersion: undefined,
      threadsUserId: 'me',
    });
  });

  it.each([
    ['PRESSROOM_MASTODON_URL', 'mastodon.social'],
    ['PRESSROOM_MASTODON_URL', 'http://mastodon.social'],
    ['PRESSROOM_BLUESKY_SERVICE', 'ftp://bsky.social'],
    ['PRESSROOM_BLUESKY_IDENTIFIER', '@press.example.com'],
    ['PRESSROOM_LINKEDIN_AUTHOR', '5515715'],
    ['PRESSROOM_LINKEDIN_AUTHOR', 'urn:li:company:5515715'],
    ['PRESSROOM_LINKEDIN_API_VERSION', '2026-05'],
    ['PRESSROOM_LINKEDIN_API_VERSION', '202613'],
    ['PRESSROOM_THREADS_USER_ID', '@press'],
  ])('refuses %s=%j with a ConfigError naming the variable', (name, value) => {
    const error = configError(() => readConfig({ ...base, [name]: value }));
    expect(error.message).toContain(name);
  });

  it('lets a provider stand-in on this machine use plain http', () => {
    expect(readConfig({ ...base, PRESSROOM_MASTODON_URL: 'http://127.0.0.1:8080' }).channelSettings.mastodonUrl).toBe('http://127.0.0.1:8080');
  });
});

describe('parseSecrets', () => {
  const required = {
    webhookSecret: 'whsec_abc',
    adminToken: 'admin',
    signingKeys: 'k1:c2VjcmV0',
    addressHashKey: Buffer.alloc(32, 7).toString('base64'),
  };

  it('reads every channel key, extra keys included', () => {
    expect(parseSecrets(JSON.stringify({ ...required, ...EVERY_SECRET })).channels).toEqual(EVERY_SECRET);
  });

  it('leaves out absent and empty channel keys, and keeps a placeholder for buildChannels to refuse', () => {
    const secrets = parseSecrets(JSON.stringify({ ...required, mastodonAccessToken: SECRET_PLACEHOLDER, xAccessToken: '', slackWebhookUrl: null }));
    expect(secrets.channels).toEqual({ mastodonAccessToken: SECRET_PLACEHOLDER });
    expect(parseSecrets(JSON.stringify(required)).channels).toEqual({});
  });

  it('refuses a channel key that is not a string, naming it', () => {
    const error = configError(() => parseSecrets(JSON.stringify({ ...required, blueskyAppPassword: 1234 })));
    expect(error.message).toContain('blueskyAppPassword');
    expect(configError(() => parseSecrets(JSON.stringify({ ...required, xApiKeySecret: { value: 'x' } }))).message).toContain('xApiKeySecret');
  });
});

describe('loadDevSecrets', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pressroom-dev-secrets-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reads each channel secret from its variable and never stores it', () => {
    const env = Object.fromEntries(CHANNEL_SECRET_LOCATIONS.map(({ key, env }) => [env, EVERY_SECRET[key]]));
    expect(env).toMatchObject({ PRESSROOM_X_API_KEY: 'x-api-key', PRESSROOM_X_ACCESS_TOKEN_SECRET: 'x-access-token-secret' });
    const secrets = loadDevSecrets(dataDir, env);
    expect(secrets.channels).toEqual(EVERY_SECRET);
    expect(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')).not.toContain('mastodon-token');
    expect(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')).not.toContain('x-api-key-secret');
  });

  it('leaves channels without a variable out', () => {
    expect(loadDevSecrets(dataDir, { PRESSROOM_X_ACCESS_TOKEN: 'x-token', PRESSROOM_SLACK_WEBHOOK_URL: '' }).channels).toEqual({ xAccessToken: 'x-token' });
  });
});
