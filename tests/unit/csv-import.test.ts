import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeEach, describe, expect, it } from 'vitest';
import { csvSource, importCsv, type CsvImportDeps } from '../../functions/domain/subscriber/csv-import';
import { ValidationError } from '../../functions/domain/errors';
import type { Subscriber } from '../../functions/domain/subscriber/subscriber';
import type { SubscriberStore } from '../../functions/domain/subscriber/ports';
import { FakeClock, MemoryBlocklist, MemorySubscriberStore } from '../helpers/fakes';

const FILE = [
  'email,lists,language,name',
  'ada@example.org,blog,en,Ada',
  'grace@example.org,blog;events,,Grace',
  'not an address,blog,,Nobody',
  'linus@example.org,gardening,,Linus',
  'ken@example.org,,,Ken',
  'bad-lang@example.org,blog,english please,X',
  '"quoted, comma"@example.org,blog,,Q',
  'margaret@example.org,events|blog,de-CH,Margaret',
].join('\n');

describe('CSV import', () => {
  let subscribers: MemorySubscriberStore;
  let blocklist: MemoryBlocklist;
  let confirmations: { email: string; lists: string[] }[];
  let deps: CsvImportDeps;

  beforeEach(() => {
    subscribers = new MemorySubscriberStore();
    blocklist = new MemoryBlocklist();
    confirmations = [];
    deps = {
      subscribers, blocklist, clock: new FakeClock(), listIds: new Set(['blog', 'events']),
      requestConfirmation: async (subscriber: Subscriber, lists: string[]) => {
        confirmations.push({ email: subscriber.email, lists });
        return 'sent';
      },
    };
  });

  it('reports each bad row with its reason and imports the rest', async () => {
    const report = await importCsv(csvSource(FILE), { dryRun: false, consent: true }, deps);
    expect(report.summary).toEqual({ added: 3, updated: 0, unchanged: 0, skippedSuppressed: 0, skippedNotConfirmed: 0, invalid: 5, pendingConfirmation: 0 });
    expect(report.ignoredColumns).toEqual(['name']);
    expect(report.rows.filter((r) => r.outcome === 'invalid')).toEqual([
      { line: 4, email: 'not an address', outcome: 'invalid', reason: '"not an address" is not a valid email address' },
      { line: 5, email: 'linus@example.org', outcome: 'invalid', reason: 'unknown or archived list "gardening"' },
      { line: 6, email: 'ken@example.org', outcome: 'invalid', reason: 'no lists given' },
      { line: 7, email: 'bad-lang@example.org', outcome: 'invalid', reason: '"english please" is not a language tag (e.g. en, de-CH)' },
      { line: 8, email: '"quoted, comma"@example.org', outcome: 'invalid', reason: '""quoted, comma"@example.org" is not a valid email address' },
    ]);
    expect(report.rows.filter((r) => r.outcome === 'added').map((r) => [r.line, r.email, r.lists])).toEqual([
      [2, 'ada@example.org', ['blog']],
      [3, 'grace@example.org', ['blog', 'events']],
      [9, 'margaret@example.org', ['events', 'blog']],
    ]);
    const margaret = await subscribers.findByEmail('margaret@example.org');
    expect(margaret).toMatchObject({ language: 'de-CH', memberships: [{ listId: 'events', status: 'confirmed' }, { listId: 'blog', status: 'confirmed' }] });
    expect(subscribers.subscribers.size).toBe(3);
  });

  describe('bytes that are not UTF-8 (issue 13)', () => {
    const latin1 = (text: string) => Buffer.from(text, 'latin1');
    const bytes = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));

    it('make their row invalid, "not UTF-8 text", whichever column holds them; nothing with U+FFFD is stored', async () => {
      const body = bytes(
        'email,lists,name\n',
        'ada@example.org,blog,Ada\n',
        latin1('jos\u00e9@example.org,blog,Jos\u00e9\n'), // an address saved as Latin-1
        latin1('zoe@example.org,blog,Zo\u00eb\n'), // a valid address, a Latin-1 name beside it
        bytes('cut@example.org,blog,', Buffer.from([0xe2, 0x82]), '\n'), // a multi-byte character cut short
        'grace@example.org,blog,Gr\u00e2ce\n', // UTF-8 text outside ASCII is fine
      );
      const report = await importCsv(csvSource(body), { dryRun: false, consent: true }, deps);
      expect(report.rows.filter((r) => r.outcome === 'invalid').map((r) => [r.line, r.reason])).toEqual([
        [3, expect.stringContaining('not UTF-8 text')],
        [4, expect.stringContaining('not UTF-8 text')],
        [5, expect.stringContaining('not UTF-8 text')],
      ]);
      expect([...subscribers.subscribers.values()].map((s) => s.email).sort()).toEqual(['ada@example.org', 'grace@example.org']);
    });

    it('a UTF-8 character split across two 64 KiB chunks is read whole, not taken for bad bytes', async () => {
      const head = 'email,lists,name\n';
      const row = 'ada@example.org,blog,';
      // Pad so the 3-byte "€" starts one byte before the first chunk ends.
      const pad = 'x'.repeat(64 * 1024 - 1 - Buffer.byteLength(head) - Buffer.byteLength(row));
      const body = bytes(head, row, pad, '\u20ac\n', 'grace@example.org,blog,\u20ac\n');
      expect(body.subarray(64 * 1024 - 1, 64 * 1024 + 2)).toEqual(Buffer.from('\u20ac'));
      const report = await importCsv(csvSource(body), { dryRun: false, consent: true }, deps);
      expect(report.summary).toMatchObject({ added: 2, invalid: 0 });
    });
  });

  it('a dry run reports the same and writes nothing', async () => {
    const dry = await importCsv(csvSource(FILE), { dryRun: true, consent: true }, deps);
    expect(subscribers.subscribers.size).toBe(0);
    const real = await importCsv(csvSource(FILE), { dryRun: false, consent: true }, deps);
    expect({ ...dry, dryRun: false }).toEqual(real);
  });

  it('re-importing the same file changes nothing', async () => {
    await importCsv(csvSource(FILE), { dryRun: false, consent: true }, deps);
    const before = structuredClone([...subscribers.subscribers.values()]);
    deps.clock = new FakeClock(new Date('2026-12-01T00:00:00Z'));
    const again = await importCsv(csvSource(FILE), { dryRun: false, consent: true }, deps);
    expect(again.summary).toMatchObject({ added: 0, updated: 0, unchanged: 3, invalid: 5 });
    expect([...subscribers.subscribers.values()]).toEqual(before);
  });

  it('adds only the new lists of an existing subscriber, and never re-subscribes a list they left', async () => {
    const { subscriber } = await subscribers.addConfirmed('grace@example.org', ['blog'], deps.clock.now());
    await importCsv(csvSource('email,lists\nada@example.org,blog'), { dryRun: false, consent: true }, deps);
    await subscribers.unsubscribe((await subscribers.findByEmail('ada@example.org'))!.id, 'blog', deps.clock.now());
    const report = await importCsv(csvSource('email,lists\ngrace@example.org,blog;events\nada@example.org,blog'), { dryRun: false, consent: true }, deps);
    expect(report.rows).toEqual([
      { line: 2, email: 'grace@example.org', outcome: 'updated', lists: ['events'] },
      { line: 3, email: 'ada@example.org', outcome: 'unchanged', reason: 'left "blog" earlier; an import does not re-subscribe' },
    ]);
    expect((await subscribers.get(subscriber.id))!.memberships.map((m) => m.listId)).toEqual(['blog', 'events']);
  });

  it('skips suppressed subscribers and blocklisted (erased) addresses', async () => {
    const { subscriber } = await subscribers.addConfirmed('bounced@example.org', ['events'], deps.clock.now());
    await subscribers.suppress(subscriber.id, 'permanent-bounce', deps.clock.now());
    await blocklist.block('Erased@Example.org');
    const report = await importCsv(csvSource('email,lists\nbounced@example.org,blog\nerased@example.org,blog'), { dryRun: false, consent: true }, deps);
    expect(report.rows).toEqual([
      { line: 2, email: 'bounced@example.org', outcome: 'skipped-suppressed', reason: 'address is suppressed (permanent-bounce)' },
      { line: 3, email: 'erased@example.org', outcome: 'skipped-suppressed', reason: 'address was erased while suppressed' },
    ]);
    expect(await subscribers.findByEmail('erased@example.org')).toBeUndefined();
    expect((await subscribers.get(subscriber.id))!.memberships.map((m) => m.listId)).toEqual(['events']);
  });

  it('without consent, imports as pending and asks each address to confirm, once', async () => {
    const file = 'email,lists,language\nada@example.org,blog;events,fr\ngrace@example.org,blog,';
    const report = await importCsv(csvSource(file), { dryRun: false, consent: false }, deps);
    expect(report.summary).toMatchObject({ pendingConfirmation: 2, added: 0 });
    expect(confirmations).toEqual([
      { email: 'ada@example.org', lists: ['blog', 'events'] },
      { email: 'grace@example.org', lists: ['blog'] },
    ]);
    expect(await subscribers.findByEmail('ada@example.org')).toMatchObject({
      language: 'fr', memberships: [{ listId: 'blog', status: 'pending' }, { listId: 'events', status: 'pending' }],
    });
    const again = await importCsv(csvSource(file), { dryRun: false, consent: false }, deps);
    expect(again.summary).toMatchObject({ unchanged: 2, pendingConfirmation: 0 });
    expect(confirmations).toHaveLength(2);
  });

  it('a dry run without consent sends nothing', async () => {
    const report = await importCsv(csvSource('email,lists\nada@example.org,blog'), { dryRun: true, consent: false }, deps);
    expect(report.summary.pendingConfirmation).toBe(1);
    expect(confirmations).toEqual([]);
    expect(subscribers.subscribers.size).toBe(0);
  });

  it('applies a repeated address in file order, ending on the union of its lists', async () => {
    const report = await importCsv(csvSource('email,lists\nada@example.org,blog\nADA@example.org,events\nada@example.org,blog'), { dryRun: false, consent: true }, deps);
    expect(report.rows.map((r) => r.outcome)).toEqual(['added', 'updated', 'unchanged']);
    expect(subscribers.subscribers.size).toBe(1);
  });

  it('strips the quote the export puts before a formula-like cell', async () => {
    await importCsv(csvSource("email,lists\n'-dash@example.org,blog"), { dryRun: false, consent: true }, deps);
    expect(await subscribers.findByEmail('-dash@example.org')).toBeDefined();
  });

  it('refuses a header without email or lists, and an empty file', async () => {
    const noLists = await importCsv(csvSource('email,name\na@example.org,A'), { dryRun: true, consent: true }, deps).catch((e: unknown) => e);
    expect((noLists as ValidationError).issues).toEqual([
      { field: '(header)', message: 'the first row must name the columns email and lists (missing: lists)' },
    ]);
    await expect(importCsv(csvSource(''), { dryRun: true, consent: true }, deps)).rejects.toBeInstanceOf(ValidationError);
  });

  it('stops at a broken quote, saying where, and keeps the rows before it', async () => {
    const report = await importCsv(csvSource('email,lists\nada@example.org,blog\n"grace@example.org,blog\n'), { dryRun: false, consent: true }, deps);
    expect(report.summary.added).toBe(1);
    expect(report.stopped).toEqual({ line: 3, reason: 'a quote opened on or after line 3 is never closed; the rest of the file was not read' });
  });

  it('streams 100,000 rows through a store without holding them: the parser is read as rows are imported', async () => {
    const ROWS = 100_000;
    let produced = 0;
    let producedAtFirstWrite: number | undefined;
    let writes = 0;
    let maxReadAhead = 0;
    // A store that remembers nothing, so any memory growth would be the importer's.
    const store = {
      findByEmail: async () => undefined,
      addConfirmed: async () => {
        producedAtFirstWrite ??= produced;
        writes++;
        maxReadAhead = Math.max(maxReadAhead, produced - writes);
        return { subscriber: {} as Subscriber, created: true };
      },
      recordConsent: async () => {},
    } as unknown as SubscriberStore;
    const source = Readable.from(
      (function* () {
        yield 'email,lists,language,company\n';
        for (let i = 0; i < ROWS; i++) {
          produced++;
          yield `reader${i}@example.org,blog;events,en,Company number ${i} with a longish name\n`;
        }
      })(),
    );
    // Collect garbage before both readings so they measure what is retained, not what awaits collection.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const report = await importCsv(source, { dryRun: false, consent: true }, { ...deps, subscribers: store });
    gc();
    const retained = process.memoryUsage().heapUsed - heapBefore;

    expect(writes).toBe(ROWS);
    expect(report.summary.added).toBe(ROWS);
    // The first write happened while most of the file was still unread.
    expect(producedAtFirstWrite).toBeLessThan(1_000);
    // And throughout, the parser never ran more than a few thousand rows ahead of the writes.
    expect(maxReadAhead).toBeLessThan(5_000);
    // Large files list only the rows that need a look, and say so.
    expect(report.rows).toEqual([]);
    expect(report.rowsOmitted).toMatch(/more than 1000 rows/);
    // Loose: 100,000 parsed rows (about 7 MB of CSV) held at once would take tens of megabytes.
    expect(retained).toBeLessThan(10 * 1024 * 1024);
  }, 60_000);
});
