/** Where mailing lists are kept. */
import type { ListChanges, MailingList } from './mailing-list';

export interface ListStore {
  all(): Promise<MailingList[]>;
  get(id: string): Promise<MailingList | undefined>;
  /** Creates a list; false when the id is taken. */
  create(list: MailingList): Promise<boolean>;
  update(id: string, changes: ListChanges, now: Date): Promise<MailingList | undefined>;
}

/** The read side of {@link ListStore}: what features that only look at lists depend on. */
export type ListReader = Pick<ListStore, 'get' | 'all'>;
