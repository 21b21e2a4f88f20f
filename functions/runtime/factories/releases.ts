import { ReleasesService } from '../../services/releases';
import type { ServiceFactory } from '../compose';
import { listsService } from './lists';

/** Builds the releases service from the adapters: the ports it declares, and its settings from config. */
export const releasesService: ServiceFactory<'releases'> = (adapters, { config }) =>
  new ReleasesService(
    {
      releases: adapters.releases,
      socialPosts: adapters.socialPosts,
      releaseStats: adapters.releaseStats,
      fanOutQueue: adapters.fanOutQueue,
      renderer: adapters.renderer,
      channels: adapters.channels,
      directory: listsService(adapters),
      lists: adapters.lists,
      clock: adapters.clock,
    },
    { digest: config.digest, publicUrl: config.publicUrl },
  );
