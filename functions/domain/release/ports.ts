/** What the release feature stores and renders through; adapters implement these. */
import type { Release } from './release';
import type { RenderedEmail } from './rendered-email';
import type { SendStatus } from './send-status';
import type { SendStatusChanges } from './release';
import type { ReleaseRevision } from './correction';

/** Result of storing a release: `created` is false when the id was already known. */
export interface StoreReleaseResult {
  created: boolean;
  release: Release;
}

export interface ReleaseStore {
  /** Stores a release unless one with the same id exists; never overwrites. */
  create(release: Release): Promise<StoreReleaseResult>;
  /**
   * The release as last written; `{ consistent: false }` may miss a write from the last moment
   * (typically under a second) for half the read units, which a release item's body makes several.
   */
  get(id: string, options?: { consistent?: boolean }): Promise<Release | undefined>;
  /**
   * Stores the rendered email of a revision (`rendered.revision`, 1 when absent): a second call for
   * the same or an older revision keeps and returns the stored rendering; a newer one replaces it.
   */
  saveRendered(id: string, rendered: RenderedEmail, language?: string): Promise<RenderedEmail>;
  /**
   * The rendered email of the release's own language, or (with `language`) of its translation into
   * that language: each version is rendered once, stored beside the release.
   */
  getRendered(id: string, language?: string): Promise<RenderedEmail | undefined>;
  /**
   * Conditional status move; returns false when the release was not in `from`. `changes` are
   * written in the same conditional write (`null` removes a field). Moving `queued → sending` (the
   * fan-out) also sets `sendStartedAt` the first time.
   */
  transition(id: string, from: SendStatus[], to: SendStatus, now: Date, changes?: SendStatusChanges): Promise<boolean>;
  /**
   * Records that the fan-out enqueued its last send job: sets `planningFinishedAt` and `targeted`
   * (the number of distinct deliveries planned, the figure completion compares ended deliveries
   * with). First call wins; returns false when planning was already recorded as finished.
   */
  markPlanningFinished(id: string, targeted: number, now: Date): Promise<boolean>;
  /** Embargoed releases whose embargo has ended by `now` and whose send was not yet started, oldest first. */
  listEmbargoEnded(now: Date, limit: number): Promise<Release[]>;
  /** Takes a release off the embargoed list, once its send has been started. */
  embargoEnded(id: string): Promise<void>;
  /**
   * A correction: keeps `previous` (the stored content's revision record), then replaces the
   * release's content with `corrected`'s, only if the release is still at `previous.revision`.
   * False when another correction got there first.
   */
  correct(previous: ReleaseRevision, corrected: Release): Promise<boolean>;
  /** The revision records kept by corrections, oldest first (the current content is the release itself). */
  listRevisions(id: string): Promise<ReleaseRevision[]>;
  /** Remembers which release a webhook delivery carried (first record wins). */
  rememberWebhook(webhookId: string, releaseId: string, now: Date): Promise<void>;
  /** The release a webhook id carried, if that delivery was seen before. */
  getWebhookRelease(webhookId: string): Promise<string | undefined>;
  /**
   * One page of the releases listed at `now` (`isListed` in domain/feeds/listing.ts: embargo passed,
   * no digests), newest `publishedAt` first, strictly older than the `before` cursor. `next` is the
   * cursor of the page's last release, absent when nothing older is listed.
   *
   * @throws ValidationError for a cursor that `releaseCursor` did not make.
   */
  listPublished(options: { before?: string; limit: number; now: Date }): Promise<PublishedReleasesPage>;
  /**
   * One page of every release (embargoed and digests too) for staff, newest `publishedAt` first,
   * strictly older than the `before` cursor, keeping only those with `status` and on `listId` when
   * given. `next` as in {@link listPublished}. Releases come without their bodies.
   *
   * @throws ValidationError for a cursor that `releaseCursor` did not make.
   */
  listForStaff(options: StaffReleaseQuery): Promise<PublishedReleasesPage>;
}

/** What staff filter the list of releases by (GET /admin/releases, the console's releases page). */
export interface StaffReleaseQuery {
  before?: string;
  limit: number;
  status?: SendStatus;
  listId?: string;
}

/** A page of {@link ReleaseStore.listPublished}. */
export interface PublishedReleasesPage {
  releases: Release[];
  next?: string;
}

/** Turns a release into the email every recipient gets, with recipient placeholders left in. */
export interface EmailRenderer {
  render(release: Release): Promise<RenderedEmail>;
}
