import { ConflictError } from '../errors';
import type { Draft } from './draft';

/** Someone saved the draft after this edit began: saving would overwrite their changes unseen. */
export class DraftChangedError extends ConflictError {
  readonly updatedBy: string;
  readonly updatedAt: string;
  constructor(current: Pick<Draft, 'id' | 'updatedBy' | 'updatedAt'>) {
    super(`Draft "${current.id}" was saved by ${current.updatedBy} at ${current.updatedAt} since it was opened`, { updatedBy: current.updatedBy, updatedAt: current.updatedAt });
    this.name = 'DraftChangedError';
    this.updatedBy = current.updatedBy;
    this.updatedAt = current.updatedAt;
  }
}
