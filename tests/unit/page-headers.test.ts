import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { html, httpHandler, type HttpEvent, type HttpResult } from '../../functions/runtime/http';
import type { Services } from '../../functions/runtime/compose';

const context = {} as Context;
const event = (headers: Record<string, string> = {}) =>
  ({ headers, requestContext: { http: { method: 'GET' } }, rawPath: '/x' }) as unknown as HttpEvent;
const servedFrom = (publicUrl: string, route: () => HttpResult) =>
  httpHandler(async () => ({ brand: { organisationName: 'Example Org', publicUrl } }) as unknown as Services, async () => route());

describe('headers on every HTML answer', () => {
  it('forbids framing (CSP frame-ancestors and X-Frame-Options for old browsers), sniffing and referrers', () => {
    const { headers } = html(200, '<p>hi</p>');
    expect(headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
    });
  });

  it('keeps personal pages out of every cache, and lets public pages be cached', () => {
    expect(html(200, '').headers!['cache-control']).toBe('no-store');
    expect(html(200, '', { cache: 'public' }).headers!['cache-control']).toBe('public, max-age=300');
  });

  it('adds Strict-Transport-Security when served over https, by the request or the public URL', async () => {
    const hsts = (result: HttpResult) => result.headers?.['strict-transport-security'];
    const page = () => html(200, '<p>hi</p>');
    expect(hsts(await servedFrom('https://news.example.org', page)(event(), context))).toBe('max-age=31536000');
    expect(hsts(await servedFrom('http://localhost:3000', page)(event({ 'x-forwarded-proto': 'https' }), context))).toBe('max-age=31536000');
    expect(hsts(await servedFrom('http://localhost:3000', page)(event(), context))).toBeUndefined();
  });
});
