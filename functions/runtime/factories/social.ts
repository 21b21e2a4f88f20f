import { SocialService } from '../../services/social';
import type { ServiceFactory } from '../compose';

/** Builds the social service from the adapters: the ports it declares, and its settings from config. */
export const socialService: ServiceFactory<'social'> = (adapters) =>
  new SocialService({ socialPosts: adapters.socialPosts, channels: adapters.channels, clock: adapters.clock, events: adapters.events });
