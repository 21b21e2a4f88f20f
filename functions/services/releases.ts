import type { Clock, JobQueue } from '../domain/ports';
import type { EmailRenderer, ReleaseStore } from '../domain/release/ports';
import type { FanOutJob, ReleaseStatsStore } from '../domain/delivery/ports';
import type { ListStore } from '../domain/lists/ports';
import type { SocialChannel, SocialPostStore } from '../domain/social/ports';
import { publishRelease, type PublishReleaseResult } from '../domain/release/publish-release';
import { previewRelease, type RenderedRelease } from '../domain/release/preview-release';
import { getReleaseStatus, type ReleaseStatus } from '../domain/release/release-status';
import { startEmbargoedReleases, type StartEmbargoedResult } from '../domain/release/embargo';
import { sendWeeklyDigest, type DigestSchedule, type WeeklyDigestResult } from '../domain/digest/weekly-digest';
import type { ListDirectory } from './lists';

/** What the releases feature reads and writes. */
export interface ReleasesPorts {
  releases: ReleaseStore;
  /** Publishing schedules a release's posts; its status shows them. */
  socialPosts: SocialPostStore;
  /** A release's status shows its send counters. */
  releaseStats: ReleaseStatsStore;
  fanOutQueue: JobQueue<FanOutJob>;
  renderer: EmailRenderer;
  /** The configured channels: a release's social plan defaults to them and is checked against them. */
  channels: ReadonlyMap<string, SocialChannel>;
  /** Which lists a release may target. */
  directory: Pick<ListDirectory, 'activeListResolver'>;
  /** The digest reads its list and which lists are syndicated. */
  lists: Pick<ListStore, 'get' | 'all'>;
  clock: Clock;
}

export interface ReleasesSettings {
  digest: DigestSchedule;
  publicUrl: string;
}

/**
 * Releases: publishing one (stored once, rendered and checked, its social posts scheduled and its
 * send queued), previewing one, its status, the end of embargoes and the weekly digest.
 *
 * @example
 * const result = await releases.publish(body, 'msg_1'); // { releaseId, created, status, warnings }
 */
export class ReleasesService {
  constructor(
    private readonly ports: ReleasesPorts,
    private readonly settings: ReleasesSettings,
  ) {}

  /**
   * Stores a release once however often its webhook is retried, and starts its send and posts.
   *
   * @throws ValidationError naming each bad field; PreflightError when the release has blocking problems.
   */
  async publish(body: unknown, webhookId?: string, publishedBy?: string): Promise<PublishReleaseResult> {
    return publishRelease({ body, webhookId, publishedBy }, { ...this.ports, listIds: await this.ports.directory.activeListResolver() });
  }

  /** Renders and checks a release body without storing or sending it. @throws ValidationError */
  async preview(body: unknown): Promise<RenderedRelease> {
    const { renderer, clock } = this.ports;
    return previewRelease(body, { renderer, listIds: await this.ports.directory.activeListResolver(), now: clock.now() });
  }

  /** The release with its send and each social post. @throws NotFoundError */
  status(releaseId: string): Promise<ReleaseStatus> {
    return getReleaseStatus(releaseId, this.ports);
  }

  /** Starts the send of each release whose embargo has ended (every minute). */
  startEmbargoed(): Promise<StartEmbargoedResult> {
    return startEmbargoedReleases(this.ports);
  }

  /** Sends the weekly digest once, in the hours after its configured day and hour (hourly). */
  sendWeeklyDigest(): Promise<WeeklyDigestResult> {
    return sendWeeklyDigest({ ...this.ports, schedule: this.settings.digest, publicUrl: this.settings.publicUrl });
  }
}
