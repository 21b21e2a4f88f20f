import type { Clock } from '../ports';
import type { ListStore } from './ports';
import type { SubscriberStore } from '../subscriber/ports';
import { ConflictError, NotFoundError } from '../errors';
import { emptyMemberCounts, type MemberCounts } from '../subscriber/member-counts';
import { parseListChanges, parseListInput, type MailingList } from './mailing-list';

/** A list id that is already taken (409 at the edge). */
export class ListExistsError extends ConflictError {
  constructor(readonly listId: string) {
    super(`A list with the id "${listId}" already exists`);
    this.name = 'ListExistsError';
  }
}

/** Members of a list by standing (see {@link MemberCounts}: a suppressed confirmed member counts as `suppressed`). */
export type ListCounts = MemberCounts;

export type ListWithCounts = MailingList & { counts: ListCounts };

export interface ManageListsDeps {
  lists: ListStore;
  /**
   * Only to read each list's counts, which the subscriber store keeps as memberships change: an
   * answer reads a few counter items whatever the size of the list (paging a million memberships
   * would read ~300 MB).
   */
  subscribers: Pick<SubscriberStore, 'memberCounts'>;
  clock: Clock;
}

async function countsOf(listId: string, subscribers: ManageListsDeps['subscribers']): Promise<ListCounts> {
  return (await subscribers.memberCounts([listId])).get(listId) ?? emptyMemberCounts();
}

/**
 * Every list, archived ones included, each with its member counts.
 *
 * @example
 * const lists = await listLists({ lists, subscribers, clock });
 */
export async function listLists(deps: ManageListsDeps): Promise<ListWithCounts[]> {
  const all = (await deps.lists.all()).sort((a, b) => a.id.localeCompare(b.id));
  const counts = await deps.subscribers.memberCounts(all.map((list) => list.id));
  return all.map((list) => ({ ...list, counts: counts.get(list.id) ?? emptyMemberCounts() }));
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
  return { ...list, counts: await countsOf(listId, deps.subscribers) };
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
    ...(input.names && Object.keys(input.names).length ? { names: input.names } : {}),
    ...(input.descriptions && Object.keys(input.descriptions).length ? { descriptions: input.descriptions } : {}),
    public: input.public ?? false,
    archived: false,
    createdAt: at,
    updatedAt: at,
  };
  if (!(await deps.lists.create(list))) throw new ListExistsError(list.id);
  return list;
}

/**
 * Renames, describes (in other languages too: `names`, `descriptions`, each replacing the map it
 * names), makes public or private, archives or unarchives a list. Archiving keeps the
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
  return { ...updated, counts: await countsOf(listId, deps.subscribers) };
}
