import { describe, expect, it } from 'vitest';
import { allowedReturnUrl } from '../../functions/domain/subscriber/embedded-signup';

describe('allowedReturnUrl (the embedded form\'s thank-you page)', () => {
  const origins = ['https://www.example.org', 'http://localhost:8080'];

  it.each([
    ['https://www.example.org/thanks?from=news#top', 'https://www.example.org/thanks?from=news#top'],
    ['https://www.example.org', 'https://www.example.org/'],
    ['http://localhost:8080/ok', 'http://localhost:8080/ok'],
  ])('follows %s on a configured site', (value, expected) => {
    expect(allowedReturnUrl(value, origins)).toBe(expected);
  });

  it.each([
    'https://evil.example/thanks',
    'https://www.example.org.evil.example/',
    'https://www.example.org@evil.example/',
    'https://user:pass@www.example.org/',
    'http://www.example.org/thanks',
    'https://www.example.org:8443/',
    '//evil.example/',
    '/thanks',
    'javascript:alert(1)',
    `https://www.example.org/${'a'.repeat(2000)}`,
    '',
    undefined,
    ['https://www.example.org/'],
  ])('never follows %s', (value) => {
    expect(allowedReturnUrl(value, origins)).toBeUndefined();
  });

  it('follows nothing when no site is configured', () => {
    expect(allowedReturnUrl('https://www.example.org/', [])).toBeUndefined();
  });
});
