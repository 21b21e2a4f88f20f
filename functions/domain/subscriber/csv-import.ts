import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { AddressBlocklist, SubscriberStore } from './ports';
import type { Clock } from '../ports';
import { ValidationError } from '../errors';
import type { ConfirmationOutcome } from './confirmation';
import { MembershipStatus, normaliseEmail, type Subscriber } from './subscriber';
import { ConsentEventType, ConsentSource, consentEvent } from './consent';
import { resolverOf, unknownListMessage, type TargetLists } from '../lists/list-resolver';

/** What happened to one row of an import. */
export const ImportOutcome = {
  Added: 'added',
  Updated: 'updated',
  Unchanged: 'unchanged',
  SkippedSuppressed: 'skipped-suppressed',
  /** The file's own `status` says the person is not a confirmed member (pending or unsubscribed). */
  SkippedNotConfirmed: 'skipped-not-confirmed',
  Invalid: 'invalid',
  PendingConfirmation: 'pending-confirmation',
} as const;
export type ImportOutcome = (typeof ImportOutcome)[keyof typeof ImportOutcome];

export interface ImportRowReport {
  /** 1-based line of the file where the row starts (the header is line 1). */
  line: number;
  email: string;
  outcome: ImportOutcome;
  /** Lists the row added or asked confirmation for. */
  lists?: string[];
  reason?: string;
}

export interface CsvImportSummary {
  added: number;
  updated: number;
  unchanged: number;
  skippedSuppressed: number;
  skippedNotConfirmed: number;
  invalid: number;
  pendingConfirmation: number;
}

export interface CsvImportReport {
  dryRun: boolean;
  consent: boolean;
  /** Data rows read (the header not counted). */
  rowsRead: number;
  summary: CsvImportSummary;
  /** Header columns Pressroom does not use; their values were ignored. */
  ignoredColumns: string[];
  rows: ImportRowReport[];
  /** Set when `rows` leaves some rows out, saying which. */
  rowsOmitted?: string;
  /** Set when the file could not be read to the end (e.g. an unclosed quote); rows before it were imported. */
  stopped?: { line: number; reason: string };
}

export interface CsvImportOptions {
  /** Compute the report with read-only lookups; write nothing and send nothing. */
  dryRun: boolean;
  /** Staff state that every address consented: import as confirmed. Otherwise ask each to confirm. */
  consent: boolean;
}

export interface CsvImportDeps {
  subscribers: SubscriberStore;
  blocklist: AddressBlocklist;
  clock: Clock;
  /** Lists an import may target (existing and not archived), by id or display name. */
  listIds: TargetLists;
  /** The import job the rows come from, for the consent history (none for a one-shot import). */
  importJobId?: string;
  /** Queues the welcome of lists confirmed with consent (lists that welcome imports only); none when absent. */
  welcome?: (subscriberId: string, lists: string[]) => Promise<unknown>;
  /** Sends the double opt-in email for `lists`; needed when `consent` is false. */
  requestConfirmation?: (subscriber: Subscriber, lists: string[]) => Promise<ConfirmationOutcome>;
}

export const SUMMARY_KEY: Record<ImportOutcome, keyof CsvImportSummary> = {
  added: 'added',
  updated: 'updated',
  unchanged: 'unchanged',
  'skipped-suppressed': 'skippedSuppressed',
  'skipped-not-confirmed': 'skippedNotConfirmed',
  invalid: 'invalid',
  'pending-confirmation': 'pendingConfirmation',
};

// Rows are looked up and written a batch at a time: enough concurrency to keep DynamoDB busy,
// few enough rows in flight that memory stays flat whatever the file's size.
const BATCH_SIZE = 25;
// Past this many rows the report lists only the rows that need a look (not plain added/unchanged).
export const FULL_REPORT_ROWS = 1_000;
// A synchronous Lambda response is capped at 6 MB; 5,000 rows stay well inside it.
export const MAX_REPORTED_ROWS = 5_000;
const CHUNK_BYTES = 64 * 1024;

const LANGUAGE_TAG = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i;
// The export prefixes cells starting with these with a quote (formula injection); undo that here so
// an exported file imports back as it was.
const ESCAPED_CELL = /^'[=+\-@\t\r]/;

/**
 * A readable over an in-memory body, in 64 KiB chunks. Handing csv-parse the body as one chunk
 * would let it parse every record before the importer reads the first; small chunks keep
 * backpressure working.
 */
export function csvSource(body: string | Buffer): Readable {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += CHUNK_BYTES) yield bytes.subarray(at, at + CHUNK_BYTES);
    })(),
  );
}

export interface Row {
  line: number;
  fields: string[];
}

interface Columns {
  email: number;
  lists: number;
  language?: number;
  /** An export's membership status: `confirmed`, `pending` or `unsubscribed`. */
  status?: number;
  /** An export's `true` / `false`: the address was suppressed (bounce, complaint, staff). */
  suppressed?: number;
}

const READ_COLUMNS = ['email', 'lists', 'language', 'status', 'suppressed'] as const;

function readHeader(fields: string[]): { columns: Columns; ignored: string[] } {
  const names = fields.map((f) => f.trim().toLowerCase());
  const missing = ['email', 'lists'].filter((n) => !names.includes(n));
  if (missing.length) {
    throw new ValidationError(
      [{ field: '(header)', message: `the first row must name the columns email and lists (missing: ${missing.join(', ')})` }],
      'Invalid CSV',
    );
  }
  const optional = (name: 'language' | 'status' | 'suppressed') => (names.includes(name) ? { [name]: names.indexOf(name) } : {});
  return {
    columns: { email: names.indexOf('email'), lists: names.indexOf('lists'), ...optional('language'), ...optional('status'), ...optional('suppressed') },
    ignored: fields.filter((_, i) => !(READ_COLUMNS as readonly string[]).includes(names[i])).map((f) => f.trim()),
  };
}

/** Accumulates the report row by row, dropping plain rows once the file turns out to be large. */
class ReportBuilder {
  readonly summary: CsvImportSummary = { added: 0, updated: 0, unchanged: 0, skippedSuppressed: 0, skippedNotConfirmed: 0, invalid: 0, pendingConfirmation: 0 };
  rows: ImportRowReport[] = [];
  rowsRead = 0;
  private plainOmitted = false;
  private notShown = 0;

  add(row: ImportRowReport): void {
    this.rowsRead++;
    this.summary[SUMMARY_KEY[row.outcome]]++;
    if (this.rowsRead > FULL_REPORT_ROWS && !this.plainOmitted) {
      this.plainOmitted = true;
      this.rows = this.rows.filter((r) => !isPlainRow(r));
    }
    if (isPlainRow(row) && this.plainOmitted) return;
    if (this.rows.length >= MAX_REPORTED_ROWS) this.notShown++;
    else this.rows.push(row);
  }

  omitted(): string | undefined {
    return omittedNote(this.plainOmitted, this.notShown);
  }
}

/** A row a large report leaves out: added or unchanged, with nothing to say about it. */
export function isPlainRow(row: ImportRowReport): boolean {
  return (row.outcome === ImportOutcome.Added || row.outcome === ImportOutcome.Unchanged) && !row.reason;
}

/** The report's `rowsOmitted`: which rows a large report leaves out. */
export function omittedNote(plainOmitted: boolean, notShown: number): string | undefined {
  const notes = [];
  if (plainOmitted) notes.push(`the file has more than ${FULL_REPORT_ROWS} rows, so plain added and unchanged rows are left out`);
  if (notShown) notes.push(`${notShown} further rows are not shown (at most ${MAX_REPORTED_ROWS} are listed)`);
  return notes.length ? notes.join('; ') : undefined;
}

/**
 * Imports subscribers from a CSV stream (`email,lists,language,…`; lists separated by `;` or `|`),
 * reading it a batch of rows at a time so memory stays flat for 100,000 rows.
 *
 * Each row is judged on its own: an invalid address, a missing or unknown list, a malformed
 * language, or bytes that are not UTF-8 (in any column) make that row `invalid` with the reason, and
 * the rest still import. Suppressed and
 * blocklisted addresses are `skipped-suppressed`. A file that says what each person is (an export's
 * `status` and `suppressed` columns) is believed over `consent`: a `pending` row with consent and an
 * `unsubscribed` row are `skipped-not-confirmed`, a `suppressed` one `skipped-suppressed`. Lists the person left earlier are not re-joined:
 * an import is not the person's own request. With `consent`, rows are confirmed at once; without,
 * new memberships are pending and a confirmation email is requested.
 *
 * Idempotent: importing the same file again reports every row `unchanged` (pending memberships are
 * not asked again). An address repeated in the file is applied in file order on top of its earlier
 * rows; rows only ever add lists, so it ends on the union of its rows' lists. A dry run judges each
 * row against what is stored, so it reports a repeated address as it would a first occurrence.
 *
 * @throws ValidationError when the header lacks `email` or `lists`, or the file is empty.
 * @example
 * const report = await importCsv(csvSource(body), { dryRun: false, consent: true }, { subscribers, blocklist, clock, lists });
 */
export async function importCsv(source: Readable, options: CsvImportOptions, deps: CsvImportDeps): Promise<CsvImportReport> {
  if (!options.consent && !options.dryRun && !deps.requestConfirmation) {
    throw new TypeError('importCsv needs requestConfirmation to import without consent');
  }
  const report = new ReportBuilder();
  const now = deps.clock.now();
  let header: CsvHeader | undefined;
  let stopped: CsvImportReport['stopped'];
  for await (const batch of readCsvBatches(source)) {
    header = batch.header;
    stopped = batch.stopped;
    for (const row of await importBatch(batch, options, deps, now)) report.add(row);
  }
  return {
    dryRun: options.dryRun,
    consent: options.consent,
    rowsRead: report.rowsRead,
    summary: report.summary,
    ignoredColumns: header!.ignored,
    // Unreadable records are reported when found, a little ahead of the rows around them.
    rows: report.rows.sort((a, b) => a.line - b.line),
    ...(report.omitted() ? { rowsOmitted: report.omitted() } : {}),
    ...(stopped ? { stopped } : {}),
  };
}

export type CsvHeader = ReturnType<typeof readHeader>;

/** A batch of a file's rows, read by {@link readCsvBatches} and imported by {@link importBatch}. */
export interface CsvBatch {
  header: CsvHeader;
  rows: Row[];
  /** Records csv-parse could not read, already judged `invalid`. */
  unreadable: ImportRowReport[];
  /** Last line of the file this batch consumed: a resumed read passes it as `afterLine`. */
  lastLine: number;
  /** On the last batch only: true. */
  final: boolean;
  /** On the last batch, when the file could not be read to its end. */
  stopped?: CsvImportReport['stopped'];
}

/**
 * Reads a CSV a batch of rows at a time, ending with one `final` batch (possibly empty). With
 * `afterLine` it re-reads the header and skips the records that end on or before that line, so an
 * import that checkpointed a batch's `lastLine` resumes at the next row.
 *
 * @throws ValidationError when the header lacks `email` or `lists`, or the file is empty.
 * @example
 * for await (const batch of readCsvBatches(csvSource(body))) report.push(...(await importBatch(batch, options, deps, now)));
 */
export async function* readCsvBatches(source: Readable, { afterLine = 0 }: { afterLine?: number } = {}): AsyncGenerator<CsvBatch> {
  // Spreadsheets write stray quotes and ragged rows; take them as they are and let the row checks
  // judge the values. A record csv-parse still cannot read is skipped and reported, not fatal.
  const parser = parse({
    info: true, bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true, skip_records_with_error: true,
  });
  const unreadable: CsvError[] = [];
  parser.on('skip', (error: CsvError) => {
    // A record a resumed read already imported was reported then; one with no line is always reported.
    if (!(Number(error.lines) <= afterLine)) unreadable.push(error);
  });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);

  let header: CsvHeader | undefined;
  let rows: Row[] = [];
  let stopped: CsvImportReport['stopped'];
  let lastLine = Math.max(1, afterLine);
  const take = (final: boolean): CsvBatch => {
    const judged: ImportRowReport[] = [];
    for (const error of unreadable.splice(0)) {
      // An opening quote that never closes swallows the rest of the file: nothing after it was read.
      if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
        stopped = { line: lastLine + 1, reason: `a quote opened on or after line ${lastLine + 1} is never closed; the rest of the file was not read` };
      } else judged.push({ line: Number(error.lines), email: '', outcome: ImportOutcome.Invalid, reason: `unreadable CSV: ${error.message}` });
    }
    const batch = { header: header!, rows, unreadable: judged, lastLine, final, ...(final && stopped ? { stopped } : {}) };
    rows = [];
    return batch;
  };

  try {
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        if (!header) {
          header = readHeader(record);
          lastLine = Math.max(lastLine, info.lines);
          continue;
        }
        if (info.lines <= afterLine) continue;
        // `info.lines` is where the record ends; a quoted field may span lines.
        const line = info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
        lastLine = info.lines;
        rows.push({ line, fields: record });
        // Unreadable records count towards the batch too, so a batch (and a stored report chunk) stays small.
        if (rows.length + unreadable.length >= BATCH_SIZE) yield take(false);
      }
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      stopped = { line: Number(error.lines ?? parser.info.lines), reason: error.message };
    }
    if (!header) {
      const reason = stopped?.reason ?? unreadable[0]?.message ?? 'the CSV is empty';
      throw new ValidationError([{ field: '(body)', message: reason }], 'Invalid CSV');
    }
    yield take(true);
  } finally {
    // A reader that stops early (a time budget) leaves nothing open.
    parser.destroy();
    source.destroy();
  }
}

/**
 * Imports one batch: its unreadable records as reported, then its rows.
 *
 * @example
 * const rows = await importBatch(batch, { dryRun: false, consent: true }, deps, clock.now());
 */
export async function importBatch(batch: CsvBatch, options: CsvImportOptions, deps: CsvImportDeps, now: Date): Promise<ImportRowReport[]> {
  return [...batch.unreadable, ...(await processBatch(batch.rows, batch.header.columns, options, deps, now))];
}

/**
 * Rows for different addresses run concurrently; rows for the same address run in file order, so a
 * repeated address never races with itself.
 */
async function processBatch(rows: Row[], columns: Columns, options: CsvImportOptions, deps: CsvImportDeps, now: Date) {
  const byAddress = new Map<string, Row[]>();
  for (const row of rows) {
    const key = (row.fields[columns.email] ?? '').trim().toLowerCase();
    byAddress.set(key, [...(byAddress.get(key) ?? []), row]);
  }
  const results = new Map<Row, ImportRowReport>();
  await Promise.all(
    [...byAddress.values()].map(async (group) => {
      for (const row of group) results.set(row, await importRow(row, columns, options, deps, now));
    }),
  );
  return rows.map((row) => results.get(row)!);
}

async function importRow(row: Row, columns: Columns, options: CsvImportOptions, deps: CsvImportDeps, now: Date): Promise<ImportRowReport> {
  let raw = (row.fields[columns.email] ?? '').trim();
  if (ESCAPED_CELL.test(raw)) raw = raw.slice(1);
  let email = raw;
  const result = (outcome: ImportOutcome, extra: Partial<ImportRowReport> = {}): ImportRowReport => ({ line: row.line, email, outcome, ...extra });
  // Each field's bytes are decoded whole (csv-parse collects a field across chunks before decoding),
  // so U+FFFD here marks bytes that are not UTF-8: in this file, or in the request body that API
  // Gateway decoded as text before we saw it. Nothing in a garbled row can be trusted to mean what
  // its writer meant, whichever column holds them.
  if (row.fields.some((field) => field.includes('\ufffd'))) {
    return result(ImportOutcome.Invalid, { reason: 'not UTF-8 text: save the file as CSV UTF-8 and import it again' });
  }
  const reasons: string[] = [];
  try {
    email = normaliseEmail(raw);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    reasons.push(raw ? error.issues[0].message : 'no email address');
  }
  const typedLists = [...new Set((row.fields[columns.lists] ?? '').split(/[;|]/).map((l) => l.trim()).filter(Boolean))];
  const { ids: lists, unknown } = resolverOf(deps.listIds).resolve(typedLists);
  if (!typedLists.length) reasons.push('no lists given');
  else if (unknown.some((u) => u.hint)) reasons.push(...unknown.map((u) => unknownListMessage(u, 'unknown or archived list')));
  else if (unknown.length) reasons.push(`unknown or archived list${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u.typed}"`).join(', ')}`);
  const cell = (column: number | undefined) => (column === undefined ? '' : (row.fields[column] ?? '').trim());
  const language = cell(columns.language);
  if (language && !LANGUAGE_TAG.test(language)) reasons.push(`"${language}" is not a language tag (e.g. en, de-CH)`);
  const status = cell(columns.status).toLowerCase();
  if (status && !(Object.values(MembershipStatus) as string[]).includes(status)) {
    reasons.push(`status "${status}" is not one of ${Object.values(MembershipStatus).join(', ')}`);
  }
  const suppressed = cell(columns.suppressed).toLowerCase();
  if (suppressed && suppressed !== 'true' && suppressed !== 'false') reasons.push(`suppressed "${suppressed}" must be true or false`);
  if (reasons.length) return result(ImportOutcome.Invalid, { reason: reasons.join('; ') });
  // A file's own word about a person outranks staff's consent flag: an exported list holds pending,
  // unsubscribed and suppressed members, and none of them consented to be a confirmed member.
  if (suppressed === 'true') return result(ImportOutcome.SkippedSuppressed, { reason: 'the file says the address is suppressed' });
  if (status === MembershipStatus.Unsubscribed) {
    return result(ImportOutcome.SkippedNotConfirmed, { reason: 'the file says they unsubscribed; an import does not re-subscribe' });
  }
  if (status === MembershipStatus.Pending && options.consent) {
    return result(ImportOutcome.SkippedNotConfirmed, {
      reason: 'the file says they never confirmed; import such rows without consent to ask them to confirm',
    });
  }

  const [blocked, existing] = await Promise.all([deps.blocklist.isBlocked(email), deps.subscribers.findByEmail(email)]);
  if (existing?.suppressedAt) return result(ImportOutcome.SkippedSuppressed, { reason: `address is suppressed (${existing.suppressionReason ?? 'staff'})` });
  if (blocked) return result(ImportOutcome.SkippedSuppressed, { reason: 'address was erased while suppressed' });

  const standing = new Map(existing?.memberships.map((m) => [m.listId, m.status]));
  const left = lists.filter((l) => standing.get(l) === MembershipStatus.Unsubscribed);
  // With consent a pending membership gets confirmed; without, one already pending is not asked again.
  const wanted = lists.filter((l) => (options.consent ? standing.get(l) !== MembershipStatus.Confirmed : !standing.has(l)) && !left.includes(l));
  const leftNote = left.length ? { reason: `left ${left.map((l) => `"${l}"`).join(', ')} earlier; an import does not re-subscribe` } : {};
  if (!wanted.length) return result(ImportOutcome.Unchanged, leftNote);

  // Recorded right after each change (no transactions locally). A batch replayed after a crash finds
  // its rows unchanged and records nothing again.
  const recordImport = (subscriberId: string) =>
    deps.subscribers.recordConsent([{
      subscriberId,
      event: consentEvent(ConsentEventType.Imported, wanted, ConsentSource.Import, now, { importJobId: deps.importJobId, consent: options.consent }),
    }]);
  if (options.consent) {
    if (!options.dryRun) {
      const { subscriber } = await deps.subscribers.addConfirmed(email, wanted, now, language || undefined);
      await recordImport(subscriber.id);
      await deps.welcome?.(subscriber.id, wanted);
    }
    return result(existing ? ImportOutcome.Updated : ImportOutcome.Added, { lists: wanted, ...leftNote });
  }
  let reason = left.length ? leftNote.reason : undefined;
  if (!options.dryRun) {
    const { subscriber } = await deps.subscribers.addPending(email, wanted, language || undefined, now);
    await recordImport(subscriber.id);
    const sent = await deps.requestConfirmation!(subscriber, wanted);
    if (sent === 'rate-limited') reason = [reason, 'confirmation email held back: one was sent to this address moments ago'].filter(Boolean).join('; ');
    if (sent === 'capped') reason = [reason, 'confirmation email held back: this address had its confirmation emails for today'].filter(Boolean).join('; ');
    if (sent === 'unsendable') reason = [reason, 'confirmation email not sent: the stored address cannot be sent to'].filter(Boolean).join('; ');
  }
  return result(ImportOutcome.PendingConfirmation, { lists: wanted, ...(reason ? { reason } : {}) });
}
