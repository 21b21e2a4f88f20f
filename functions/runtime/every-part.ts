/**
 * Every part of runtime/adapters.ts FunctionParts and every feature service, for the local runner,
 * which runs every handler in one process. (On AWS each function's entry file passes only the parts
 * and services it uses.)
 */
import type { FunctionParts } from './adapters';
import type { ServiceFactories } from './compose';
import { mjmlRenderer } from './mjml-rendering';
import { precompiledSystemEmails } from './system-emails';
import { socialChannels } from './channels';
import { s3Files } from './s3-files';
import { releasesService } from './factories/releases';
import { deliveryService } from './factories/delivery';
import { subscribersService } from './factories/subscribers';
import { listsService } from './factories/lists';
import { socialService } from './factories/social';
import { publicSite } from './factories/site';
import { sessionsService } from './factories/sessions';
import { teamService } from './factories/team';
import { draftsService } from './factories/drafts';
import { sourcesService } from './factories/sources';
import { webhooksService } from './factories/webhooks';

export const EVERY_PART: FunctionParts = { renderer: mjmlRenderer, systemEmails: precompiledSystemEmails, channels: socialChannels, files: s3Files };

export const EVERY_SERVICE: ServiceFactories = {
  releases: releasesService,
  delivery: deliveryService,
  subscribers: subscribersService,
  lists: listsService,
  social: socialService,
  site: publicSite,
  sessions: sessionsService,
  team: teamService,
  drafts: draftsService,
  sources: sourcesService,
  webhooks: webhooksService,
};
