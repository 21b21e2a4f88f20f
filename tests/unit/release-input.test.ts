import { describe, expect, it } from 'vitest';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { newRelease } from '../../functions/domain/release/release';
import { SendStatus } from '../../functions/domain/release/send-status';
import { ValidationError } from '../../functions/domain/errors';
import { releaseBody, sampleRelease } from '../helpers/releases';

const lists = new Set(['blog', 'press-releases']);

function issuesOf(body: unknown) {
  try {
    parseReleaseInput(body, lists);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('release input', () => {
  it('accepts the real sample release', () => {
    const input = parseReleaseInput(sampleRelease(), lists);
    expect(input.lists).toEqual(['blog', 'press-releases']);
    const release = newRelease(input, new Date('2026-11-29T12:00:00Z'));
    expect(release.sendStatus).toBe(SendStatus.Queued);
    expect(release.language).toBe('en');
    expect(release.publishedAt).toBe('2026-11-29T12:00:00.000Z');
  });

  it('names every bad field at once', () => {
    const issues = issuesOf({ id: 'bad id!', title: '', url: 'ftp://x', lists: [] });
    expect(issues.map((i) => i.field).sort()).toEqual(['html', 'id', 'lists', 'title', 'url']);
  });

  it('rejects CR or LF in the title (header injection)', () => {
    for (const title of ['Hello\r\nBcc: victim@example.org', 'Line\nbreak', 'Carriage\rreturn']) {
      expect(issuesOf(releaseBody({ title }))).toEqual([{ field: 'title', message: 'must not contain line breaks' }]);
    }
  });

  it('names unknown lists by position', () => {
    expect(issuesOf(releaseBody({ lists: ['blog', 'nope'] }))).toEqual([{ field: 'lists.1', message: 'unknown list "nope"' }]);
  });

  it('wants html or markdown, not both and not neither', () => {
    expect(issuesOf(releaseBody({ html: undefined })).map((i) => i.field)).toEqual(['html']);
    expect(issuesOf(releaseBody({ markdown: '# hi' })).map((i) => i.field)).toEqual(['markdown']);
    expect(parseReleaseInput(releaseBody({ html: undefined, markdown: '# hi' }), lists).markdown).toBe('# hi');
  });

  it('refuses unknown fields, bad dates and bad language tags', () => {
    expect(issuesOf(releaseBody({ colour: 'red' }))[0].field).toBe('(body)');
    expect(issuesOf(releaseBody({ publishedAt: 'yesterday' }))[0].field).toBe('publishedAt');
    expect(issuesOf(releaseBody({ language: 'english please' }))[0].field).toBe('language');
    expect(issuesOf(['not', 'an', 'object'])[0].field).toBe('(body)');
  });

  it('de-duplicates lists', () => {
    expect(parseReleaseInput(releaseBody({ lists: ['blog', 'blog'] }), lists).lists).toEqual(['blog']);
  });

  // XML 1.0 has no way to write these: one stored in any field would break the RSS and Atom feeds.
  it.each([
    ['title', { title: 'Bell\u0007 ringer' }],
    ['summary', { summary: 'NUL\u0000 here' }],
    ['author', { author: 'Ada\u001b[31m' }],
    ['html', { html: '<p>form\u000cfeed</p>' }],
    ['tags.1', { tags: ['fine', 'not\uFFFE'] }],
    ['url', { url: 'https://example.org/a\u0001b' }],
    ['summary', { summary: 'lone \uD800 surrogate' }],
    ['title', { title: 'noncharacter \uFFFF' }],
    ['social.channels.0.text', { social: { channels: [{ channel: 'mastodon', text: 'bad\u0008' }] } }],
  ])('refuses a character XML cannot carry in %s, naming the field', (field, overrides) => {
    const issues = issuesOf(releaseBody(overrides));
    expect(issues).toContainEqual({ field, message: expect.stringMatching(/^must not contain the control character U\+[0-9A-F]{4}/) });
  });

  it('keeps tab, line feed, carriage return and astral characters where the field allows them', () => {
    const input = parseReleaseInput(releaseBody({ html: '<p>a\tb\r\nc 🎉</p>', summary: 'tab\there 🎉' }), lists);
    expect(input.summary).toBe('tab\there 🎉');
  });
});
