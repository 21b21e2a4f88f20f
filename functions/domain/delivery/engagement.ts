import { NotFoundError } from '../errors';
import type { ReleaseStore } from '../release/ports';
import type { ReleaseStatsStore } from './ports';

/** What staff see of a release's engagement: aggregates only, never who opened or clicked. */
export interface Engagement {
  releaseId: string;
  /** Whether open and click tracking is switched on for the organisation (off by default). */
  tracking: boolean;
  /** Why the figures need care, in words staff read. */
  note: string;
  /** Recipients who opened at least once, and who clicked at least one link. */
  opened: number;
  clicked: number;
  /** Over delivered messages; 0 while none is delivered. */
  openRate: number;
  clickRate: number;
  /** Readers who clicked each link, most clicked first. */
  links: { url: string; clicks: number }[];
}

const OFF_NOTE =
  'Open and click tracking is off. Switching it on (context engagementTracking) adds a tracking image and rewrites the links of every email; figures are kept per release and per link, never per person.';
const ON_NOTE =
  'Opens are unreliable: Apple Mail Privacy Protection and some other mail apps load every image, so an "open" may be the app rather than the reader. Clicks are a better signal. Figures are counted once per reader and kept per release and per link, never per person.';

/**
 * The engagement of a release's email: opens, clicks and clicks per link, counted in aggregate from
 * the provider's open and click events (see handleMailEvent). With tracking off, all zero and said so.
 *
 * @throws NotFoundError when there is no such release.
 * @example
 * const { opened, clickRate, links } = await readEngagement('spring-update', { releases, releaseStats }, { tracking: true });
 */
export async function readEngagement(
  releaseId: string,
  deps: { releases: Pick<ReleaseStore, 'get'>; releaseStats: Pick<ReleaseStatsStore, 'get' | 'linkClicks'> },
  { tracking }: { tracking: boolean },
): Promise<Engagement> {
  if (!(await deps.releases.get(releaseId))) throw new NotFoundError(`No release ${releaseId}`);
  const [counts, links] = await Promise.all([deps.releaseStats.get(releaseId), deps.releaseStats.linkClicks(releaseId)]);
  // Over the messages delivered, or sent when the stack does not publish delivery events.
  const base = counts.delivered || counts.sent;
  const rate = (n: number) => (base ? n / base : 0);
  return {
    releaseId,
    tracking,
    note: tracking ? ON_NOTE : OFF_NOTE,
    opened: counts.opened,
    clicked: counts.clicked,
    openRate: rate(counts.opened),
    clickRate: rate(counts.clicked),
    links,
  };
}
