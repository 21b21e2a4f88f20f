import type { ListStore } from './ports';

/**
 * What a list is called, answered from one place: the list store, which staff change through
 * /admin/lists. The start-up configuration only seeds lists; a list created or renamed later must
 * show its current name in the List-Id header and on the unsubscribe page.
 */
export interface ListNames {
  /** The list's display name; its id when no such list exists. */
  nameOf(listId: string): Promise<string>;
}

/** Names read from the list store, one read per call. */
export class StoredListNames implements ListNames {
  constructor(private readonly lists: Pick<ListStore, 'get'>) {}

  async nameOf(listId: string): Promise<string> {
    return (await this.lists.get(listId))?.name ?? listId;
  }
}

/**
 * Remembers each name for the life of the returned object: a send batch asks once per list, not
 * once per recipient, and still sees a rename made before it started.
 */
export function memoizedListNames(names: ListNames): ListNames {
  const known = new Map<string, Promise<string>>();
  return {
    nameOf(listId) {
      let name = known.get(listId);
      if (!name) {
        name = names.nameOf(listId);
        // A failed read is not remembered: the next recipient asks again.
        name.catch(() => known.delete(listId));
        known.set(listId, name);
      }
      return name;
    },
  };
}

/** Fixed names (tests, benchmarks); unknown ids answer themselves. */
export function fixedListNames(names: ReadonlyMap<string, string>): ListNames {
  return { nameOf: async (listId) => names.get(listId) ?? listId };
}

const listFormats = new Map<string, Intl.ListFormat>();

/**
 * The "A, B and C" of a language (`Intl.ListFormat`, conjunction), made once per language: the send
 * worker joins each recipient's list names with it. A tag ICU rejects falls back to English.
 *
 * @example
 * listFormat('es').format(['Blog', 'Press Releases']); // 'Blog y Press Releases'
 */
export function listFormat(language: string | undefined): Intl.ListFormat {
  const key = language ?? 'en';
  let format = listFormats.get(key);
  if (!format) {
    try {
      format = new Intl.ListFormat(key, { type: 'conjunction' });
    } catch {
      format = new Intl.ListFormat('en', { type: 'conjunction' });
    }
    listFormats.set(key, format);
  }
  return format;
}
