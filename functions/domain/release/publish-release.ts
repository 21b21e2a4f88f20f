import type { Clock, JobQueue } from '../ports';
import type { EmailRenderer, ReleaseStore } from './ports';
import type { FanOutJob } from '../delivery/ports';
import type { SocialChannel, SocialPostStore } from '../social/ports';
import type { Finding } from './finding';
import { hasBlocking } from './preflight';
import { PreflightError } from './errors';
import { ValidationError } from '../errors';
import { renderAndCheck } from './preview-release';
import { isPublic, newRelease, type Release } from './release';
import { parseReleaseInput } from './release-input';
import type { TargetLists } from '../lists/list-resolver';
import { SendStatus } from './send-status';
import { scheduledPostsFor } from '../social/schedule-posts';

export interface PublishReleaseDeps {
  releases: ReleaseStore;
  socialPosts: SocialPostStore;
  fanOutQueue: JobQueue<FanOutJob>;
  renderer: EmailRenderer;
  clock: Clock;
  /** The lists a release may target (not archived), by id or display name. */
  listIds: TargetLists;
  /** The configured social channels: a release's plan defaults to all of them and is checked against them. */
  channels: ReadonlyMap<string, Pick<SocialChannel, 'check'>>;
}

export interface PublishReleaseResult {
  releaseId: string;
  /** False when this webhook id or release id had been seen before: nothing new was stored. */
  created: boolean;
  status: SendStatus;
  /** Preflight warnings stored with the release. */
  warnings: Finding[];
}

/**
 * Stores a release once and starts its email send and social posts.
 *
 * Safe to call any number of times for the same webhook id or release id: the release is stored
 * once, and as long as its send is still `queued` the follow-up work (social posts, fan-out job) is
 * requested again. Those steps are idempotent themselves, so a crash between any two of them is
 * repaired by the sender's retry instead of leaving a release stored but never sent.
 *
 * An embargoed release is stored and its social posts scheduled for after the embargo, but its
 * fan-out is left to the `release-embargoed` schedule, which starts it once the embargo has passed.
 *
 * `publishedBy` names the staff member who published from the console (never taken from the body,
 * which a CMS sends).
 *
 * @throws ValidationError naming each bad field.
 * @example
 * await publishRelease({ body, webhookId: 'msg_1' }, { releases, socialPosts, fanOutQueue, renderer, clock, listIds, channels });
 */
export async function publishRelease(
  input: { body: unknown; webhookId?: string; publishedBy?: string },
  deps: PublishReleaseDeps,
): Promise<PublishReleaseResult> {
  const now = deps.clock.now();
  const seenFor = input.webhookId ? await deps.releases.getWebhookRelease(input.webhookId) : undefined;
  let release: Release | undefined = seenFor ? await deps.releases.get(seenFor) : undefined;
  let created = false;
  if (!release) {
    const parsed = parseReleaseInput(input.body, { listIds: deps.listIds, channels: deps.channels, now });
    const existing = await deps.releases.get(parsed.id);
    if (existing) release = existing;
    else {
      // Render and lint before storing: a release with blocking findings is refused (422) and never
      // half-exists. The rendering is kept, so every recipient later gets exactly this email.
      const { release: fresh, rendered, findings } = await renderAndCheck(newRelease(parsed, now, [...deps.channels.keys()]), deps.renderer);
      if (hasBlocking(findings)) throw new PreflightError(findings);
      const stored = await deps.releases.create({ ...storedForm(fresh), warnings: findings, ...(input.publishedBy ? { publishedBy: input.publishedBy } : {}) });
      release = stored.release;
      created = stored.created;
      if (created) await deps.releases.saveRendered(release.id, rendered);
    }
    // Recorded after the release itself: a crash in between only means the retry finds the release by id.
    if (input.webhookId) await deps.releases.rememberWebhook(input.webhookId, release.id, now);
  }
  if (release.sendStatus === SendStatus.Queued) {
    await deps.socialPosts.schedule(await scheduledPostsFor(release, now, [...deps.channels.keys()]));
    if (isPublic(release, now)) await deps.fanOutQueue.send([{ releaseId: release.id }]);
  }
  return { releaseId: release.id, created, status: release.sendStatus, warnings: release.warnings ?? [] };
}

/**
 * DynamoDB refuses items over 400 KB; the body as kept must leave room for the rest of the release
 * (a Markdown body grows when it becomes HTML, so the input limits alone do not bound it).
 */
export const MAX_BODY_BYTES = 350_000;

/**
 * What is stored of a new release: the canonical body instead of the form it arrived in, which no
 * reader needs once the body is kept (and which would double the item's size).
 *
 * @throws ValidationError when the body is too large to store.
 */
function storedForm(release: Release): Release {
  const { html, markdown, ...kept } = release;
  const bytes = Buffer.byteLength(kept.body ?? '');
  if (bytes > MAX_BODY_BYTES) {
    const field = html !== undefined ? 'html' : 'markdown';
    throw new ValidationError([{ field, message: `the body is ${Math.ceil(bytes / 1000)} KB once sanitised; at most ${MAX_BODY_BYTES / 1000} KB` }]);
  }
  return kept;
}
