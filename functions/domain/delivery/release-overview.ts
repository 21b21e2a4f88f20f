/**
 * The staff list of releases: newest first, each with its send's progress (the same figures as
 * `GET /admin/releases/{id}/send`), filtered by send status and list, a page at a time.
 */
import type { SocialPostStore } from '../social/ports';
import type { SocialPostStatus } from '../social/social-post';
import { ValidationError, type FieldIssue } from '../errors';
import type { ReleaseStore, StaffReleaseQuery } from '../release/ports';
import { SendStatus } from '../release/send-status';
import type { Release } from '../release/release';
import type { ReleaseStatsStore } from './ports';
import { buildSendProgress, type SendProgress } from './send-progress';

export const DEFAULT_OVERVIEW_LIMIT = 25;
export const MAX_OVERVIEW_LIMIT = 100;

/** One line of the list: what a release is, and how its send goes. */
export interface ReleaseOverview {
  id: string;
  title: string;
  kind: NonNullable<Release['kind']>;
  publishedAt: string;
  lists: string[];
  embargoUntil?: string;
  /** The staff member who published it from the console, when one did. */
  publishedBy?: string;
  progress: SendProgress;
  /** Each social channel's post and where it stands (scheduled, posting, posted, failed). */
  social: { channel: string; status: SocialPostStatus }[];
}

export interface ReleaseOverviewPage {
  releases: ReleaseOverview[];
  /** Pass back as `cursor` for the next (older) page; absent on the last page. */
  next?: string;
}

const STATUSES: readonly string[] = Object.values(SendStatus);

/**
 * Reads `?limit=&cursor=&status=&list=` (each optional) into a store query.
 *
 * @example
 * parseReleaseQuery({ limit: '10', status: 'sending' }); // { limit: 10, status: 'sending' }
 * @throws ValidationError naming each parameter that is out of range or unknown.
 */
export function parseReleaseQuery(params: Record<string, string | undefined>): StaffReleaseQuery {
  const issues: FieldIssue[] = [];
  let limit = DEFAULT_OVERVIEW_LIMIT;
  if (params.limit !== undefined && params.limit !== '') {
    limit = Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_OVERVIEW_LIMIT) issues.push({ field: 'limit', message: `must be a whole number from 1 to ${MAX_OVERVIEW_LIMIT}` });
  }
  const status = params.status || undefined;
  if (status && !STATUSES.includes(status)) issues.push({ field: 'status', message: `must be one of ${STATUSES.join(', ')}` });
  const listId = params.list || undefined;
  if (listId && !/^[a-z0-9][a-z0-9-]{0,63}$/.test(listId)) issues.push({ field: 'list', message: 'is not a list id' });
  if (issues.length) throw new ValidationError(issues, 'Invalid query');
  return { limit, before: params.cursor || undefined, status: status as SendStatus | undefined, listId };
}

/**
 * A page of releases for staff with each send's progress and social posts. Reads the page, then
 * each release's counters and posts (a few items each, read in parallel).
 *
 * @example
 * const page = await listReleaseOverviews(parseReleaseQuery(event.queryStringParameters ?? {}), { releases, releaseStats, socialPosts });
 * @throws ValidationError for a cursor the list did not hand out.
 */
export async function listReleaseOverviews(
  query: StaffReleaseQuery,
  deps: { releases: Pick<ReleaseStore, 'listForStaff'>; releaseStats: Pick<ReleaseStatsStore, 'get'>; socialPosts: Pick<SocialPostStore, 'listForRelease'> },
): Promise<ReleaseOverviewPage> {
  const page = await deps.releases.listForStaff(query);
  const releases = await Promise.all(
    page.releases.map(async (release) => ({
      id: release.id,
      title: release.title,
      kind: release.kind ?? 'release',
      publishedAt: release.publishedAt,
      lists: release.lists,
      ...(release.embargoUntil ? { embargoUntil: release.embargoUntil } : {}),
      ...(release.publishedBy ? { publishedBy: release.publishedBy } : {}),
      progress: buildSendProgress(release, await deps.releaseStats.get(release.id)),
      social: (await deps.socialPosts.listForRelease(release.id)).map((post) => ({ channel: post.channel, status: post.status })),
    })),
  );
  return { releases, ...(page.next ? { next: page.next } : {}) };
}
