import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESClient } from '@aws-sdk/client-ses';
import type {
  AddressBlocklist, Clock, DeliveryStore, EmailRenderer, FanOutJob, JobQueue, ListStore, Mailer, RateLimiter, ReleaseStore, SendRateGate,
  SendJob, SocialChannel, SocialPostStore, SubscriberStore, SystemEmailRenderer,
} from '../domain/ports';
import type { MessageTemplate } from '../domain/delivery/mime';
import type { SenderIdentity } from '../domain/delivery/send-email';
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
import type { DeadLetterQueues, FanOutPlanStore, ReleaseStatsStore } from '../domain/ports';
import { DynamoFanOutPlanStore } from '../adapters/dynamodb/fan-out-plan-store';
import { SesMailer } from '../adapters/ses/ses-mailer';
import { PrecompiledSystemEmailRenderer } from '../adapters/render/confirmation-email';
import type { Brand } from '../adapters/render/brand';
import { PressroomError } from '../domain/errors';
import type { PressroomConfig, PressroomSecrets } from './config';
import { buildChannels } from './channels';

/** Everything the handlers need, built by one of the two wirings (aws.ts, local/runner.ts). */
export interface AppDeps {
  config: PressroomConfig;
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
  /** The fan-out planner's checkpoints. */
  fanOutPlans: FanOutPlanStore;
  /** Depth and redrive of each work queue's dead-letter queue (staff: /admin/queues). */
  deadLetterQueues: DeadLetterQueues;
  mailer: Mailer;
  renderer: EmailRenderer;
  /** Confirmation and other one-off emails the service sends itself. */
  systemEmails: SystemEmailRenderer;
  clock: Clock;
  keyring: SigningKeyring;
  webhookSecrets: string[];
  adminToken: string;
  sender: SenderIdentity;
  channels: ReadonlyMap<string, SocialChannel>;
  templates: Map<string, MessageTemplate>;
  /** Seconds a send job of a paused release waits before it looks again (from config). */
  pausedRecheckSeconds: number;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Builds the release and digest renderer. A factory rather than a renderer so that the MJML one
 * (runtime/mjml-rendering.ts, ~300 ms of imports) is reached only from the entry files of functions
 * that render and from the local runner; the others pass {@link doesNotRender}.
 */
export type RendererFactory = (options: { templatesDir: string; brand: Brand; publicUrl: string }) => EmailRenderer;

/** A function whose wiring has no renderer was asked to render: its entry file must pass one. */
export class RenderingNotWiredError extends PressroomError {
  constructor() {
    super('This function does not render release emails: pass mjmlRenderer to awsDeps in its entry file and add it to RENDERS_MJML in infra/functions.ts');
    this.name = 'RenderingNotWiredError';
  }
}

/** The renderer of every function that does not render releases: it refuses, loudly. */
export const doesNotRender: RendererFactory = () => ({
  render: () => Promise.reject(new RenderingNotWiredError()),
});

export interface CoreDepsInput {
  config: PressroomConfig;
  secrets: PressroomSecrets;
  dynamo: DynamoDBClient;
  ses: SESClient;
  fanOutQueue: JobQueue<FanOutJob>;
  sendQueue: JobQueue<SendJob>;
  deadLetterQueues: DeadLetterQueues;
  /** Folder with the MJML templates, for the renderer. */
  templatesDir: string;
  /** `mjmlRenderer` where releases are rendered, else `doesNotRender`. */
  renderer: RendererFactory;
  /** Channels a runtime provides itself (the local channel); the real ones are built from config. */
  extraChannels?: SocialChannel[];
  clock?: Clock;
}

/** The part of the wiring both runtimes share: adapters over the given clients and queues. */
export function buildDeps(input: CoreDepsInput): AppDeps {
  const { config, secrets } = input;
  const table = tableRef(input.dynamo, config.tableName);
  return {
    config,
    releases: new DynamoReleaseStore(table),
    subscribers: new DynamoSubscriberStore(table),
    deliveries: new DynamoDeliveryStore(table),
    socialPosts: new DynamoSocialPostStore(table),
    lists: new DynamoListStore(table),
    blocklist: new DynamoAddressBlocklist(table, Buffer.from(secrets.addressHashKey, 'base64')),
    rateLimiter: new DynamoRateLimiter(table),
    rateGate: new DynamoSendRateGate(table, maxSendRate(input.ses, config.maxSendRate)),
    releaseStats: new DynamoReleaseStatsStore(table),
    fanOutQueue: input.fanOutQueue,
    sendQueue: input.sendQueue,
    fanOutPlans: new DynamoFanOutPlanStore(table),
    deadLetterQueues: input.deadLetterQueues,
    mailer: new SesMailer({ client: input.ses, configurationSetName: config.sesConfigurationSet }),
    renderer: input.renderer({ templatesDir: input.templatesDir, brand: config.brand, publicUrl: config.publicUrl }),
    systemEmails: new PrecompiledSystemEmailRenderer({ brand: config.brand }),
    clock: input.clock ?? systemClock,
    keyring: parseKeyring(secrets.signingKeys),
    webhookSecrets: secrets.webhookSecrets,
    adminToken: secrets.adminToken,
    sender: { from: config.from, replyTo: config.replyTo, publicUrl: config.publicUrl, listNames: config.lists },
    channels: buildChannels(config.socialChannels, config.channelSettings, secrets.channels, input.extraChannels),
    templates: new Map(),
    pausedRecheckSeconds: config.pausedRecheckSeconds,
  };
}
