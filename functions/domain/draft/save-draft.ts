import type { Clock } from '../ports';
import { ConflictError, NotFoundError } from '../errors';
import { DraftChangedError } from './errors';
import { checkDraftFields, newDraftId, type Draft, type DraftFields } from './draft';
import type { DraftStore } from './ports';

/**
 * Saves what staff composed: a new draft when `id` is absent, else the draft of that id, which must
 * still exist (a draft published meanwhile is not brought back as a draft of the same release) and,
 * when `expectedUpdatedAt` is given (the save the form was opened on), not have been saved since.
 *
 * @throws ValidationError for fields a draft cannot keep; NotFoundError when the draft is gone;
 * DraftChangedError when someone saved it since the form was opened.
 * @example
 * const draft = await saveDraft({ fields, by: 'writer@example.org' }, { drafts, clock });
 */
export async function saveDraft(
  input: { id?: string; fields: DraftFields; by: string; expectedUpdatedAt?: string },
  deps: { drafts: DraftStore; clock: Clock; newId?: (title: string) => string },
): Promise<Draft> {
  const fields = checkDraftFields(input.fields);
  const at = deps.clock.now().toISOString();
  if (input.id) {
    const existing = await deps.drafts.get(input.id);
    if (!existing) throw new NotFoundError(`No draft "${input.id}"`);
    const expected = input.expectedUpdatedAt ?? existing.updatedAt;
    if (existing.updatedAt !== expected) throw new DraftChangedError(existing);
    // A draft a feed source held keeps its post's page, author and date: the compose form does not show them.
    const { url, author, publishedAt } = existing.fields;
    const kept = { ...(url ? { url } : {}), ...(author ? { author } : {}), ...(publishedAt ? { publishedAt } : {}) };
    const draft: Draft = { ...existing, fields: { ...kept, ...fields }, updatedBy: input.by, updatedAt: at };
    if (!(await deps.drafts.update(draft, expected))) {
      // Lost a race with another save or a publish: say which.
      const now = await deps.drafts.get(input.id);
      throw now ? new DraftChangedError(now) : new NotFoundError(`No draft "${input.id}"`);
    }
    return draft;
  }
  const draft: Draft = { id: (deps.newId ?? newDraftId)(fields.title), fields, createdBy: input.by, createdAt: at, updatedBy: input.by, updatedAt: at };
  // Ids carry 32 random bits: a collision is all but impossible, and refused rather than overwritten.
  if (!(await deps.drafts.create(draft))) throw new ConflictError(`Draft id "${draft.id}" is taken; save again`);
  return draft;
}
