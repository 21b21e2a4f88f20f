import type { ReleasesService } from '../services/releases';
import type { DeliveryService } from '../services/delivery';
import type { SubscribersService } from '../services/subscribers';
import type { ListsService } from '../services/lists';
import type { SocialService } from '../services/social';
import type { PublicSite } from '../services/site';
import type { SessionsService } from '../services/sessions';
import type { TeamService } from '../services/team';
import { AuditTrail } from '../services/audit';
import { logger } from './logger';
import type { DraftsService } from '../services/drafts';
import type { SourcesService } from '../services/sources';
import type { WebhooksService } from '../services/webhooks';
import { StaffAccess } from '../services/staff';
import { PressroomError } from '../domain/errors';
import type { Adapters } from './adapters';
import type { PressroomConfig, PressroomSecrets } from './config';
import { SERVICE_NAMES, type ServiceName } from './service-names';

/**
 * What a handler receives: the feature services its function declares, plus the two things every
 * edge needs (who may call it, and the organisation's name and address for pages). A handler
 * parses its event, calls one service method and shapes the answer.
 */
export interface Services {
  releases: ReleasesService;
  delivery: DeliveryService;
  subscribers: SubscribersService;
  lists: ListsService;
  social: SocialService;
  site: PublicSite;
  /** Staff console sign-in: emailed links and sessions. */
  sessions: SessionsService;
  /** Staff management and personal API tokens (the console's staff and tokens pages). */
  team: TeamService;
  /** Releases composed in the console: drafts, previews, test sends and publishing. */
  drafts: DraftsService;
  /** Feed sources and CMS webhooks (Ghost): where posts come from without a developer. */
  sources: SourcesService;
  /** Outgoing webhooks: staff's endpoints, and the deliveries of events to them. */
  webhooks: WebhooksService;
  staff: StaffAccess;
  /** The audit log of staff actions: every edge writes to it (runtime/staff-audit.ts). */
  audit: AuditTrail;
  brand: { organisationName: string; publicUrl: string };
}


/** Configuration and the secrets services read (the channels' secrets are the adapters' business). */
export interface ServiceSettings {
  config: PressroomConfig;
  secrets: Pick<PressroomSecrets, 'adminToken' | 'webhookSecrets'>;
}

/**
 * Builds one service from the adapters, handing it just the ports it uses (Ghost's
 * `EmailServiceWrapper` shape). Each service module exports its own, so a function's bundle carries
 * only the services (and the libraries behind them) its entry file passes.
 */
export type ServiceFactory<K extends ServiceName> = (adapters: Adapters, settings: ServiceSettings) => Services[K];
export type ServiceFactories = { [K in ServiceName]: ServiceFactory<K> };

/** A handler used a service its entry file did not pass (and its declaration does not list). */
export class ServiceNotComposedError extends PressroomError {
  constructor(readonly service: ServiceName) {
    super(`This function has no ${service} service: pass it to awsServices in the handler's entry file and list it in its declaration's services (functions/runtime/function-specs.ts)`);
    this.name = 'ServiceNotComposedError';
  }
}

/**
 * The composition root both runtimes share: builds the given services over the adapters, each on
 * first use and once; a service not given refuses loudly when used.
 *
 * @example
 * const services = composeServices({ releases: releasesService }, adapters, { config, secrets });
 * await services.releases.publish(body, webhookId);
 */
export function composeServices(factories: Partial<ServiceFactories>, adapters: Adapters, settings: ServiceSettings): Services {
  const { config, secrets } = settings;
  const built = new Map<ServiceName, unknown>();
  const services = {
    staff: new StaffAccess(
      { adminToken: secrets.adminToken, webhookSecrets: secrets.webhookSecrets, clock: adapters.clock, publicUrl: config.publicUrl },
      { tokens: adapters.apiTokens, staff: adapters.staff, sessions: adapters.staffSessions },
    ),
    audit: new AuditTrail(adapters.auditLog, adapters.clock, (auditEntry, error) => logger.error('Audit entry not stored', { auditEntry, error: error as Error })),
    brand: { organisationName: config.brand.organisationName, publicUrl: config.publicUrl },
  } as Services;
  for (const name of SERVICE_NAMES) {
    Object.defineProperty(services, name, {
      enumerable: true,
      get() {
        const factory = factories[name] as ServiceFactory<typeof name> | undefined;
        if (!factory) throw new ServiceNotComposedError(name);
        if (!built.has(name)) built.set(name, factory(adapters, settings));
        return built.get(name);
      },
    });
  }
  return services;
}
