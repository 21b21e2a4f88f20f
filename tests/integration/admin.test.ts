import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';

/** The staff API over HTTP against the local stand-ins: lists, subscribers, CSV import and export. */
describe('staff API (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;

  /** Calls an admin route with the bearer token; JSON bodies are encoded, strings sent as CSV. */
  async function admin(method: string, path: string, body?: unknown) {
    const csv = typeof body === 'string';
    const response = await fetch(`${pressroom.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${pressroom.secrets.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': csv ? 'text/csv' : 'application/json' }),
      },
      body: body === undefined ? undefined : csv ? body : JSON.stringify(body),
    });
    const type = response.headers.get('content-type') ?? '';
    const payload = type.includes('json') ? await response.json() : await response.text();
    return { status: response.status, type, body: payload as Record<string, any> & string };
  }

  beforeAll(async () => {
    pressroom = await startTestPressroom();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('refuses every staff route without the token', async () => {
    const answers = await Promise.all(
      ['/admin/lists', '/admin/lists/blog', '/admin/lists/blog/export.csv', '/admin/subscribers?email=a@example.org'].map((p) =>
        fetch(`${pressroom.url}${p}`),
      ),
    );
    const imports = await fetch(`${pressroom.url}/admin/imports`, { method: 'POST', body: 'email,lists\n' });
    expect([...answers, imports].map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
  });

  it('creates, renames, describes and archives a list; a taken id is a 409', async () => {
    const created = await admin('POST', '/admin/lists', { id: 'events', name: 'Events', public: true });
    expect(created).toMatchObject({ status: 201, body: { id: 'events', name: 'Events', public: true, archived: false } });
    expect(await admin('POST', '/admin/lists', { id: 'events', name: 'Again' })).toMatchObject({
      status: 409, body: { error: 'Conflict', message: 'A list with the id "events" already exists' },
    });
    expect((await admin('POST', '/admin/lists', { id: 'Bad Id' })).body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['id', 'name']);

    const renamed = await admin('PATCH', '/admin/lists/events', { name: 'Events & Talks', description: 'What is on' });
    expect(renamed).toMatchObject({ status: 200, body: { name: 'Events & Talks', description: 'What is on', counts: { confirmed: 0 } } });
    expect((await admin('PATCH', '/admin/lists/nope', { name: 'x' })).status).toBe(404);
    expect((await admin('GET', '/admin/lists/nope')).status).toBe(404);

    const all = await admin('GET', '/admin/lists');
    expect(all.body.lists.map((l: { id: string }) => l.id)).toEqual(['blog', 'events', 'press-releases']);
  });

  it('counts confirmed, pending, unsubscribed and suppressed members', async () => {
    await admin('POST', '/admin/lists', { id: 'counted', name: 'Counted' });
    await pressroom.client.addSubscribers(['c1', 'c2', 'c3', 'c4'].map((n) => ({ email: `${n}@example.org`, lists: ['counted'] })));
    const { subscribers } = pressroom.adapters;
    const now = new Date();
    await subscribers.addPending('c5@example.org', ['counted'], undefined, now);
    await subscribers.unsubscribe((await subscribers.findByEmail('c3@example.org'))!.id, 'counted', now);
    await subscribers.suppress((await subscribers.findByEmail('c4@example.org'))!.id, 'complaint', now);

    const described = await admin('GET', '/admin/lists/counted');
    expect(described.body).toMatchObject({ id: 'counted', public: false, counts: { confirmed: 2, pending: 1, unsubscribed: 1, suppressed: 1 } });

    const archived = await admin('PATCH', '/admin/lists/counted', { archived: true });
    expect(archived.body).toMatchObject({ archived: true, counts: { confirmed: 2 } });
    const intoArchived = await admin('POST', '/admin/imports?consent=true', 'email,lists\nlate@example.org,counted\n');
    expect(intoArchived.body.rows).toEqual([
      { line: 2, email: 'late@example.org', outcome: 'invalid', reason: 'unknown or archived list "counted"' },
    ]);
  });

  it('looks a subscriber up, changes their lists, refuses lists for a suppressed one, and erases them', async () => {
    await pressroom.client.addSubscribers({ email: 'Sam@Example.org', lists: ['blog'] });
    const found = await admin('GET', `/admin/subscribers?email=${encodeURIComponent('sam@example.org')}`);
    expect(found).toMatchObject({
      status: 200,
      body: { email: 'Sam@example.org', suppression: null, memberships: [{ listId: 'blog', status: 'confirmed' }] },
    });
    const id = found.body.id as string;
    expect((await admin('GET', '/admin/subscribers?email=nobody@example.org')).status).toBe(404);
    expect((await admin('GET', '/admin/subscribers?email=nonsense')).status).toBe(400);

    const changed = await admin('PATCH', `/admin/subscribers/${id}`, { lists: { add: ['press-releases'], remove: ['blog'] } });
    expect(changed.body.memberships.map((m: { listId: string; status: string }) => [m.listId, m.status])).toEqual([
      ['blog', 'unsubscribed'], ['press-releases', 'confirmed'],
    ]);
    const unknown = await admin('PATCH', `/admin/subscribers/${id}`, { lists: { add: ['gardening'] } });
    expect(unknown).toMatchObject({ status: 400, body: { issues: [{ field: 'lists.add.0', message: 'unknown list "gardening"' }] } });

    await pressroom.adapters.subscribers.suppress(id, 'permanent-bounce', new Date());
    const refused = await admin('PATCH', `/admin/subscribers/${id}`, { lists: { add: ['blog'] } });
    expect(refused).toMatchObject({ status: 409, body: { message: expect.stringMatching(/suppressed/) } });

    const erased = await admin('DELETE', `/admin/subscribers/${id}`);
    expect(erased).toMatchObject({
      status: 200, body: { erased: true, suppressionKept: true, message: 'Personal data erased; suppression kept as a keyed hash of the address' },
    });
    expect(await pressroom.adapters.subscribers.findByEmail('sam@example.org')).toBeUndefined();
    expect((await admin('GET', '/admin/subscribers?email=sam@example.org')).body.message).toMatch(/erased and stays suppressed/);
    expect((await admin('DELETE', `/admin/subscribers/${id}`)).status).toBe(404);

    // The erased, suppressed address stays suppressed when it comes back in an import, CSV or JSON.
    const csv = await admin('POST', '/admin/imports?consent=true', 'email,lists\nsam@example.org,blog\n');
    expect(csv.body.rows).toEqual([{ line: 2, email: 'sam@example.org', outcome: 'skipped-suppressed', reason: 'address was erased while suppressed' }]);
    const json = await pressroom.client.addSubscribers({ email: 'sam@example.org', lists: ['blog'] });
    expect(json.body).toMatchObject({ added: 0, skippedSuppressed: 1 });
    expect(await pressroom.adapters.subscribers.findByEmail('sam@example.org')).toBeUndefined();
  });

  const FILE = [
    'email,lists,language,first_name',
    'ada@example.org,blog;press-releases,en,Ada',
    'not-an-address,blog,,Nope',
    'grace@example.org,gardening,,Grace',
    'ken@example.org,,,Ken',
    '"ada@example.org, bob@example.org",blog,,Two',
    '=cmd@example.org,blog|press-releases,de,Eq',
    '',
  ].join('\r\n');

  it('a CSV import with bad rows reports each with its reason and imports the rest; a dry run writes nothing', async () => {
    const dry = await admin('POST', '/admin/imports?dryRun=true&consent=true', FILE);
    expect(dry.body.summary).toEqual({ added: 2, updated: 0, unchanged: 0, skippedSuppressed: 0, skippedNotConfirmed: 0, invalid: 4, pendingConfirmation: 0 });
    expect(await pressroom.adapters.subscribers.findByEmail('ada@example.org')).toBeUndefined();

    const real = await admin('POST', '/admin/imports?dryRun=false&consent=true', FILE);
    expect(real.status).toBe(200);
    expect(real.body).toMatchObject({ dryRun: false, consent: true, rowsRead: 6, ignoredColumns: ['first_name'], summary: dry.body.summary });
    expect(real.body.rows.map((r: { line: number; outcome: string; reason?: string }) => [r.line, r.outcome, r.reason])).toEqual([
      [2, 'added', undefined],
      [3, 'invalid', '"not-an-address" is not a valid email address'],
      [4, 'invalid', 'unknown or archived list "gardening"'],
      [5, 'invalid', 'no lists given'],
      [6, 'invalid', '"ada@example.org, bob@example.org" is not a valid email address'],
      [7, 'added', undefined],
    ]);
    expect(await pressroom.adapters.subscribers.findByEmail('=cmd@example.org')).toMatchObject({ language: 'de' });

    const again = await admin('POST', '/admin/imports?consent=true', FILE);
    expect(again.body.summary).toMatchObject({ added: 0, updated: 0, unchanged: 2, invalid: 4 });
  });

  it('without consent, imports as pending and the address gets a confirmation email', async () => {
    const answer = await admin('POST', '/admin/imports?consent=false', 'email,lists\nnew@example.org,blog\n');
    expect(answer.body.rows).toEqual([{ line: 2, email: 'new@example.org', outcome: 'pending-confirmation', lists: ['blog'] }]);
    expect(await pressroom.adapters.subscribers.findByEmail('new@example.org')).toMatchObject({ memberships: [{ listId: 'blog', status: 'pending' }] });
    expect((await pressroom.client.mail()).filter((m) => m.to.includes('new@example.org'))).toHaveLength(1);
  });

  it('names bad import parameters, a header without lists, and a non-CSV body', async () => {
    const flags = await admin('POST', '/admin/imports?dryRun=yes&consent=1', 'email,lists\n');
    expect(flags.body.issues.map((i: { field: string }) => i.field)).toEqual(['dryRun', 'consent']);
    const header = await admin('POST', '/admin/imports', 'email,name\na@example.org,A\n');
    expect(header.body.issues).toEqual([{ field: '(header)', message: 'the first row must name the columns email and lists (missing: lists)' }]);
    expect((await admin('POST', '/admin/imports', { email: 'a@example.org' })).body.issues[0].field).toBe('content-type');
  });

  it('exports a list as CSV that parses back with the right statuses, formula cells neutralised', async () => {
    // A list and members of its own, in every status an export shows.
    const list = `export-${Date.now().toString(36)}`;
    const at = (who: string) => `${who}-${list}@example.org`;
    expect((await admin('POST', '/admin/lists', { id: list, name: 'Export' })).status).toBe(201);
    const imported = await admin('POST', '/admin/imports?consent=true', [
      'email,lists,language', `${at('ada')},${list},en`, `=${at('cmd')},${list},de`, `${at('suppressed')},${list},`, '',
    ].join('\n'));
    expect(imported.body.summary).toMatchObject({ added: 3, invalid: 0 });
    const { subscribers } = pressroom.adapters;
    const now = new Date();
    await subscribers.unsubscribe((await subscribers.findByEmail(at('ada')))!.id, list, now);
    await subscribers.suppress((await subscribers.findByEmail(at('suppressed')))!.id, 'complaint', now);
    await subscribers.addPending(at('pending'), [list], undefined, now);

    const answer = await admin('GET', `/admin/lists/${list}/export.csv`);
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/csv/);
    const rows = parse(answer.body, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual(['email', 'lists', 'status', 'suppressed', 'language', 'joined_at', 'changed_at']);
    expect(new Set(rows.map((r) => r.lists))).toEqual(new Set([list]));
    expect(rows.map((r) => `${r.email} ${r.status} ${r.suppressed}`).sort()).toEqual([
      `'=${at('cmd')} confirmed false`, `${at('ada')} unsubscribed false`, `${at('pending')} pending false`, `${at('suppressed')} confirmed true`,
    ]);
    const byEmail = Object.fromEntries(rows.map((r) => [r.email, r]));
    expect(byEmail[at('ada')]).toMatchObject({ language: 'en' });
    expect(byEmail[`'=${at('cmd')}`]).toMatchObject({ language: 'de' });
    expect(byEmail[at('ada')].joined_at).toMatch(/^\d{4}-\d\d-\d\dT/);

    // The export imports back as it is: the quote before "=cmd" comes off again, and the rows that
    // are not confirmed members are skipped for what the file says of them.
    const reimport = await admin('POST', '/admin/imports?consent=true&dryRun=true', answer.body);
    expect(reimport.body.summary).toMatchObject({ unchanged: 1, skippedNotConfirmed: 2, skippedSuppressed: 1, added: 0, invalid: 0 });
    expect(reimport.body.ignoredColumns).toEqual(['joined_at', 'changed_at']);
    expect((await admin('GET', '/admin/lists/nope/export.csv')).status).toBe(404);
  });
});
