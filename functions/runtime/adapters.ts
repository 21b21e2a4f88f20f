import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESClient } from '@aws-sdk/client-ses';
import type { AddressBlocklist, ExportJobStore, ImportJobStore, StaffFiles, SubscriberStore, SystemEmailRenderer, WelcomeEmailRenderer } from '../domain/subscriber/ports';
import type { BulkJob } from '../domain/subscriber/bulk-jobs';
import { DynamoImportJobStore } from '../adapters/dynamodb/import-job-store';
import { DynamoExportJobStore } from '../adapters/dynamodb/export-job-store';
import type { Clock, JobQueue, RateLimiter } from '../domain/ports';
import type { DeliveryStore, FanOutJob, Mailer, SendRateGate, SendJob } from '../domain/delivery/ports';
import type { EmailRenderer, ReleaseStore } from '../domain/release/ports';
import type { ListStore } from '../domain/lists/ports';
import type { SocialChannel, SocialPostStore } from '../domain/social/ports';
import type { SenderIdentity } from '../domain/mail/sender';
import { parseKeyring, type SigningKeyring } from '../domain/security/link-tokens';
import { tableRef } from '../adapters/dynamodb/table';
import { DynamoReleaseStore } from '../adapters/dynamodb/release-store';
import { DynamoSubscriberStore } from '../adapters/dynamodb/subscriber-store';
import { DynamoDeliveryStore } from '../adapters/dynamodb/delivery-store';
import { DynamoSocialPostStore } from '../adapters/dynamodb/social-post-store';
import { DynamoListStore } from '../adapters/dynamodb/list-store';
import { DynamoAddressBlocklist } from '../adapters/dynamodb/address-blocklist';
import { DynamoRateLimiter } from '../adapters/dynamodb/rate-limiter';
import { DynamoSendRateGate } from '../adapters/dynamodb/send-rate-gate';
import { maxSendRate } from '../adapters/ses/send-quota';
import { DynamoReleaseStatsStore } from '../adapters/dynamodb/release-stats-store';
import type { DeadLetterQueues, FanOutPlanStore, ReleaseStatsStore } from '../domain/delivery/ports';
import type { SignupQueueJob } from '../domain/subscriber/welcome';
import { DynamoFanOutPlanStore } from '../adapters/dynamodb/fan-out-plan-store';
import { SesMailer } from '../adapters/ses/ses-mailer';
import type { Brand } from '../adapters/render/brand';
import { PressroomError } from '../domain/errors';
import type { PressroomConfig, PressroomSecrets } from './config';
import { StoredListNames } from '../domain/lists/list-names';
import type { AddressPolicy } from '../adapters/outbound/address-policy';
import type { ApiTokenStore, AuditLog, SignInEmailRenderer, SignInLinkStore, StaffRoster, StaffSessionStore } from '../domain/staff/ports';
import { DynamoApiTokenStore } from '../adapters/dynamodb/api-token-store';
import { DynamoAuditLog } from '../adapters/dynamodb/audit-log-store';
import type { DraftStore } from '../domain/draft/ports';
import { DynamoDraftStore } from '../adapters/dynamodb/draft-store';
import type { SourceStore } from '../domain/source/ports';
import { DynamoSourceStore } from '../adapters/dynamodb/source-store';
import { guardedFetcher, type OutboundFetch } from '../adapters/outbound/guarded-fetch';
import type { EventPublisher, WebhookEndpointStore, WebhookJob, WebhookPoster } from '../domain/webhooks/ports';
import { DynamoWebhookEndpointStore } from '../adapters/dynamodb/webhook-endpoint-store';
import { QueueEventPublisher } from '../adapters/sqs/queue-event-publisher';
import { guardedPoster } from '../adapters/outbound/guarded-fetch';
import { logger } from './logger';
import { DynamoSignInLinkStore, DynamoStaffDirectory, DynamoStaffSessionStore } from '../adapters/dynamodb/staff-store';

/**
 * The adapters both runtimes build over their clients and queues: stores, queues, the mailer, the
 * heavy parts a function asked for, and the identity it sends as. Only the composition root
 * (runtime/compose.ts) reads this bag; each service takes the few ports it uses from it.
 */
export interface Adapters {
  releases: ReleaseStore;
  subscribers: SubscriberStore;
  deliveries: DeliveryStore;
  socialPosts: SocialPostStore;
  lists: ListStore;
  blocklist: AddressBlocklist;
  rateLimiter: RateLimiter;
  rateGate: SendRateGate;
  /** Per-release delivery, bounce and complaint counters (sharded). */
  releaseStats: ReleaseStatsStore;
  fanOutQueue: JobQueue<FanOutJob>;
  sendQueue: JobQueue<SendJob>;
  /** Accepted sign-ups, acted on by process-signup. */
  signupQueue: JobQueue<SignupQueueJob>;
  /** Staff's imports and exports, run by bulk-jobs. */
  bulkQueue: JobQueue<BulkJob>;
  /** Outgoing webhook events and deliveries, run by deliver-webhooks. */
  webhookQueue: JobQueue<WebhookJob>;
  /** Where state changes are told, for outgoing webhooks: queues each event, never throws. */
  events: EventPublisher;
  /** Webhook endpoints staff registered, and their delivery logs. */
  webhookEndpoints: WebhookEndpointStore;
  /** POSTs a delivery to an endpoint under the runtime's address policy (no redirects). */
  webhookPost: WebhookPoster;
  importJobs: ImportJobStore;
  exportJobs: ExportJobStore;
  /** Staff's import and export files (S3). */
  files: StaffFiles;
  /** The fan-out planner's checkpoints. */
  fanOutPlans: FanOutPlanStore;
  /** Depth and redrive of each work queue's dead-letter queue (staff: /admin/queues). */
  deadLetterQueues: DeadLetterQueues;
  mailer: Mailer;
  renderer: EmailRenderer;
  /** Confirmation, staff sign-in and other one-off emails the service sends itself. */
  systemEmails: SystemEmailRenderer & SignInEmailRenderer & WelcomeEmailRenderer;
  /** Staff members, their sign-in links and console sessions. */
  staff: StaffRoster;
  signInLinks: SignInLinkStore;
  staffSessions: StaffSessionStore;
  /** Members' personal API tokens (hashes). */
  apiTokens: ApiTokenStore;
  /** Staff actions, written by the HTTP edge. */
  auditLog: AuditLog;
  /** Releases composed in the console and not yet published. */
  drafts: DraftStore;
  /** Feed sources and Ghost sources, and what each knows of its posts. */
  sources: SourceStore;
  /** The one guarded fetcher for URLs from outside (feeds, article pages), under the runtime's address policy. */
  outboundFetch: OutboundFetch;
  clock: Clock;
  keyring: SigningKeyring;
  sender: SenderIdentity;
  channels: ReadonlyMap<string, SocialChannel>;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Builds the release and digest renderer. The MJML one (runtime/mjml-rendering.ts) costs ~300 ms of
 * imports, so only the entry files of functions that render pass it.
 */
export type RendererFactory = (options: { templatesDir: string; brand: Brand; publicUrl: string }) => EmailRenderer;

/** Builds staff's file store over the bucket `PRESSROOM_FILES_BUCKET` names (runtime/s3-files.ts). */
export type FilesFactory = (bucket: string) => StaffFiles;

/** Builds the renderer of the service's own emails (runtime/system-emails.ts). */
export type SystemEmailsFactory = (brand: Brand) => SystemEmailRenderer & SignInEmailRenderer & WelcomeEmailRenderer;

/**
 * Builds the configured social channels, plus any the runtime provides itself (runtime/channels.ts),
 * fetching URLs from releases under `outboundPolicy` (public https only when unset). Asynchronous
 * because only the configured channels' adapters are imported.
 */
export type ChannelsFactory = (
  config: PressroomConfig,
  secrets: PressroomSecrets,
  runtime?: { extra?: SocialChannel[]; outboundPolicy?: AddressPolicy },
) => Promise<ReadonlyMap<string, SocialChannel>>;

/**
 * The parts of the wiring that only some functions use, each heavy enough to matter to a cold
 * start (MJML, html-to-text, the social adapters with twitter-text). A function's entry file passes
 * those it uses (its declaration's parts in runtime/function-specs.ts list them); the others refuse with
 * {@link PartNotWiredError}; the local runner, which runs every handler, passes them all.
 */
export interface FunctionParts {
  renderer: RendererFactory;
  systemEmails: SystemEmailsFactory;
  channels: ChannelsFactory;
  /** The S3 client and its pre-signer and multipart upload: only functions that handle staff's files. */
  files: FilesFactory;
}

/** A function was asked for a part its entry file did not pass to the wiring. */
export class PartNotWiredError extends PressroomError {
  constructor(readonly part: keyof FunctionParts) {
    super(`This function has no ${part}: pass it to awsServices in the handler's entry file and list it in its declaration's parts (functions/runtime/function-specs.ts)`);
    this.name = 'PartNotWiredError';
  }
}

/** What a function that did not ask for a part gets: a stand-in that refuses, loudly, when used. */
export const NO_PARTS: FunctionParts = {
  renderer: () => ({ render: () => Promise.reject(new PartNotWiredError('renderer')) }),
  systemEmails: () => ({
    renderConfirmation: () => Promise.reject(new PartNotWiredError('systemEmails')),
    renderSignInLink: () => Promise.reject(new PartNotWiredError('systemEmails')),
    renderWelcome: () => Promise.reject(new PartNotWiredError('systemEmails')),
  }),
  channels: async () => new NoChannels(),
  files: () => {
    const refuse = () => Promise.reject(new PartNotWiredError('files'));
    return { open: refuse, size: refuse, uploadUrl: refuse, downloadUrl: refuse, put: refuse };
  },
};

/** Refuses every read, so that a function without channels cannot quietly schedule or post nothing. */
class NoChannels implements ReadonlyMap<string, SocialChannel> {
  private refuse(): never {
    throw new PartNotWiredError('channels');
  }
  get size(): number {
    return this.refuse();
  }
  get = (): SocialChannel | undefined => this.refuse();
  has = (): boolean => this.refuse();
  forEach = (): void => this.refuse();
  keys = (): MapIterator<string> => this.refuse();
  values = (): MapIterator<SocialChannel> => this.refuse();
  entries = (): MapIterator<[string, SocialChannel]> => this.refuse();
  [Symbol.iterator] = (): MapIterator<[string, SocialChannel]> => this.refuse();
}

export interface AdaptersInput {
  config: PressroomConfig;
  secrets: PressroomSecrets;
  dynamo: DynamoDBClient;
  ses: SESClient;
  fanOutQueue: JobQueue<FanOutJob>;
  sendQueue: JobQueue<SendJob>;
  /** Accepted sign-ups, acted on by process-signup. */
  signupQueue: JobQueue<SignupQueueJob>;
  bulkQueue: JobQueue<BulkJob>;
  webhookQueue: JobQueue<WebhookJob>;
  deadLetterQueues: DeadLetterQueues;
  /** Folder with the MJML templates, for the renderer. */
  templatesDir: string;
  /** The parts this function uses, and stand-ins for the rest ({@link NO_PARTS}). */
  parts: FunctionParts;
  /** Channels a runtime provides itself (the local channel); the real ones are built from config. */
  extraChannels?: SocialChannel[];
  /**
   * Which addresses a fetch of a URL from outside (a release's image) may reach. Unset, as on AWS:
   * public addresses over https only. Only the local runner widens it, to loopback.
   */
  outboundPolicy?: AddressPolicy;
  clock?: Clock;
}

/** The part of the wiring both runtimes share: adapters over the given clients and queues. */
export async function buildAdapters(input: AdaptersInput): Promise<Adapters> {
  const { config, secrets } = input;
  const table = tableRef(input.dynamo, config.tableName);
  const lists = new DynamoListStore(table);
  return {
    releases: new DynamoReleaseStore(table),
    subscribers: new DynamoSubscriberStore(table),
    deliveries: new DynamoDeliveryStore(table),
    socialPosts: new DynamoSocialPostStore(table),
    lists,
    blocklist: new DynamoAddressBlocklist(table, Buffer.from(secrets.addressHashKey, 'base64')),
    rateLimiter: new DynamoRateLimiter(table),
    rateGate: new DynamoSendRateGate(table, maxSendRate(input.ses, config.maxSendRate)),
    releaseStats: new DynamoReleaseStatsStore(table),
    fanOutQueue: input.fanOutQueue,
    sendQueue: input.sendQueue,
    signupQueue: input.signupQueue,
    bulkQueue: input.bulkQueue,
    webhookQueue: input.webhookQueue,
    events: new QueueEventPublisher(input.webhookQueue, (event, error) => logger.error('Webhook event not queued', { event: { id: event.id, type: event.type }, error: error as Error })),
    webhookEndpoints: new DynamoWebhookEndpointStore(table),
    webhookPost: guardedPoster({ policy: input.outboundPolicy }),
    importJobs: new DynamoImportJobStore(table),
    exportJobs: new DynamoExportJobStore(table),
    files: input.parts.files(config.filesBucket),
    fanOutPlans: new DynamoFanOutPlanStore(table),
    deadLetterQueues: input.deadLetterQueues,
    mailer: new SesMailer({ client: input.ses, configurationSetName: config.sesConfigurationSet }),
    renderer: input.parts.renderer({ templatesDir: input.templatesDir, brand: config.brand, publicUrl: config.publicUrl }),
    systemEmails: input.parts.systemEmails(config.brand),
    staff: new DynamoStaffDirectory(table),
    signInLinks: new DynamoSignInLinkStore(table),
    staffSessions: new DynamoStaffSessionStore(table),
    apiTokens: new DynamoApiTokenStore(table),
    auditLog: new DynamoAuditLog(table),
    drafts: new DynamoDraftStore(table),
    sources: new DynamoSourceStore(table),
    outboundFetch: guardedFetcher({ policy: input.outboundPolicy }),
    clock: input.clock ?? systemClock,
    keyring: parseKeyring(secrets.signingKeys),
    sender: { from: config.from, replyTo: config.replyTo, publicUrl: config.publicUrl, listNames: new StoredListNames(lists) },
    channels: await input.parts.channels(config, secrets, { extra: input.extraChannels, outboundPolicy: input.outboundPolicy }),
  };
}
