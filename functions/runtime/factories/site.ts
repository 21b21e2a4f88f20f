import { PublicSite } from '../../services/site';
import type { ServiceFactory } from '../compose';

/** Builds the site service from the adapters: the ports it declares, and its settings from config. */
export const publicSite: ServiceFactory<'site'> = (adapters, { config }) =>
  new PublicSite(
    { releases: adapters.releases, lists: adapters.lists, renderer: adapters.renderer, clock: adapters.clock },
    { publicUrl: config.publicUrl, organisationName: config.brand.organisationName },
  );
