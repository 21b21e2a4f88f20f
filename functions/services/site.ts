import type { Clock } from '../domain/ports';
import type { EmailRenderer, ReleaseStore } from '../domain/release/ports';
import type { ListReader } from '../domain/lists/ports';
import { archivePage, type ArchivePage } from '../domain/feeds/archive';
import { buildFeed, type FeedModel, type FeedRequest } from '../domain/feeds/feeds';
import { webVersion, type WebVersion } from '../domain/release/web-version';

/** What the public site reads. */
export interface SitePorts {
  releases: ReleaseStore;
  lists: ListReader;
  /** Only for an older digest whose email was not rendered at publish. */
  renderer: EmailRenderer;
  clock: Clock;
}

export interface SiteSettings {
  publicUrl: string;
  organisationName: string;
}

/**
 * The public site: each release's web version, the archive and the feeds. Everything here is
 * public and the same for everyone; a release under embargo is not there yet.
 *
 * @example
 * const { releases, next } = await site.archive({ before: query.before, listId: query.list });
 */
export class PublicSite {
  constructor(
    private readonly ports: SitePorts,
    private readonly settings: SiteSettings,
  ) {}

  /**
   * One page of past releases, of every public list or of one.
   * @throws ValidationError for a `before` this archive did not make; NotFoundError for a list that is not public.
   */
  archive(query: { before?: string; listId?: string } = {}): Promise<ArchivePage> {
    return archivePage(query, this.ports);
  }

  /** The feed of all releases or of one public list. @throws NotFoundError for an unknown or private list. */
  feed(request: FeedRequest): Promise<FeedModel> {
    return buildFeed(request, { ...this.ports, ...this.settings });
  }

  /** The web version behind every email's "view in browser" link (`language`: a translation's): a page, or a digest's email. @throws NotFoundError */
  webVersion(releaseId: string, language?: string): Promise<WebVersion> {
    return webVersion(releaseId, { ...this.ports, publicUrl: this.settings.publicUrl }, language);
  }
}
