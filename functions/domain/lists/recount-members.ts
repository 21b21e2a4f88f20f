import type { Clock } from '../ports';
import type { ListStore } from './ports';
import type { SubscriberStore } from '../subscriber/ports';
import { NotFoundError, ValidationError } from '../errors';
import { counterOf, countsDifference, emptyMemberCounts, isEmptyDelta, MEMBER_COUNTERS, type MemberCounts } from '../subscriber/member-counts';
import type { ListWithCounts } from './manage-lists';

// Paging keeps memory flat however large the list is.
const PAGE_SIZE = 500;
/**
 * How long one recount call pages before it hands back a continuation: API Gateway answers by
 * 30 s, and a million memberships take longer than that to page.
 */
export const RECOUNT_BUDGET_MS = 20_000;

/** Where a paged count stands: the counts so far and the cursor of the next page (none when done). */
export interface TallyProgress {
  tally: MemberCounts;
  cursor?: string;
}

/**
 * Counts a list's members by paging memberships from `from` (the start when not given), until the
 * last page or until `stop()` says so after a page.
 */
export async function tallyMembers(
  listId: string,
  subscribers: Pick<SubscriberStore, 'pageMembers'>,
  from: TallyProgress = { tally: emptyMemberCounts() },
  stop: () => boolean = () => false,
): Promise<TallyProgress> {
  const tally = { ...from.tally };
  let cursor = from.cursor;
  do {
    const page = await subscribers.pageMembers(listId, cursor, PAGE_SIZE);
    for (const m of page.members) tally[counterOf(m)!]++;
    cursor = page.cursor;
  } while (cursor && !stop());
  return { tally, cursor };
}

/**
 * Counts a list's members by paging every membership: what the maintained counts must equal. Reads
 * every membership of the list (~300 bytes each), so only a recount and tests use it.
 *
 * @example
 * const { confirmed } = await countMembers('blog', subscribers);
 */
export async function countMembers(listId: string, subscribers: Pick<SubscriberStore, 'pageMembers'>): Promise<MemberCounts> {
  return (await tallyMembers(listId, subscribers)).tally;
}

export interface RecountDeps {
  lists: Pick<ListStore, 'get'>;
  subscribers: Pick<SubscriberStore, 'pageMembers' | 'memberCounts' | 'adjustMemberCounts'>;
  clock: Clock;
}

/** A recount that finished (`corrected` is what it added to the maintained counts) or must be called again. */
export type RecountOutcome =
  | { done: true; list: ListWithCounts; corrected: Partial<MemberCounts> }
  | { done: false; listId: string; continue: string; paged: number };

/**
 * Repairs a list's maintained counts: pages every membership once, then adds the difference between
 * that count and the maintained one. Adding (not overwriting) keeps the changes counted while the
 * recount ran; a membership that changed while the recount paged can still leave the result off by
 * that change (paged before it, counted again by it), so run it when the list is quiet and again if
 * it corrected something. A list too large for one call answers a continuation to send back as
 * `{ "continue": "…" }`; the final call corrects.
 *
 * @throws NotFoundError for an unknown list; ValidationError for a continuation of another list or
 *   one that is not a continuation at all.
 * @example
 * let outcome = await recountMembers('blog', {}, deps);
 * while (!outcome.done) outcome = await recountMembers('blog', { continue: outcome.continue }, deps);
 */
export async function recountMembers(listId: string, body: unknown, deps: RecountDeps, budgetMs = RECOUNT_BUDGET_MS): Promise<RecountOutcome> {
  const list = await deps.lists.get(listId);
  if (!list) throw new NotFoundError(`No list "${listId}"`);
  const started = deps.clock.now().getTime();
  const progress = await tallyMembers(listId, deps.subscribers, parseContinuation(listId, body), () => deps.clock.now().getTime() - started >= budgetMs);
  if (progress.cursor) {
    const paged = MEMBER_COUNTERS.reduce((sum, c) => sum + progress.tally[c], 0);
    return { done: false, listId, continue: encodeContinuation(listId, progress), paged };
  }
  const maintained = (await deps.subscribers.memberCounts([listId])).get(listId) ?? emptyMemberCounts();
  const corrected = countsDifference(maintained, progress.tally);
  if (!isEmptyDelta(corrected)) await deps.subscribers.adjustMemberCounts(listId, corrected);
  return { done: true, list: { ...list, counts: progress.tally }, corrected };
}

function encodeContinuation(listId: string, progress: TallyProgress): string {
  return Buffer.from(JSON.stringify({ listId, ...progress })).toString('base64url');
}

/** The progress a continuation carries; the start for a body without one. */
function parseContinuation(listId: string, body: unknown): TallyProgress | undefined {
  const token = (body as { continue?: unknown } | null | undefined)?.continue;
  if (token === undefined) return undefined;
  const refuse = (): never => {
    throw new ValidationError([{ field: 'continue', message: `is not a recount continuation of list "${listId}"` }]);
  };
  let parsed: { listId?: unknown; cursor?: unknown; tally?: Record<string, unknown> };
  try {
    parsed = typeof token === 'string' ? JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) : refuse();
  } catch {
    return refuse();
  }
  const tally = parsed?.tally;
  if (parsed?.listId !== listId || typeof parsed.cursor !== 'string' || !tally) return refuse();
  if (!MEMBER_COUNTERS.every((c) => Number.isSafeInteger(tally[c]) && (tally[c] as number) >= 0)) return refuse();
  return { cursor: parsed.cursor, tally: Object.fromEntries(MEMBER_COUNTERS.map((c) => [c, tally[c]])) as unknown as MemberCounts };
}
