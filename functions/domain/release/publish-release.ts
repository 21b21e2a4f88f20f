import type { Clock, JobQueue } from '../ports';
import type { EmailRenderer, ReleaseStore } from './ports';
import type { FanOutJob } from '../delivery/ports';
import type { SocialChannel, SocialPostStore } from '../social/ports';
import { FindingSeverity, type Finding } from './finding';
import { hasBlocking } from './preflight';
import { PreflightError } from './errors';
import { ConflictError, ValidationError } from '../errors';
import { renderAndCheck, type RenderedRelease } from './preview-release';
import { isPublic, newRelease, ReleaseKind, revisionOf, type Release } from './release';
import { parseReleaseInput, type ReleaseInput } from './release-input';
import { correctionOf, revisionRecord } from './correction';
import type { RenderedEmail } from './rendered-email';
import { withBody } from './sanitise';
import type { TargetLists } from '../lists/list-resolver';
import { SendStatus } from './send-status';
import { scheduledPostsFor, summaryOf } from '../social/schedule-posts';

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
  /** False when this webhook id or release id had been seen before. */
  created: boolean;
  /** True when the release existed and this body changed its content: a correction was made. */
  updated: boolean;
  /** The revision the release is at after this call (1 until its first correction). */
  revision: number;
  status: SendStatus;
  /** Preflight warnings stored with the release (a correction's own, for a correction). */
  warnings: Finding[];
}

/** How often a correction compares again after losing a race with another correction. */
const CORRECTION_ATTEMPTS = 3;

/**
 * Stores a release once and starts its email send and social posts; a changed body for an existing
 * id is a correction of its content (see {@link correctRelease}).
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
  let corrected: { release: Release; warnings: Finding[] } | undefined;
  if (!release) {
    const parsed = parseReleaseInput(input.body, { listIds: deps.listIds, channels: deps.channels, now });
    const candidate = newRelease(parsed, now, [...deps.channels.keys()]);
    const existing = await deps.releases.get(parsed.id);
    if (existing) {
      corrected = await correctRelease(existing, candidate, parsed, input.publishedBy, deps);
      release = corrected?.release ?? existing;
    } else {
      // Render and lint before storing: a release with blocking findings is refused (422) and never
      // half-exists. The rendering is kept, so every recipient later gets exactly this email.
      const { release: fresh, rendered, translated, findings } = await renderAndCheck(candidate, deps.renderer);
      if (hasBlocking(findings)) throw new PreflightError(findings);
      const stored = await deps.releases.create({ ...storedForm(fresh), warnings: findings, ...(input.publishedBy ? { publishedBy: input.publishedBy } : {}) });
      release = stored.release;
      created = stored.created;
      if (created) await saveRenderings(release.id, rendered, translated, deps);
    }
    // Recorded after the release itself: a crash in between only means the retry finds the release by id.
    if (input.webhookId) await deps.releases.rememberWebhook(input.webhookId, release.id, now);
  }
  if (!created && !corrected) await repairRevision(release, deps);
  if (release.sendStatus === SendStatus.Queued) {
    await deps.socialPosts.schedule(await scheduledPostsFor(release, now, [...deps.channels.keys()]));
    if (isPublic(release, now)) await deps.fanOutQueue.send([{ releaseId: release.id }]);
  }
  return {
    releaseId: release.id,
    created,
    updated: !!corrected,
    revision: revisionOf(release),
    status: release.sendStatus,
    warnings: corrected?.warnings ?? release.warnings ?? [],
  };
}

/**
 * A republished release whose content changed: the web version, archive and feeds show the new
 * revision, social posts not yet made carry the new summary, and emails still to be sent are built
 * from the new rendering; emails already sent are not sent again (the deliveries are unchanged).
 * Returns undefined when the content is the same: a plain duplicate.
 *
 * @throws PreflightError when the corrected release has blocking problems (nothing is changed).
 */
async function correctRelease(
  stored: Release,
  candidate: Release,
  input: ReleaseInput,
  by: string | undefined,
  deps: PublishReleaseDeps,
): Promise<{ release: Release; warnings: Finding[] } | undefined> {
  const proposed = withBody(candidate);
  let current = stored;
  for (let attempt = 1; ; attempt++) {
    const correction = correctionOf(withBody(current), storedForm(proposed) as Release & { body: string }, input, deps.clock.now(), by);
    if (!correction) return undefined;
    const { rendered, translated, findings } = await renderAndCheck(correction.release, deps.renderer);
    if (hasBlocking(findings)) throw new PreflightError(findings);
    const warnings = [...findings, ...ignoredFindings(correction.ignored), ...staleTranslationFindings(correction.changed, current, input)];
    if (await deps.releases.correct(revisionRecord(withBody(current)), correction.release)) {
      await applyRevision(correction.release, { rendered, translated }, deps);
      return { release: correction.release, warnings };
    }
    // Another correction won the race: compare again with what it stored.
    const latest = await deps.releases.get(stored.id);
    if (!latest || attempt >= CORRECTION_ATTEMPTS) throw new ConflictError(`Release "${stored.id}" is being corrected by another request; send it again`);
    current = latest;
  }
}

/** What follows a stored correction; each step is idempotent, so {@link repairRevision} can redo them. */
async function applyRevision(release: Release, emails: Pick<RenderedRelease, 'rendered' | 'translated'>, deps: PublishReleaseDeps): Promise<void> {
  const revision = revisionOf(release);
  await saveRenderings(
    release.id,
    { ...emails.rendered, revision },
    emails.translated.map(({ language, rendered }) => ({ language, rendered: { ...rendered, revision } })),
    deps,
  );
  await deps.socialPosts.refreshSummary(release.id, await summaryOf(release));
}

/**
 * Stores each version's email: translations first and the release's own last, because the fan-out
 * takes the own rendering as the sign that publishing finished (and renders any version missing).
 */
async function saveRenderings(id: string, rendered: RenderedEmail, translated: RenderedRelease['translated'], deps: PublishReleaseDeps): Promise<void> {
  for (const version of translated) await deps.releases.saveRendered(id, version.rendered, version.language);
  await deps.releases.saveRendered(id, rendered);
}

/**
 * A duplicate of a corrected release: if the correction's process stopped before its rendering was
 * stored (a crash), the same body sent again finishes the job instead of leaving the old email.
 */
async function repairRevision(release: Release, deps: PublishReleaseDeps): Promise<void> {
  if (revisionOf(release) === 1 || release.kind === ReleaseKind.Digest) return;
  const rendered = await deps.releases.getRendered(release.id);
  if ((rendered?.revision ?? 1) >= revisionOf(release)) return;
  await applyRevision(release, await renderAndCheck(release, deps.renderer), deps);
}

/** Fields a correction cannot change, said as a warning rather than refused, so a CMS's retry stops. */
function ignoredFindings(ignored: string[]): Finding[] {
  if (!ignored.length) return [];
  return [
    {
      code: 'correction-keeps-fields',
      severity: FindingSeverity.Warning,
      message: `A correction changes a release's content only: ${ignored.join(', ')} kept as published`,
    },
  ];
}

/**
 * The original changed and its translations were kept as they were (none given): said as a warning,
 * since readers of a translation otherwise get the uncorrected words.
 */
function staleTranslationFindings(changed: readonly string[], stored: Release, input: ReleaseInput): Finding[] {
  if (input.translations !== undefined || !stored.translations?.length) return [];
  if (!changed.some((field) => field === 'title' || field === 'body' || field === 'summary')) return [];
  return [
    {
      code: 'correction-translations-kept',
      severity: FindingSeverity.Warning,
      message: `The translations (${stored.translations.map((t) => t.language).join(', ')}) were kept as they were: send them with the correction to correct them too`,
    },
  ];
}

/**
 * DynamoDB refuses items over 400 KB; the body as kept must leave room for the rest of the release
 * (a Markdown body grows when it becomes HTML, so the input limits alone do not bound it). The bound
 * is on the body and its translations' bodies together: they are stored in the release's own item,
 * so that every reader of a release (the sender, the web version, the feeds) still reads one item.
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
  const translations = kept.translations?.map(({ html: _h, markdown: _m, ...t }) => t);
  const own = Buffer.byteLength(kept.body ?? '');
  const bytes = own + (translations ?? []).reduce((sum, t) => sum + Buffer.byteLength(t.body ?? ''), 0);
  if (bytes > MAX_BODY_BYTES) {
    const field = own > MAX_BODY_BYTES || !translations?.length ? (html !== undefined ? 'html' : 'markdown') : 'translations';
    const what = translations?.length ? 'the body and its translations are' : 'the body is';
    const limit = `at most ${MAX_BODY_BYTES / 1000} KB${translations?.length ? ' together' : ''}`;
    throw new ValidationError([{ field, message: `${what} ${Math.ceil(bytes / 1000)} KB once sanitised; ${limit}` }]);
  }
  return translations ? { ...kept, translations } : kept;
}
