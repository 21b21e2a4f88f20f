import { describe, expect, it } from 'vitest';
import { listResolver, resolverOf, unknownListMessage } from '../../functions/domain/lists/list-resolver';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { importSubscribers } from '../../functions/domain/subscriber/import-subscribers';
import { csvSource, importCsv } from '../../functions/domain/subscriber/csv-import';
import { ValidationError } from '../../functions/domain/errors';
import { FakeClock, MemoryBlocklist, MemorySubscriberStore } from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';

const LISTS = [
  { id: 'press-releases', name: 'Press Releases' },
  { id: 'blog', name: 'Blog' },
  { id: 'events', name: 'Événements' },
];

describe('listResolver', () => {
  const lists = listResolver(LISTS);

  it('given ids and display names in any case and spacing, then each resolves to its id, once, in order', () => {
    expect(lists.resolve(['Press Releases', '  blog ', 'BLOG', 'press-releases', 'événements', 'Events'])).toEqual({
      ids: ['press-releases', 'blog', 'events'],
      unknown: [],
    });
  });

  it('given a near miss of a name or an id, then the closest list is named with its id and name', () => {
    const { ids, unknown } = lists.resolve(['Press Release', 'blogg', 'press releases!']);
    expect(ids).toEqual([]);
    expect(unknown.map((u) => unknownListMessage(u))).toEqual([
      'unknown list "Press Release"; did you mean "press-releases" (Press Releases)?',
      'unknown list "blogg"; did you mean "blog" (Blog)?',
      'unknown list "press releases!"; did you mean "press-releases" (Press Releases)?',
    ]);
  });

  it('given something close to no list, then no guess is offered', () => {
    expect(lists.resolve(['gardening']).unknown).toEqual([{ index: 0, typed: 'gardening' }]);
  });

  it('given a name two lists share, then neither is picked and both ids are named', () => {
    const shared = listResolver([{ id: 'news-en', name: 'News' }, { id: 'news-es', name: 'news' }, { id: 'blog', name: 'news-en' }]);
    expect(shared.resolve(['News']).unknown.map((u) => unknownListMessage(u))).toEqual(['unknown list "News"; "news-en" and "news-es" are both called that; use the id']);
    // An id always wins over another list's name.
    expect(shared.resolve(['news-en']).ids).toEqual(['news-en']);
  });

  it('given a plain set of ids, then ids resolve in any case and a typo names the id alone', () => {
    const ids = resolverOf(new Set(['blog', 'press-releases']));
    expect(ids.resolve(['Blog']).ids).toEqual(['blog']);
    expect(unknownListMessage(ids.resolve(['press-release']).unknown[0])).toBe('unknown list "press-release"; did you mean "press-releases"?');
  });

  it('given 200,000 unknown lists, then each is reported and only the first ones get a guess', () => {
    const { unknown } = lists.resolve(Array.from({ length: 200_000 }, () => 'blogs'));
    expect(unknown).toHaveLength(200_000);
    expect(unknown[0].hint).toBe('did you mean "blog" (Blog)?');
    expect(unknown.at(-1)!.hint).toBeUndefined();
  });
});

describe('where staff type lists', () => {
  const resolver = listResolver(LISTS);

  it('given a release naming lists by display name, then the parsed release names them by id', () => {
    expect(parseReleaseInput(releaseBody({ lists: ['Press Releases', 'blog', 'Blog'] }), { listIds: resolver }).lists).toEqual(['press-releases', 'blog']);
    const error = (() => {
      try {
        parseReleaseInput(releaseBody({ lists: ['blog', 'Press Release'] }), { listIds: resolver });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ field: 'lists.1', message: 'unknown list "Press Release"; did you mean "press-releases" (Press Releases)?' }]);
  });

  it('given subscribers imported into lists by display name, then they join the lists by id', async () => {
    const subscribers = new MemorySubscriberStore();
    const deps = { subscribers, blocklist: new MemoryBlocklist(), clock: new FakeClock(), listIds: resolver };
    const [imported] = await importSubscribers({ email: 'ada@example.org', lists: ['Press Releases', 'BLOG'] }, deps);
    expect(imported.lists).toEqual(['press-releases', 'blog']);
    await expect(importSubscribers({ email: 'b@example.org', lists: ['Blogs'] }, deps)).rejects.toMatchObject({
      issues: [{ field: 'lists.0', message: 'unknown list "Blogs"; did you mean "blog" (Blog)?' }],
    });
  });

  it('given a CSV whose list column holds display names, then rows join by id and a near miss names the id meant', async () => {
    const subscribers = new MemorySubscriberStore();
    const csv = ['email,lists', 'ada@example.org,Press Releases;blog', 'grace@example.org,Press Release'].join('\n');
    const report = await importCsv(csvSource(csv), { dryRun: false, consent: true }, { subscribers, blocklist: new MemoryBlocklist(), clock: new FakeClock(), listIds: resolver });
    expect(report.rows).toEqual([
      expect.objectContaining({ line: 2, outcome: 'added', lists: ['press-releases', 'blog'] }),
      expect.objectContaining({ line: 3, outcome: 'invalid', reason: 'unknown or archived list "Press Release"; did you mean "press-releases" (Press Releases)?' }),
    ]);
  });
});
