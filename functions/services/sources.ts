import type { Clock } from '../domain/ports';
import type { ReleaseStore } from '../domain/release/ports';
import type { SocialChannel } from '../domain/social/ports';
import type { DraftStore } from '../domain/draft/ports';
import type { Draft, DraftFields } from '../domain/draft/draft';
import { PressroomError } from '../domain/errors';
import type { FeedAnswer, SourceReach, SourceStore } from '../domain/source/ports';
import type { SourceView } from '../domain/source/source';
import type { SourceItem } from '../domain/source/source-item';
import type { PollReport } from '../domain/source/poll-source';
import {
  listSources, pollDueSources, pollNow, publishItem, receiveGhostWebhook, registerSource, removeSource, sourceDetails, updateSource,
  type GhostDeliveryResult, type RegisteredSource, type SourcesDeps,
} from '../domain/source/manage-sources';
import type { OutboundFetch } from '../adapters/outbound/guarded-fetch';
import { parseFeed } from '../adapters/feeds/parse-feed';
import { extractArticle } from '../adapters/feeds/extract-article';
import { decodeFeedText } from '../adapters/feeds/decode-feed-text';
import type { ListDirectory } from './lists';
import type { ReleasesService } from './releases';

/** What sources read, write and reach. */
export interface SourcesPorts {
  sources: SourceStore;
  /** Posts are published through the webhook's own use case. */
  releases: Pick<ReleasesService, 'publish'>;
  /** Whether a held post's release exists (staff published its draft). */
  releaseStore: Pick<ReleaseStore, 'get'>;
  /** Hold mode keeps new posts as drafts. */
  drafts: DraftStore;
  directory: Pick<ListDirectory, 'activeListResolver'>;
  /** A held draft's social plan: every configured channel, as a console draft starts. */
  channels: ReadonlyMap<string, SocialChannel>;
  /** The one guarded fetcher (https, public addresses, limits) for feeds and article pages. */
  outboundFetch: OutboundFetch;
  clock: Clock;
}

/** Who a held draft was saved by, so that a draft staff have edited since is left to them. */
export const SOURCE_AUTHOR = 'feed source';

// What feed readers ask for: the feed types first, then anything (a server that only knows XML).
const FEED_TYPES = 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5';
const FEED_LIMITS = { maxBytes: 10 * 1024 * 1024, timeoutMs: 20_000 };
const PAGE_LIMITS = { maxBytes: 5 * 1024 * 1024, timeoutMs: 15_000 };

/**
 * Feed sources and CMS webhooks: staff register where posts come from, the schedule polls feeds,
 * Ghost calls in, and each new or changed post becomes (or corrects) a release.
 *
 * @example
 * const { source } = await sources.register({ url: 'https://example.org/feed/', lists: { Blog: 'blog' }, mode: 'send' }, 'editor@example.org');
 * await sources.pollNow(source.id); // { status: 'ok', seen: 10, published: 0, … }
 */
export class SourcesService {
  constructor(private readonly ports: SourcesPorts) {}

  /** @throws ValidationError */
  async register(body: unknown, by?: string): Promise<RegisteredSource> {
    return registerSource(body, by, await this.deps());
  }

  list(): Promise<SourceView[]> {
    return listSources(this.ports);
  }

  /** @throws NotFoundError */
  get(id: string): Promise<SourceView & { items: SourceItem[] }> {
    return sourceDetails(id, { sources: this.ports.sources, reach: this.reach });
  }

  /** @throws ValidationError, NotFoundError */
  async update(id: string, body: unknown): Promise<SourceView> {
    return updateSource(id, body, await this.deps());
  }

  /** @throws NotFoundError */
  remove(id: string): Promise<void> {
    return removeSource(id, this.ports);
  }

  /** @throws NotFoundError, ValidationError (a Ghost source) */
  async pollNow(id: string): Promise<PollReport> {
    return pollNow(id, await this.deps());
  }

  /** Every due feed (the schedule). */
  async pollDue(): Promise<PollReport[]> {
    return pollDueSources(await this.deps());
  }

  /** @throws NotFoundError */
  async publishItem(sourceId: string, releaseId: string): Promise<SourceItem> {
    return publishItem(sourceId, releaseId, await this.deps());
  }

  /** @throws NotFoundError, GoneError, AuthenticationError, ValidationError */
  receiveGhost(sourceId: string, delivery: { signature: string | undefined; rawBody: string }): Promise<GhostDeliveryResult> {
    return receiveGhostWebhook(sourceId, delivery, { sources: this.ports.sources, reach: this.reach, clock: this.ports.clock });
  }

  private async deps(): Promise<SourcesDeps> {
    return { sources: this.ports.sources, reach: this.reach, clock: this.ports.clock, resolveList: await this.ports.directory.activeListResolver() };
  }

  private readonly reach: SourceReach = {
    fetchFeed: async (url, { etag, lastModified }): Promise<FeedAnswer> => {
      const answer = await this.ports.outboundFetch(url, {
        ...FEED_LIMITS,
        acceptTypes: FEED_TYPES,
        ...(etag ? { ifNoneMatch: etag } : {}),
        ...(lastModified ? { ifModifiedSince: lastModified } : {}),
      });
      if (answer.status === 304) return { notModified: true };
      const contentType = answer.charset ? `${answer.contentType}; charset=${answer.charset}` : answer.contentType;
      return { notModified: false, feed: parseFeed(answer.bytes, contentType, answer.finalUrl), etag: answer.etag, lastModified: answer.lastModified };
    },
    fetchArticle: async (url) => {
      try {
        const page = await this.ports.outboundFetch(url, { ...PAGE_LIMITS, acceptTypes: 'text/html, application/xhtml+xml;q=0.9' });
        const html = decodeFeedText(page.bytes, page.charset ? `${page.contentType}; charset=${page.charset}` : page.contentType);
        return extractArticle(html, page.finalUrl);
      } catch (error) {
        // A page that cannot be fetched leaves the feed's own excerpt as the body.
        if (error instanceof PressroomError) return undefined;
        throw error;
      }
    },
    publish: (body) => this.ports.releases.publish(body),
    hold: (body) => this.hold(body),
    releaseExists: async (releaseId) => (await this.ports.releaseStore.get(releaseId)) !== undefined,
  };

  /**
   * Keeps a post as a draft of its release id; a changed post updates the draft, unless staff have
   * edited it since (then it is theirs).
   */
  private async hold(body: Record<string, unknown>): Promise<void> {
    const id = String(body.id);
    const fields: DraftFields = {
      title: String(body.title),
      format: 'html',
      body: String(body.html),
      ...(typeof body.summary === 'string' ? { summary: body.summary } : {}),
      lists: body.lists as string[],
      tags: (body.tags as string[]) ?? [],
      language: typeof body.language === 'string' ? body.language : 'en',
      social: [...this.ports.channels.keys()].map((channel) => ({ channel, enabled: true })),
      url: String(body.url),
      ...(typeof body.author === 'string' ? { author: body.author } : {}),
      ...(typeof body.publishedAt === 'string' ? { publishedAt: body.publishedAt } : {}),
    };
    const at = this.ports.clock.now().toISOString();
    const existing = await this.ports.drafts.get(id);
    if (existing) {
      if (existing.updatedBy !== SOURCE_AUTHOR) return;
      await this.ports.drafts.update({ ...existing, fields, updatedAt: at }, existing.updatedAt);
      return;
    }
    const draft: Draft = { id, fields, createdBy: SOURCE_AUTHOR, createdAt: at, updatedBy: SOURCE_AUTHOR, updatedAt: at };
    await this.ports.drafts.create(draft);
  }
}
