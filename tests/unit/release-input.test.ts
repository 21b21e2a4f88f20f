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

  describe('dates within sane bounds', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    const dateIssues = (overrides: Record<string, unknown>) => {
      try {
        parseReleaseInput(releaseBody(overrides), { listIds: lists, now });
      } catch (error) {
        if (error instanceof ValidationError) return error.issues;
        throw error;
      }
      return [];
    };

    it('refuses a publishedAt far in the future (it would top every feed for ever) or before 1990', () => {
      expect(dateIssues({ publishedAt: '9999-12-31T23:59:59Z' })).toEqual([{ field: 'publishedAt', message: 'must not be more than a day in the future' }]);
      expect(dateIssues({ publishedAt: '2026-12-08T12:00:01Z' })).toEqual([{ field: 'publishedAt', message: 'must not be more than a day in the future' }]);
      expect(dateIssues({ publishedAt: '1989-12-31T23:59:59Z' })).toEqual([{ field: 'publishedAt', message: 'must not be before 1990' }]);
    });

    it('refuses an embargo or a social post more than a year ahead', () => {
      expect(dateIssues({ embargoUntil: '2027-12-07T12:00:01Z' })).toEqual([{ field: 'embargoUntil', message: 'must not be more than a year ahead' }]);
      expect(dateIssues({ social: { at: '3000-01-01T00:00:00Z' } })).toEqual([{ field: 'social.at', message: 'must not be more than a year ahead' }]);
    });

    it('accepts dates inside the bounds, back-dated releases included', () => {
      for (const overrides of [
        { publishedAt: '2026-12-08T12:00:00Z', embargoUntil: '2027-12-07T12:00:00Z' },
        { publishedAt: '1990-01-01T00:00:00Z' },
        { publishedAt: '2017-03-20T15:00:00+02:00', embargoUntil: '2001-01-01T00:00:00Z' },
      ]) {
        expect(dateIssues(overrides)).toEqual([]);
      }
    });
  });
});

