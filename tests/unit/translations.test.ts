import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseBodyFromFile } from '../../functions/cli/publish-release';
import { beforeEach, describe, expect, it } from 'vitest';
import { listIn, parseListChanges } from '../../functions/domain/lists/mailing-list';
import { parseKeyring } from '../../functions/domain/security/link-tokens';
import { readPreferences, signPreferencesToken } from '../../functions/domain/subscriber/preferences';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { releaseIn, translationFor } from '../../functions/domain/release/translations';
import { publishRelease, type PublishReleaseDeps } from '../../functions/domain/release/publish-release';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';
import { ValidationError } from '../../functions/domain/errors';
import type { FanOutJob } from '../../functions/domain/delivery/ports';
import type { Release } from '../../functions/domain/release/release';
import { FakeClock, MemoryListStore, MemoryQueue, MemoryReleaseStore, MemorySocialPostStore, MemorySubscriberStore } from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';

const lists = new Set(['blog', 'press-releases']);
const spanish = { language: 'es', title: 'Actualización de primavera', markdown: 'Hoy **publicamos** la actualización.' };

function issuesOf(body: unknown) {
  try {
    parseReleaseInput(body, lists);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('translations: validation', () => {
  it('accepts a translation given like the body', () => {
    const input = parseReleaseInput(releaseBody({ translations: [spanish] }), lists);
    expect(input.translations).toEqual([spanish]);
  });

  it('names each bad translation field: tag, title, body, duplicates and the own language', () => {
    const issues = issuesOf(
      releaseBody({
        translations: [
          { language: 'spanish!', title: 'x', html: '<p>x</p>' },
          { language: 'es', title: 'Uno\r\nDos', html: '<p>x</p>' },
          { language: 'fr', title: 'Bonjour' },
          { language: 'de', title: 'Hallo', html: '<p>x</p>', markdown: 'x' },
        ],
      }),
    ).map((i) => i.field);
    expect(issues).toEqual(expect.arrayContaining(['translations.0.language', 'translations.1.title', 'translations.2.html', 'translations.3.markdown']));
  });

  it('refuses a translation into the release’s own language, and two of one language', () => {
    const issues = issuesOf(
      releaseBody({
        language: 'en',
        translations: [
          { language: 'EN', title: 'Again', html: '<p>x</p>' },
          { language: 'es', title: 'Uno', html: '<p>x</p>' },
          { language: 'ES', title: 'Dos', html: '<p>x</p>' },
        ],
      }),
    );
    expect(issues).toEqual([
      { field: 'translations.0.language', message: '"EN" is the release\'s own language' },
      { field: 'translations.2.language', message: '"ES" is translated twice' },
    ]);
  });
});

describe('translations: which version a reader gets', () => {
  const release = { language: 'en', translations: [{ language: 'es', title: 'Hola' }, { language: 'pt-BR', title: 'Olá' }] };

  it.each([
    ['es', 'es'],
    ['es-MX', 'es'],
    ['ES', 'es'],
    ['pt', 'pt-BR'],
    ['pt-BR', 'pt-BR'],
    ['en', undefined],
    ['en-GB', undefined],
    ['fr', undefined],
    [undefined, undefined],
  ])('a reader of %s gets %s', (reader, expected) => {
    expect(translationFor(release, reader)?.language).toBe(expected);
  });

  it('the translated release keeps the original’s id, url and lists but takes the translation’s words and language', () => {
    const base = { id: 'r', url: 'https://example.org/r', lists: ['blog'], title: 'Hello', summary: 'Own', body: '<p>Hello</p>', language: 'en', translations: [{ language: 'es', title: 'Hola', body: '<p>Hola</p>' }] } as unknown as Release;
    const version = releaseIn(base, 'es-MX');
    expect(version).toMatchObject({ id: 'r', url: 'https://example.org/r', lists: ['blog'], title: 'Hola', body: '<p>Hola</p>', language: 'es' });
    expect(version.summary).toBeUndefined();
    expect(releaseIn(base, 'fr')).toBe(base);
  });
});

describe('translations: publishing', () => {
  let deps: PublishReleaseDeps & { releases: MemoryReleaseStore };
  beforeEach(() => {
    deps = {
      releases: new MemoryReleaseStore(),
      socialPosts: new MemorySocialPostStore(),
      fanOutQueue: new MemoryQueue<FanOutJob>(),
      clock: new FakeClock(),
      listIds: lists,
      channels: new Map(),
      renderer: {
        async render(release) {
          const link = `<a href="${RecipientPlaceholder.UnsubscribeUrl}">x</a>`;
          return { subject: `${release.language}: ${release.title}`, html: `<html lang="${release.language}"><body>${release.body}${link}</body></html>`, text: `${release.title}\n${RecipientPlaceholder.UnsubscribeUrl}` };
        },
      },
    };
  });

  it('sanitises each translation once, stores no raw form, and renders each version in its language', async () => {
    await publishRelease({ body: releaseBody({ translations: [{ ...spanish, markdown: 'Hola <script>x()</script>**mundo**' }] }) }, deps);
    const stored = deps.releases.releases.get('spring-update')!;
    expect(stored.translations).toEqual([{ language: 'es', title: spanish.title, body: '<p>Hola <strong>mundo</strong></p>\n' }]);
    expect(deps.releases.rendered.get('spring-update')?.subject).toBe('en: Spring update');
    expect(deps.releases.rendered.get('spring-update#es')?.subject).toBe(`es: ${spanish.title}`);
  });

  it('bounds the body and its translations together', async () => {
    const big = 'x'.repeat(200_000);
    // An email that leaves the body out: the size bound is what is under test, not preflight's.
    deps.renderer = { render: async (r) => ({ subject: r.title, html: `<html lang="${r.language}"><body><a href="${RecipientPlaceholder.UnsubscribeUrl}">x</a></body></html>`, text: RecipientPlaceholder.UnsubscribeUrl }) };
    const error = await publishRelease({ body: releaseBody({ html: `<p>${big}</p>`, translations: [{ language: 'es', title: 'T', html: `<p>${big}</p>` }] }) }, deps).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]).toMatchObject({ field: 'translations', message: expect.stringMatching(/body and its translations are 401 KB.*at most 350 KB together/) });
    expect(deps.releases.releases.size).toBe(0);
  });

  it('a correction replaces the set of translations and re-renders each at the new revision', async () => {
    await publishRelease({ body: releaseBody({ translations: [spanish] }) }, deps);
    const result = await publishRelease({ body: releaseBody({ translations: [{ ...spanish, title: 'Corregido' }] }) }, deps);
    expect(result).toMatchObject({ updated: true, revision: 2 });
    expect(deps.releases.releases.get('spring-update')?.correctedFields).toEqual(['translations']);
    expect(deps.releases.rendered.get('spring-update#es')).toMatchObject({ subject: 'es: Corregido', revision: 2 });
    // The same body again is a duplicate, not a third revision.
    expect(await publishRelease({ body: releaseBody({ translations: [{ ...spanish, title: 'Corregido' }] }) }, deps)).toMatchObject({ updated: false, revision: 2 });
    // A body without translations (a CMS that knows none) keeps them, and says so when the original changed.
    const kept = await publishRelease({ body: releaseBody({ title: 'Spring update, corrected' }) }, deps);
    expect(kept).toMatchObject({ updated: true, revision: 3 });
    expect(kept.warnings.map((w) => w.code)).toContain('correction-translations-kept');
    expect(deps.releases.releases.get('spring-update')?.translations?.map((t) => t.title)).toEqual(['Corregido']);
    const dropped = await publishRelease({ body: releaseBody({ title: 'Spring update, corrected', translations: [] }) }, deps);
    expect(dropped).toMatchObject({ updated: true, revision: 4 });
    expect(deps.releases.releases.get('spring-update')?.translations).toBeUndefined();
  });
});

describe('lists named per language', () => {
  it('listIn takes the exact tag, else the primary subtag, else the own name', () => {
    const list = { name: 'Press Releases', description: 'Statements', names: { es: 'Comunicados de prensa', 'pt-br': 'Comunicados' }, descriptions: { es: 'Declaraciones' } };
    expect(listIn(list, 'es-MX')).toMatchObject({ name: 'Comunicados de prensa', description: 'Declaraciones' });
    expect(listIn(list, 'pt-BR')).toMatchObject({ name: 'Comunicados', description: 'Statements' });
    expect(listIn(list, 'fr')).toMatchObject({ name: 'Press Releases', description: 'Statements' });
    expect(listIn(list, undefined)).toBe(list);
  });

  it('the preference centre names the lists in the subscriber’s language', async () => {
    const subscribers = new MemorySubscriberStore();
    const lists = new MemoryListStore([{ id: 'press-releases', name: 'Press Releases', names: { es: 'Comunicados de prensa' } }]);
    const deps = { subscribers, lists, clock: new FakeClock(), keyring: parseKeyring(`k1:${randomBytes(32).toString('base64')}`) };
    const { subscriber } = await subscribers.addConfirmed('lector@example.com', ['press-releases'], deps.clock.now(), 'es');
    const view = await readPreferences(signPreferencesToken(subscriber.id, deps.keyring), deps);
    expect(view.lists.map((l) => l.name)).toEqual(['Comunicados de prensa']);
  });

  it('list input takes names by language tag, stored lower-case, and refuses a bad tag', () => {
    expect(parseListChanges({ names: { ES: 'Comunicados' } })).toEqual({ names: { es: 'Comunicados' } });
    expect(() => parseListChanges({ names: { 'no tag': 'x' } })).toThrow(ValidationError);
    expect(() => parseListChanges({ names: { es: 'a\nb' } })).toThrow(ValidationError);
  });
});

describe('the CLI reads translations named in Markdown front matter', () => {
  it('follows each path relative to the release file, taking language, title and summary from its front matter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'translations-'));
    try {
      writeFileSync(join(dir, 'release.md'), '---\nid: park\ntitle: New park\nurl: https://example.org/park\nlists: [blog]\ntranslations:\n  - park.es.md\n---\nThe park opens.\n');
      // Naming the release back must not loop: a translation's own translations are not followed.
      writeFileSync(join(dir, 'park.es.md'), '---\nlanguage: es\ntitle: Nuevo parque\nsummary: Abre el sábado.\nlists: [ignored]\ntranslations: [release.md]\n---\nEl parque abre.\n');
      const body = releaseBodyFromFile(join(dir, 'release.md'));
      expect(body.translations).toEqual([{ language: 'es', title: 'Nuevo parque', summary: 'Abre el sábado.', markdown: 'El parque abre.\n' }]);
      expect(() => parseReleaseInput(body, lists)).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
