import * as adminSubscribers from '../handlers/admin-subscribers';
import * as fanOut from '../handlers/fan-out';
import * as postSocial from '../handlers/post-social';
import * as publishRelease from '../handlers/publish-release';
import * as sendEmail from '../handlers/send-email';
import * as unsubscribe from '../handlers/unsubscribe';

/**
 * The handler modules by the names used in runtime/routes.ts. The local runner builds each with
 * local dependencies through the same `makeHandler` that `handler` uses on AWS.
 */
export const handlerModules = {
  'admin-subscribers': adminSubscribers,
  'fan-out': fanOut,
  'post-social': postSocial,
  'publish-release': publishRelease,
  'send-email': sendEmail,
  unsubscribe,
} as const;

export type HandlerName = keyof typeof handlerModules;
