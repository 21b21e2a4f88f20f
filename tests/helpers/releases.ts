import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The real sample release staff send (examples/), as the webhook body. */
export function sampleRelease(): Record<string, unknown> {
  return JSON.parse(readFileSync(resolve(import.meta.dirname, '../../examples/ice-retaliation.json'), 'utf8'));
}

/** A small valid release body; override any field. */
export function releaseBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'spring-update',
    title: 'Spring update',
    url: 'https://example.org/blog/spring-update',
    html: '<p>Hello <strong>readers</strong>.</p>',
    lists: ['blog'],
    ...overrides,
  };
}
