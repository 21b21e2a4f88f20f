import { SourcesService } from '../../services/sources';
import type { ServiceFactory } from '../compose';
import { releasesService } from './releases';
import { listsService } from './lists';

/**
 * Sources over their store; posts are published through the releases service built here from the
 * same adapters (so a post from a feed publishes exactly as the webhook's does), and fetched through
 * the one guarded fetcher.
 */
export const sourcesService: ServiceFactory<'sources'> = (adapters, settings) =>
  new SourcesService({
    sources: adapters.sources,
    releases: releasesService(adapters, settings),
    releaseStore: adapters.releases,
    drafts: adapters.drafts,
    directory: listsService(adapters),
    channels: adapters.channels,
    outboundFetch: adapters.outboundFetch,
    clock: adapters.clock,
  });
