import type { Clock } from '../domain/ports';
import type { ListStore } from '../domain/lists/ports';
import type { SubscriberStore } from '../domain/subscriber/ports';
import { activeListIds, publicLists, type MailingList } from '../domain/lists/mailing-list';
import { createList, describeList, listLists, updateList, type ListWithCounts } from '../domain/lists/manage-lists';
import { StoredListNames, type ListNames } from '../domain/lists/list-names';
import { listResolver, type ListResolver } from '../domain/lists/list-resolver';
import { recountMembers, type RecountOutcome } from '../domain/lists/recount-members';

/** What the lists feature reads and writes. */
export interface ListsPorts {
  lists: ListStore;
  /** Each list's maintained member counts; paging the members only to recount them. */
  subscribers: Pick<SubscriberStore, 'memberCounts' | 'pageMembers' | 'adjustMemberCounts'>;
  clock: Clock;
}

/**
 * What other features ask about lists: which exist, which anyone may join, what each is called.
 * Always answered from the list store, which staff change through /admin/lists: the start-up
 * configuration only seeds it, so a list created or renamed later is what every feature sees.
 * Consumers depend on the methods they call (`Pick<ListDirectory, 'activeIds'>`).
 */
export interface ListDirectory extends ListNames {
  /** Ids of the lists a release or an import may target: every list that is not archived. */
  activeIds(): Promise<ReadonlySet<string>>;
  /** The same lists, to resolve what staff typed (an id, or a display name such as a CMS tag). */
  activeListResolver(): Promise<ListResolver>;
  /** The lists a subscriber may join by themselves (sign-up form, preference centre). */
  publicLists(): Promise<MailingList[]>;
}

/**
 * The lists feature: staff's list management (with member counts) and the {@link ListDirectory}
 * every other feature reads.
 *
 * @example
 * const lists = new ListsService({ lists: listStore, subscribers, clock });
 * await lists.create({ id: 'events', name: 'Events', public: true });
 * (await lists.activeIds()).has('events'); // true
 */
export class ListsService implements ListDirectory {
  private readonly names: ListNames;

  constructor(private readonly ports: ListsPorts) {
    this.names = new StoredListNames(ports.lists);
  }

  async activeIds(): Promise<ReadonlySet<string>> {
    return activeListIds(await this.ports.lists.all());
  }

  async activeListResolver(): Promise<ListResolver> {
    return listResolver((await this.ports.lists.all()).filter((l) => !l.archived));
  }

  async publicLists(): Promise<MailingList[]> {
    return publicLists(await this.ports.lists.all());
  }

  nameOf(listId: string): Promise<string> {
    return this.names.nameOf(listId);
  }

  /** Every list, archived too, without counts: what a filter or a picker offers. */
  catalogue(): Promise<MailingList[]> {
    return this.ports.lists.all();
  }

  /** Every list with its member counts (staff). */
  all(): Promise<ListWithCounts[]> {
    return listLists(this.ports);
  }

  /** @throws NotFoundError for an unknown list. */
  describe(listId: string): Promise<ListWithCounts> {
    return describeList(listId, this.ports);
  }

  /** @throws ValidationError for a bad body; ConflictError when the id is taken. */
  create(body: unknown): Promise<MailingList> {
    return createList(body, this.ports);
  }

  /**
   * Pages the list's members once and corrects its maintained counts (staff, after a crash could
   * have left them off); a large list answers a continuation to pass back.
   *
   * @throws NotFoundError for an unknown list; ValidationError for a bad continuation.
   */
  recount(listId: string, body: unknown): Promise<RecountOutcome> {
    return recountMembers(listId, body, this.ports);
  }

  /** @throws ValidationError for a bad body; NotFoundError for an unknown list. */
  update(listId: string, body: unknown): Promise<ListWithCounts> {
    return updateList(listId, body, this.ports);
  }
}
