import type { MailingList } from './mailing-list';

/** A list staff typed that names no list (or more than one), at its position in what they typed. */
export interface UnknownList {
  index: number;
  typed: string;
  /** What they probably meant: `did you mean "press-releases" (Press Releases)?`, or how to disambiguate. */
  hint?: string;
}

/** What staff typed for lists, resolved: the ids found, in order and once each, and what was not. */
export interface ResolvedLists {
  ids: string[];
  unknown: UnknownList[];
}

/**
 * Turns the lists staff type (a webhook's `lists`, a CSV's list column) into list ids. Staff type
 * what they see: a CMS tag "Press Releases", not the id `press-releases`.
 */
export interface ListResolver {
  resolve(typed: readonly string[]): ResolvedLists;
}

/**
 * The lists a caller may target: a resolver that knows names, or a plain set of ids (callers and
 * tests that know only ids; each id then also stands as its own name).
 */
export type TargetLists = ReadonlySet<string> | ListResolver;

// Suggestions cost a distance per list for each unknown one; an answer shows 50 issues at most
// (domain/errors.ts), so a request naming 200,000 unknown lists gets hints for the first ones only.
const HINTS_PER_CALL = 100;

/**
 * A resolver over these lists. Each typed value is trimmed and matched, in order, to a list's id
 * (in any case), then to its display name (in any case). A name two lists share matches neither:
 * the hint names both ids. An unknown value is hinted with the closest id or name, when close.
 *
 * @example
 * const lists = listResolver([{ id: 'press-releases', name: 'Press Releases' }, { id: 'blog', name: 'Blog' }]);
 * lists.resolve(['Press Releases', 'BLOG', 'Press Release']);
 * // { ids: ['press-releases', 'blog'],
 * //   unknown: [{ index: 2, typed: 'Press Release', hint: 'did you mean "press-releases" (Press Releases)?' }] }
 */
export function listResolver(lists: readonly Pick<MailingList, 'id' | 'name'>[]): ListResolver {
  const byId = new Map(lists.map((l) => [l.id.toLowerCase(), l]));
  const byName = new Map<string, Pick<MailingList, 'id' | 'name'>[]>();
  for (const list of lists) {
    const key = fold(list.name);
    byName.set(key, [...(byName.get(key) ?? []), list]);
  }
  return {
    resolve(typed) {
      const ids = new Set<string>();
      const unknown: UnknownList[] = [];
      typed.forEach((value, index) => {
        const key = fold(value);
        const named = byName.get(key) ?? [];
        const list = byId.get(key) ?? (named.length === 1 ? named[0] : undefined);
        if (list) ids.add(list.id);
        else if (named.length > 1) unknown.push({ index, typed: value, hint: `${named.map((l) => `"${l.id}"`).join(' and ')} are both called that; use the id` });
        else {
          const closest = unknown.length < HINTS_PER_CALL ? closestList(key, lists) : undefined;
          unknown.push({ index, typed: value, ...(closest ? { hint: `did you mean ${describe(closest)}?` } : {}) });
        }
      });
      return { ids: [...ids], unknown };
    },
  };
}

/** The resolver for what a caller was given (see {@link TargetLists}). */
export function resolverOf(lists: TargetLists): ListResolver {
  return isResolver(lists) ? lists : listResolver([...lists].map((id) => ({ id, name: id })));
}

/**
 * The message for an unknown list, `unknown list "Press Release"; did you mean "press-releases" (Press Releases)?`;
 * `what` words its start for the caller ("unknown or archived list").
 */
export function unknownListMessage(unknown: UnknownList, what = 'unknown list'): string {
  return `${what} "${unknown.typed}"${unknown.hint ? `; ${unknown.hint}` : ''}`;
}

function isResolver(lists: TargetLists): lists is ListResolver {
  return typeof (lists as Partial<ListResolver>).resolve === 'function';
}

function describe(list: Pick<MailingList, 'id' | 'name'>): string {
  return list.name === list.id ? `"${list.id}"` : `"${list.id}" (${list.name})`;
}

function fold(text: string): string {
  return text.normalize('NFC').trim().toLowerCase();
}

/** The list whose id or name is fewest edits away, if it is close: a typo, a plural, a separator. */
function closestList(key: string, lists: readonly Pick<MailingList, 'id' | 'name'>[]) {
  // Ids are at most 64 characters; anything longer is not a typo of one.
  if (key.length > 100) return undefined;
  const limit = Math.max(2, Math.floor(key.length / 4));
  let best: { list: Pick<MailingList, 'id' | 'name'>; distance: number } | undefined;
  for (const list of lists) {
    for (const candidate of [list.id, fold(list.name)]) {
      const distance = editDistance(key, candidate, limit);
      if (distance <= limit && (!best || distance < best.distance)) best = { list, distance };
    }
  }
  return best?.list;
}

/**
 * Levenshtein distance, where a space and a hyphen are the same (ids spell a name's spaces as
 * hyphens); answers `limit + 1` as soon as the distance must exceed `limit`.
 */
function editDistance(a: string, b: string, limit: number): number {
  const x = a.replace(/[\s_]+/g, '-');
  const y = b.replace(/[\s_]+/g, '-');
  if (Math.abs(x.length - y.length) > limit) return limit + 1;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[y.length];
}
