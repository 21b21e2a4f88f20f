import { NotFoundError } from '../errors';
import type { PublishReleaseResult } from '../release/publish-release';
import { publishBodyOf } from './draft';
import type { DraftStore } from './ports';

/**
 * Publishes a draft through the same use case as the webhook (`publish`: validation, preflight,
 * idempotency by release id, social scheduling, the send), recording who published it, then removes
 * the draft. A crash between the two is repaired by publishing again: the release id is the draft's,
 * so the second publish stores nothing new and the draft is removed then.
 *
 * @throws NotFoundError when there is no such draft; whatever `publish` throws (ValidationError,
 * PreflightError), leaving the draft as it was.
 * @example
 * await publishDraft('spring-update-3f9a1c2b', 'editor@example.org', { drafts, publicUrl, publish: (body, by) => releases.publish(body, undefined, by) });
 */
export async function publishDraft(
  id: string,
  publishedBy: string,
  deps: { drafts: DraftStore; publicUrl: string; publish(body: unknown, publishedBy: string): Promise<PublishReleaseResult> },
): Promise<PublishReleaseResult> {
  const draft = await deps.drafts.get(id);
  if (!draft) throw new NotFoundError(`No draft "${id}"`);
  const result = await deps.publish(publishBodyOf(draft, deps.publicUrl), publishedBy);
  await deps.drafts.remove(id);
  return result;
}
