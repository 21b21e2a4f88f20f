import { describe, expect, it } from 'vitest';
import { readPageMetadata } from '../../functions/adapters/feeds/page-metadata';
import { CliError } from '../../functions/cli/cli-error';
import { refusalLine } from '../../functions/cli/publish-release';
import { releaseIdFromUrl } from '../../functions/cli/release-from-url';

describe('releaseIdFromUrl', () => {
  it.each([
    ['https://example.org/2026/12/spring-update/', 'spring-update'],
    ['https://example.org/news/A%C3%B1o%20Nuevo', 'ano-nuevo'],
    ['https://example.org/press/statement.html?utm_source=x', 'statement'],
    ['https://example.org/p/_draft__copy_', 'draft__copy'],
    [`https://example.org/${'a'.repeat(200)}`, 'a'.repeat(128)],
  ])('given %s, then the id is %s', (url, id) => {
    expect(releaseIdFromUrl(url)).toBe(id);
  });

  it('given a URL with no path segment (WordPress ?p=123), then staff are asked for --id', () => {
    expect(() => releaseIdFromUrl('https://example.org/?p=123')).toThrow(CliError);
    expect(() => releaseIdFromUrl('https://example.org/%E2%9C%93/')).toThrow(/--id/);
  });
});

describe('readPageMetadata', () => {
  it('given a canonical link and Open Graph tags, then each is read, the canonical made absolute', () => {
    const html = `<html lang="es-MX"><head><title>Hola – Sitio</title>
      <link rel="canonical" href="/2026/hola/"><meta property="og:url" content="https://other.example/x">
      <meta property="og:title" content=" Hola "><meta property="og:description" content="Resumen">
      <meta property="article:published_time" content="2026-12-01T09:00:00+01:00"></head><body></body></html>`;
    expect(readPageMetadata(html, 'https://example.org/?p=5')).toEqual({
      canonicalUrl: 'https://example.org/2026/hola/',
      title: 'Hola',
      description: 'Resumen',
      publishedTime: '2026-12-01T09:00:00+01:00',
      language: 'es-MX',
    });
  });

  it('given no canonical link, then og:url stands in; given nothing, nothing is invented', () => {
    expect(readPageMetadata('<html><head><meta property="og:url" content="https://example.org/a"></head></html>', 'https://example.org/b')).toEqual({
      canonicalUrl: 'https://example.org/a',
    });
    expect(readPageMetadata('<html><body><p>x</p></body></html>', 'https://example.org/b')).toEqual({});
  });
});

describe('refusalLine', () => {
  it('given a 400 with issues and a 422 with findings, then one line carries the message and each problem', () => {
    expect(refusalLine(400, { message: 'Invalid request', issues: [{ field: 'lists.0', message: 'unknown list "x"' }], moreIssues: 3 })).toBe(
      'Pressroom answered 400: Invalid request: lists.0: unknown list "x"; and 3 more',
    );
    const findings = [
      { severity: 'blocking', message: 'no unsubscribe link' },
      { severity: 'warning', message: 'long subject' },
    ];
    expect(refusalLine(422, { message: 'The release has\nblocking problems', findings })).toBe(
      'Pressroom answered 422: The release has blocking problems: no unsubscribe link',
    );
    expect(refusalLine(502, undefined)).toBe('Pressroom answered 502: no explanation given');
  });
});
