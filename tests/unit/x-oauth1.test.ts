import { describe, expect, it } from 'vitest';
import { oauth1Authorization, XChannel, type XOAuth1Credentials } from '../../functions/adapters/social/x';

/*
 * X's worked example from "Creating a signature"
 * (https://docs.x.com/fundamentals/authentication/oauth-1-0a/creating-a-signature; page source
 * xdevplatform/docs fundamentals/authentication/oauth-1-0a/creating-a-signature.mdx): a form-encoded
 * POST to https://api.x.com/1.1/statuses/update.json?include_entities=true. Every value below is
 * copied from that page; the tokens are ones X marked invalid for real requests.
 */
const DOCS = {
  credentials: {
    consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
    consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
    accessToken: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
    accessTokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  } satisfies XOAuth1Credentials,
  request: {
    method: 'POST',
    url: 'https://api.x.com/1.1/statuses/update.json?include_entities=true',
    form: { status: 'Hello Ladies + Gentlemen, a signed OAuth request!' },
  },
  nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
  timestamp: 1318622958,
  // The page gives the HMAC output as 2E CF 77 84 98 99 6D 0D DA 90 5D C7 17 7C 75 07 3F 3F CD 4E, and this as its base64.
  signature: 'Ls93hJiZbQ3akF3HF3x1Bz8/zU4=',
};

/** The header's fields, decoded (RFC 5849 §3.5.1: `name="value"` pairs, percent-encoded, comma-separated). */
function fieldsOf(header: string): Record<string, string> {
  expect(header).toMatch(/^OAuth /);
  return Object.fromEntries(
    header
      .slice('OAuth '.length)
      .split(',')
      .map((pair) => {
        const match = /^\s*([\w%]+)="([^"]*)"$/.exec(pair);
        expect(match, `header field ${pair}`).not.toBeNull();
        return [decodeURIComponent(match![1]), decodeURIComponent(match![2])];
      }),
  );
}

describe('oauth1Authorization', () => {
  it('reproduces the signature of X’s documented example', () => {
    const header = oauth1Authorization(DOCS.request, DOCS.credentials, { nonce: DOCS.nonce, timestamp: DOCS.timestamp });

    expect(fieldsOf(header)).toEqual({
      oauth_consumer_key: 'xvz1evFS4wEEPTGEFPHBog',
      oauth_nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
      oauth_signature: DOCS.signature,
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '1318622958',
      oauth_token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
      oauth_version: '1.0',
    });
    // The signature's `/` and `=` travel percent-encoded, as in X's "Authorizing a request" page.
    expect(header).toContain('oauth_signature="Ls93hJiZbQ3akF3HF3x1Bz8%2FzU4%3D"');
  });

  it.each([
    ['the body parameter', { ...DOCS.request, form: { status: 'Hello Ladies + Gentlemen, a signed OAuth request?' } }, DOCS.credentials],
    ['the query', { ...DOCS.request, url: DOCS.request.url.replace('true', 'false') }, DOCS.credentials],
    ['the method', { ...DOCS.request, method: 'PUT' }, DOCS.credentials],
    ['the consumer secret', DOCS.request, { ...DOCS.credentials, consumerSecret: `${DOCS.credentials.consumerSecret}x` }],
    ['the token secret', DOCS.request, { ...DOCS.credentials, accessTokenSecret: `${DOCS.credentials.accessTokenSecret}x` }],
  ])('signs %s: changing it changes the signature', (_, request, credentials) => {
    const header = oauth1Authorization(request, credentials, { nonce: DOCS.nonce, timestamp: DOCS.timestamp });
    expect(fieldsOf(header).oauth_signature).not.toBe(DOCS.signature);
  });

  it('leaves the caller’s request untouched, so signing twice gives the same header', () => {
    const request = { ...DOCS.request, form: { ...DOCS.request.form } };
    const first = oauth1Authorization(request, DOCS.credentials, { nonce: DOCS.nonce, timestamp: DOCS.timestamp });
    expect(request.form).toEqual(DOCS.request.form);
    expect(oauth1Authorization(request, DOCS.credentials, { nonce: DOCS.nonce, timestamp: DOCS.timestamp })).toBe(first);
  });
});

describe('XChannel sign-in options', () => {
  it.each([
    ['neither', {}],
    ['both', { accessToken: 'x-token', oauth1: DOCS.credentials }],
  ])('refuses %s of accessToken and oauth1', (_, options) => {
    expect(() => new XChannel(options)).toThrow(/exactly one of accessToken .* and oauth1/);
  });

  it('refuses OAuth 1.0a credentials with a part missing, naming it', () => {
    expect(() => new XChannel({ oauth1: { ...DOCS.credentials, accessTokenSecret: '' } })).toThrow(/oauth1 lacks accessTokenSecret/);
  });

  it('takes either way of signing in alone', () => {
    expect(new XChannel({ oauth1: DOCS.credentials }).name).toBe('x');
    expect(new XChannel({ accessToken: 'x-token' }).name).toBe('x');
  });
});
