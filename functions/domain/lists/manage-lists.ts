import type { Clock } from '../ports';
import type { ListStore } from './ports';
import type { SubscriberStore } from '../subscriber/ports';
import { ConflictError, NotFoundError } from '../errors';
import { MembershipStatus } from '../subscriber/subscriber';
import { parseListChanges, parseListInput, type MailingList } from './mailing-list';

/** A list id that is already taken (409 at the edge). */
export class ListExistsError extends ConflictError {
  constructor(readonly listId: string) {
    super(`A list with the id "${listId}" already exists`);
    this.name = 'ListExistsError';
  }
}

/**
 * Members of a list by standing. A confirmed member whose address is suppressed counts as
 * `suppressed`, not `confirmed`: `confirmed` is exactly who a release to this list would reach.
 */
export interface ListCounts {
  confirmed: number;
  pending: number;
  unsubscribed: number;
  suppressed: number;
}

export type ListWithCounts = MailingList & { counts: ListCounts };

export interface ManageListsDeps {
  lists: ListStore;
  /** Only to count members. */
  subscribers: Pick<SubscriberStore, 'pageMembers'>;
  clock: Clock;
}

// Counting pages through the list's memberships: memory stays flat however large the list is.
const PAGE_SIZE = 500;

/**
 * Counts a list's members by paging every membership.
 *
 * @example
 * const { confirmed } = await countMembers('blog', subscribers);
 */
export async function countMembers(listId: string, subscribers: Pick<SubscriberStore, 'pageMembers'>): Promise<ListCounts> {
  const counts: ListCounts = { confirmed: 0, pending: 0, unsubscribed: 0, suppressed: 0 };
  let cursor: string | undefined;
  do {
    const page = await subscribers.pageMembers(listId, cursor, PAGE_SIZE);
    for (const m of page.members) {
      if (m.status === MembershipStatus.Confirmed) counts[m.suppressed ? 'suppressed' : 'confirmed']++;
      else if (m.status === MembershipStatus.Pending) counts.pending++;
      else counts.unsubscribed++;
    }
    cursor = page.cursor;
  } while (cursor);
  return counts;
}

/**
 * Every list, archived ones included, each with its member counts.
 *
 * @example
 * const lists = await listLists({ lists, subscribers, clock });
 */
export async function listLists(deps: ManageListsDeps): Promise<ListWithCounts[]> {
  const all = (await deps.lists.all()).sort((a, b) => a.id.localeCompare(b.id));
  // Lists are few (one partition holds them all); count them one after another to keep reads steady.
  const result: ListWithCounts[] = [];
  for (const list of all) result.push({ ...list, counts: await countMembers(list.id, deps.subscribers) });
  return result;
}

/**
 * One list with its member counts.
 *
 * @throws NotFoundError when there is no such list.
 * @example
 * const { name, counts } = await describeList('blog', { lists, subscribers, clock });
 */
export async function describeList(listId: string, deps: ManageListsDeps): Promise<ListWithCounts> {
  const list = await deps.lists.get(listId);
  if (!list) throw new NotFoundError(`No list "${listId}"`);
  return { ...list, counts: await countMembers(listId, deps.subscribers) };
}

/**
 * Creates a list from `{ id, name, description?, public? }`; lists are private unless said otherwise,
 * so a new list never appears on the public sign-up form by accident.
 *
 * @throws ValidationError naming each bad field; ListExistsError when the id is taken.
 * @example
 * await createList({ id: 'events', name: 'Events', public: true }, { lists, subscribers, clock });
 */
export async function createList(body: unknown, deps: Pick<ManageListsDeps, 'lists' | 'clock'>): Promise<MailingList> {
  const input = parseListInput(body);
  const at = deps.clock.now().toISOString();
  const list: MailingList = {
    id: input.id,
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    public: input.public ?? false,
    archived: false,
    createdAt: at,
    updatedAt: at,
  };
  if (!(await deps.lists.create(list))) throw new ListExistsError(list.id);
  return list;
}

/**
 * Renames, describes, makes public or private, archives or unarchives a list. Archiving keeps the
 * members and their history; it only stops new releases and imports from targeting the list.
 *
 * @throws ValidationError naming each bad field; NotFoundError when there is no such list.
 * @example
 * await updateList('blog', { archived: true }, { lists, subscribers, clock });
 */
export async function updateList(listId: string, body: unknown, deps: ManageListsDeps): Promise<ListWithCounts> {
  const changes = parseListChanges(body);
  const updated = await deps.lists.update(listId, changes, deps.clock.now());
  if (!updated) throw new NotFoundError(`No list "${listId}"`);
  return { ...updated, counts: await countMembers(listId, deps.subscribers) };
}
