import { describe, expect, it } from 'vitest';
import { draftFieldsFrom } from '../../functions/adapters/http/console/compose-answers';
import { checkDraftFields, publishBodyOf } from '../../functions/domain/draft/draft';
import { ValidationError } from '../../functions/domain/errors';

describe('the compose form', () => {
  const form = (fields: [string, string][]) => new URLSearchParams(fields);

  it('reads every field, the embargo as UTC, tags split on commas, and one social entry per configured channel', () => {
    const fields = draftFieldsFrom(
      form([
        ['title', '  Spring update '],
        ['format', 'html'],
        ['body', '<p>Hi</p>'],
        ['summary', ' Short. '],
        ['lists', 'blog'],
        ['lists', 'press'],
        ['lists', 'blog'],
        ['tags', 'product, , news ,'],
        ['language', 'es-MX'],
        ['embargo', '2026-12-08T09:30'],
        ['social', 'mastodon'],
        ['social-text-mastodon', '  Our words '],
        ['social-text-x', '   '],
      ]),
      ['mastodon', 'x'],
    );
    expect(fields).toEqual({
      title: 'Spring update',
      format: 'html',
      body: '<p>Hi</p>',
      summary: 'Short.',
      lists: ['blog', 'press'],
      tags: ['product', 'news'],
      language: 'es-MX',
      embargoUntil: '2026-12-08T09:30:00.000Z',
      social: [
        { channel: 'mastodon', enabled: true, text: 'Our words' },
        { channel: 'x', enabled: false },
      ],
    });
  });

  it('defaults the format to Markdown and the language to en, and leaves an empty embargo out', () => {
    const fields = draftFieldsFrom(form([['title', 'T'], ['format', 'rtf'], ['embargo', '']]), []);
    expect(fields).toMatchObject({ format: 'markdown', language: 'en', social: [] });
    expect(fields).not.toHaveProperty('embargoUntil');
  });

  it('keeps an embargo that is not a time as typed, so the draft check names the field', () => {
    const fields = draftFieldsFrom(form([['title', 'T'], ['embargo', 'next tuesday']]), []);
    expect(fields.embargoUntil).toBe('next tuesday');
    const error = (() => {
      try {
        checkDraftFields(fields);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ field: 'embargoUntil', message: 'must be a date and time' }]);
  });

  it('makes the webhook’s publish body: the body under its format, the release’s own URL, only the channels left on', () => {
    const fields = draftFieldsFrom(
      form([['title', 'T'], ['format', 'markdown'], ['body', '# T'], ['lists', 'blog'], ['social', 'x'], ['social-text-x', 'Own']]),
      ['mastodon', 'x'],
    );
    expect(publishBodyOf({ id: 't-1', fields }, 'https://news.example.org/')).toEqual({
      id: 't-1',
      title: 'T',
      url: 'https://news.example.org/releases/t-1',
      markdown: '# T',
      lists: ['blog'],
      tags: [],
      language: 'en',
      social: { channels: [{ channel: 'x', text: 'Own' }] },
    });
  });

  it('reads numbered translation slots, ignores an empty one, and publishes each in the body’s format', () => {
    const form = new URLSearchParams([
      ['title', 'Park'], ['format', 'markdown'], ['body', 'The park.'], ['lists', 'blog'], ['language', 'en'],
      ['translation-language-0', 'es'], ['translation-title-0', ' Parque '], ['translation-summary-0', ''], ['translation-body-0', 'El parque.'],
      ['translation-language-1', ''], ['translation-title-1', ''], ['translation-summary-1', ''], ['translation-body-1', ''],
    ]);
    const fields = draftFieldsFrom(form, []);
    expect(fields.translations).toEqual([{ language: 'es', title: 'Parque', body: 'El parque.' }]);
    expect(publishBodyOf({ id: 'park', fields }, 'https://news.example.org').translations).toEqual([{ language: 'es', title: 'Parque', markdown: 'El parque.' }]);
    expect(draftFieldsFrom(new URLSearchParams('title=x&translation-language-0=&translation-title-0='), []).translations).toBeUndefined();
    expect(() => checkDraftFields({ ...fields, translations: [{ language: 'es', title: 'x', body: 'y'.repeat(300_000) }] })).toThrow(ValidationError);
  });
});
