/**
 * The feature services (functions/services/) a function may declare and a handler may call. A
 * leaf module: the declarations (function-specs.ts) name services without importing them.
 */
export const SERVICE_NAMES = ['releases', 'delivery', 'subscribers', 'lists', 'social', 'site', 'sessions', 'team', 'drafts', 'sources', 'webhooks'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
