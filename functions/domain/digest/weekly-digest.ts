import type { Clock, JobQueue } from '../ports';
import type { EmailRenderer, ReleaseStore } from '../release/ports';
import type { FanOutJob } from '../delivery/ports';
import type { ListReader } from '../lists/ports';
import { PreflightError } from '../release/errors';
import { hasBlocking } from '../release/preflight';
import { renderAndCheck } from '../release/preview-release';
import { ReleaseKind, type Release } from '../release/release';
import { SendStatus } from '../release/send-status';
import type { DigestItem } from './digest-content';
import { releaseBody } from '../release/release-body';
import { releaseSummary } from '../release/release-summary';
import { syndicatedListIds } from '../feeds/listing';

/** When the digest goes out, in the organisation's own time zone. */
export interface DigestSchedule {
  /** The list whose subscribers get the digest. */
  listId: string;
  /** 1 = Monday … 7 = Sunday (ISO 8601). */
  weekday: number;
  /** Hour of the day, 0–23. */
  hour: number;
  /** IANA time zone, e.g. `America/New_York`. */
  timeZone: string;
  /** Language of the digest email. */
  language: string;
}

export interface WeeklyDigestDeps {
  releases: ReleaseStore;
  lists: ListReader;
  renderer: EmailRenderer;
  fanOutQueue: JobQueue<FanOutJob>;
  clock: Clock;
  schedule: DigestSchedule;
  /** Public base URL: the digest's own link points at the archive. */
  publicUrl: string;
}

export const DigestOutcome = {
  /** This run stored the digest and requested its send. */
  Sent: 'sent',
  /** The digest of this week exists already (another run, or an earlier one). */
  AlreadySent: 'already-sent',
  /** No release was published in the week: nothing is sent. */
  Skipped: 'skipped',
  /** The digest list does not exist or is archived. */
  NoList: 'no-list',
  /** Not the hour of the week for a digest (or too long after it). */
  NotDue: 'not-due',
} as const;
export type DigestOutcome = (typeof DigestOutcome)[keyof typeof DigestOutcome];

export interface WeeklyDigestResult {
  outcome: DigestOutcome;
  digestId?: string;
  items?: number;
}

/** A run this long after the digest hour still sends it (a missed schedule, a deploy); later, it waits a week. */
const CATCH_UP_MS = 6 * 3_600_000;
const WEEK_MS = 7 * 86_400_000;
/** Releases one store read asks for; the week's releases are the newest, so one read usually does. */
const READ_SIZE = 50;

/**
 * Sends the weekly digest once per week: the week's releases as summaries with links, to the
 * digest list, through the same fan-out and send workers as a release (so the same unsubscribe
 * links, suppression and rate apply). Run it every hour: it acts only in the hours after the
 * configured weekday and hour, and the digest's id (`weekly-digest-<local date>`) makes every later
 * run find it stored. A week with no release sends nothing.
 *
 * @throws PreflightError when the rendered digest has blocking findings (a broken template).
 * @example
 * await sendWeeklyDigest({ releases, lists, renderer, fanOutQueue, clock, publicUrl, schedule: { listId: 'weekly', weekday: 1, hour: 9, timeZone: 'UTC', language: 'en' } });
 */
export async function sendWeeklyDigest(deps: WeeklyDigestDeps): Promise<WeeklyDigestResult> {
  const now = deps.clock.now();
  const { sendAt, localDate } = latestDigestTime(now, deps.schedule);
  if (now.getTime() - sendAt.getTime() > CATCH_UP_MS) return { outcome: DigestOutcome.NotDue };
  const digestId = `weekly-digest-${localDate}`;

  const existing = await deps.releases.get(digestId);
  if (existing) {
    // A crash between storing the digest and queueing its fan-out is repaired here, as at publish.
    if (existing.sendStatus === SendStatus.Queued) await deps.fanOutQueue.send([{ releaseId: digestId }]);
    return { outcome: DigestOutcome.AlreadySent, digestId };
  }
  const list = await deps.lists.get(deps.schedule.listId);
  if (!list || list.archived) return { outcome: DigestOutcome.NoList };

  const from = new Date(sendAt.getTime() - WEEK_MS);
  const items = await releasesBetween(deps, from, sendAt, now);
  if (items.length === 0) return { outcome: DigestOutcome.Skipped, digestId };

  const digest = digestRelease({ digestId, from, to: sendAt, items, now, schedule: deps.schedule, publicUrl: deps.publicUrl });
  const { release, rendered, findings } = await renderAndCheck(digest, deps.renderer);
  if (hasBlocking(findings)) throw new PreflightError(findings);
  const stored = await deps.releases.create({ ...release, warnings: findings });
  if (stored.created) await deps.releases.saveRendered(digestId, rendered);
  await deps.fanOutQueue.send([{ releaseId: digestId }]);
  return { outcome: stored.created ? DigestOutcome.Sent : DigestOutcome.AlreadySent, digestId, items: items.length };
}

/** The week's public releases to public lists, oldest first. */
async function releasesBetween(deps: WeeklyDigestDeps, from: Date, to: Date, now: Date): Promise<DigestItem[]> {
  const syndicated = syndicatedListIds(await deps.lists.all());
  const found: Release[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await deps.releases.listPublished({ before, limit: READ_SIZE, now });
    for (const release of page.releases) {
      const at = Date.parse(release.publishedAt);
      if (at >= to.getTime() || !release.lists.some((l) => syndicated.has(l))) continue;
      if (at < from.getTime()) return Promise.all(found.reverse().map(itemOf));
      found.push(release);
    }
    if (!page.next) return Promise.all(found.reverse().map(itemOf));
    before = page.next;
  }
}

async function itemOf(release: Release): Promise<DigestItem> {
  return {
    id: release.id,
    title: release.title,
    url: release.url,
    summary: releaseSummary(release, await releaseBody(release)),
    publishedAt: release.publishedAt,
  };
}

function digestRelease(o: {
  digestId: string; from: Date; to: Date; items: DigestItem[]; now: Date; schedule: DigestSchedule; publicUrl: string;
}): Release {
  const at = o.now.toISOString();
  return {
    id: o.digestId,
    kind: ReleaseKind.Digest,
    // The renderer writes the title in the digest's language; this one is for staff and the subject fallback.
    title: `Weekly digest ${o.from.toISOString().slice(0, 10)} – ${o.to.toISOString().slice(0, 10)}`,
    url: `${o.publicUrl.replace(/\/+$/, '')}/archive`,
    lists: [o.schedule.listId],
    tags: [],
    publishedAt: o.to.toISOString(),
    language: o.schedule.language,
    receivedAt: at,
    sendStatus: SendStatus.Queued,
    statusChangedAt: at,
    social: [],
    digest: { from: o.from.toISOString(), to: o.to.toISOString(), items: o.items },
  };
}

/**
 * The most recent digest time at or before `now`: the schedule's weekday and hour on the wall
 * clock of its time zone (so it follows daylight saving time), and that local date.
 *
 * @example
 * latestDigestTime(new Date('2026-11-30T14:00:00Z'), { weekday: 1, hour: 9, timeZone: 'America/New_York', … });
 * // { sendAt: 2026-11-30T14:00:00.000Z, localDate: '2026-11-30' }
 */
export function latestDigestTime(now: Date, schedule: Pick<DigestSchedule, 'weekday' | 'hour' | 'timeZone'>): { sendAt: Date; localDate: string } {
  for (let daysBack = 0; daysBack <= 8; daysBack++) {
    const day = localParts(new Date(now.getTime() - daysBack * 86_400_000), schedule.timeZone);
    if (day.weekday !== schedule.weekday) continue;
    const sendAt = zonedTime(day.year, day.month, day.day, schedule.hour, schedule.timeZone);
    if (sendAt.getTime() <= now.getTime()) return { sendAt, localDate: isoDate(day) };
  }
  throw new Error('unreachable: every week has the weekday');
}

interface LocalDay {
  year: number;
  month: number;
  day: number;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function localParts(at: Date, timeZone: string): LocalDay & { hour: number; minute: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), weekday: WEEKDAYS[parts.weekday],
    hour: Number(parts.hour), minute: Number(parts.minute),
  };
}

/** The instant the wall clock of `timeZone` shows `hour`:00 on that date (the later one in a DST gap). */
function zonedTime(year: number, month: number, day: number, hour: number, timeZone: string): Date {
  const wanted = Date.UTC(year, month - 1, day, hour);
  let guess = wanted;
  // Two rounds settle the offset, including on the days the clocks change.
  for (let round = 0; round < 2; round++) {
    const shown = localParts(new Date(guess), timeZone);
    const shownAsUtc = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute);
    guess += wanted - shownAsUtc;
  }
  return new Date(guess);
}

function isoDate({ year, month, day }: LocalDay): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
