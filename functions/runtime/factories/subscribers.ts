import { SubscribersService } from '../../services/subscribers';
import type { ServiceFactory } from '../compose';
import { listsService } from './lists';

/** Builds the subscribers service from the adapters: the ports it declares, and its settings from config. */
export const subscribersService: ServiceFactory<'subscribers'> = (adapters, { config }) =>
  new SubscribersService({
    subscribers: adapters.subscribers,
    blocklist: adapters.blocklist,
    lists: adapters.lists,
    directory: listsService(adapters),
    rateLimiter: adapters.rateLimiter,
    mailer: adapters.mailer,
    systemEmails: adapters.systemEmails,
    sender: adapters.sender,
    clock: adapters.clock,
    keyring: adapters.keyring,
    signups: adapters.signupQueue,
    deliveries: adapters.deliveries,
    imports: adapters.importJobs,
    exports: adapters.exportJobs,
    files: adapters.files,
    bulk: adapters.bulkQueue,
    events: adapters.events,
  }, { signupOrigins: [new URL(config.publicUrl).origin, ...config.signupOrigins], embedOrigins: config.signupOrigins });
