import * as adminExport from '../handlers/admin-export';
import * as adminImport from '../handlers/admin-import';
import * as adminLists from '../handlers/admin-lists';
import * as adminSources from '../handlers/admin-sources';
import * as adminWebhooks from '../handlers/admin-webhooks';
import * as deliverWebhooks from '../handlers/deliver-webhooks';
import * as pollSources from '../handlers/poll-sources';
import * as ghostWebhook from '../handlers/ghost-webhook';
import * as adminQueues from '../handlers/admin-queues';
import * as adminReleases from '../handlers/admin-releases';
import * as adminSends from '../handlers/admin-sends';
import * as adminSubscribers from '../handlers/admin-subscribers';
import * as archive from '../handlers/archive';
import * as bulkJobs from '../handlers/bulk-jobs';
import * as confirm from '../handlers/confirm';
import * as consolePages from '../handlers/console';
import * as consoleAudience from '../handlers/console-audience';
import * as consoleRelease from '../handlers/console-release';
import * as consoleCompose from '../handlers/console-compose';
import * as fanOut from '../handlers/fan-out';
import * as feeds from '../handlers/feeds';
import * as mailEvents from '../handlers/mail-events';
import * as postSocial from '../handlers/post-social';
import * as preferences from '../handlers/preferences';
import * as processSignup from '../handlers/process-signup';
import * as publishRelease from '../handlers/publish-release';
import * as purgePending from '../handlers/purge-pending';
import * as releaseEmbargoed from '../handlers/release-embargoed';
import * as releasePage from '../handlers/release-page';
import * as sendEmail from '../handlers/send-email';
import * as subscribe from '../handlers/subscribe';
import * as unsubscribe from '../handlers/unsubscribe';
import * as weeklyDigest from '../handlers/weekly-digest';
import type { FunctionName } from '../runtime/function-specs';

/**
 * The handler module of every function declared in runtime/function-specs.ts (the type checks that
 * none is missing). The local runner builds each with local dependencies through the same
 * `makeHandler` that `handler` uses on AWS.
 */
export const handlerModules = {
  'admin-export': adminExport,
  'admin-import': adminImport,
  'admin-lists': adminLists,
  'admin-sources': adminSources,
  'admin-webhooks': adminWebhooks,
  'deliver-webhooks': deliverWebhooks,
  'poll-sources': pollSources,
  'ghost-webhook': ghostWebhook,
  'admin-queues': adminQueues,
  'admin-releases': adminReleases,
  'admin-sends': adminSends,
  'admin-subscribers': adminSubscribers,
  archive,
  'bulk-jobs': bulkJobs,
  confirm,
  console: consolePages,
  'console-audience': consoleAudience,
  'console-release': consoleRelease,
  'console-compose': consoleCompose,
  'fan-out': fanOut,
  feeds,
  'mail-events': mailEvents,
  'post-social': postSocial,
  preferences,
  'process-signup': processSignup,
  'publish-release': publishRelease,
  'purge-pending': purgePending,
  'release-embargoed': releaseEmbargoed,
  'release-page': releasePage,
  'send-email': sendEmail,
  subscribe,
  unsubscribe,
  'weekly-digest': weeklyDigest,
} as const satisfies Record<FunctionName, { makeHandler: unknown }>;

export type HandlerName = FunctionName;
