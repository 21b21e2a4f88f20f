import { stringify } from 'csv-stringify/sync';
import type { ListReader } from '../lists/ports';
import type { SubscriberStore } from './ports';
import { NotFoundError } from '../errors';

// `lists` first after the address, so an export imports back as it is (csv-import.ts reads `status`
// and `suppressed` too, and never turns a row that says otherwise into a confirmed member).
export const EXPORT_COLUMNS = ['email', 'lists', 'status', 'suppressed', 'language', 'joined_at', 'changed_at'] as const;

export interface CsvExportDeps {
  subscribers: SubscriberStore;
  lists: ListReader;
}

// One page of memberships, and the profiles they point at, is all the export holds at a time.
const PAGE_SIZE = 100;

/**
 * Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and tab or CR, which some treat the
 * same) as a formula, so an address such as `=HYPERLINK(…)@example.org` could run when staff open the
 * export. A leading single quote makes the cell text; the importer strips it again.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * The members of a list as CSV (`email,lists,status,suppressed,language,joined_at,changed_at`), yielded a
 * page at a time so the reading side stays in bounded memory. `joined_at` is when the subscriber was
 * first added; `changed_at` when their standing on this list last changed. A member erased while the
 * export runs is left out.
 *
 * @throws NotFoundError when the list does not exist (checked before the first chunk).
 * @example
 * let csv = '';
 * for await (const chunk of await exportListCsv('blog', { subscribers, lists })) csv += chunk;
 */
export async function exportListCsv(listId: string, deps: CsvExportDeps): Promise<AsyncGenerator<string>> {
  const pages = await exportListPages(listId, deps);
  return (async function* () {
    for await (const page of pages) yield page.csv;
  })();
}

/**
 * {@link exportListCsv}, each chunk with the number of members it holds (0 for the header): what
 * an export job counts as it writes.
 *
 * @throws NotFoundError when the list does not exist (checked before the first chunk).
 */
export async function exportListPages(listId: string, deps: CsvExportDeps): Promise<AsyncGenerator<{ csv: string; members: number }>> {
  if (!(await deps.lists.get(listId))) throw new NotFoundError(`No list "${listId}"`);
  return (async function* () {
    yield { csv: stringify([[...EXPORT_COLUMNS]]), members: 0 };
    let cursor: string | undefined;
    do {
      const page = await deps.subscribers.pageMembers(listId, cursor, PAGE_SIZE);
      const profiles = await Promise.all(page.members.map((m) => deps.subscribers.get(m.subscriberId)));
      const records = page.members.flatMap((m, i) => {
        const s = profiles[i];
        if (!s) return [];
        const row = [s.email, listId, m.status, s.suppressedAt ? 'true' : 'false', s.language ?? '', s.createdAt, m.changedAt];
        return [row.map(neutraliseFormula)];
      });
      if (records.length) yield { csv: stringify(records), members: records.length };
      cursor = page.cursor;
    } while (cursor);
  })();
}
