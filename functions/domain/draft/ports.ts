/** Where drafts are kept; adapters implement it (DynamoDB: adapters/dynamodb/draft-store.ts). */
import type { Draft } from './draft';

/** A draft as the drafts list shows it. */
export type DraftSummary = Pick<Draft, 'id' | 'createdBy' | 'updatedBy' | 'updatedAt'> & { title: string };

export interface DraftStore {
  /** Stores a new draft; false when the id is taken. */
  create(draft: Draft): Promise<boolean>;
  /**
   * Replaces a draft that still exists and was last saved at `expectedUpdatedAt`; false when it is
   * gone (published or removed meanwhile) or someone saved it since.
   */
  update(draft: Draft, expectedUpdatedAt: string): Promise<boolean>;
  get(id: string): Promise<Draft | undefined>;
  /** Every draft, most recently changed first. */
  list(): Promise<DraftSummary[]>;
  /** Removes a draft; removing one that is gone is not an error. */
  remove(id: string): Promise<void>;
}
