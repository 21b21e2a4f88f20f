import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SqsQueue } from '../adapters/sqs/sqs-queue';
import { SqsDeadLetterQueues } from '../adapters/sqs/dead-letter-queues';
import { sesRetryStrategy } from '../adapters/ses/retry-strategy';
import { seedLists } from '../domain/lists/seed-lists';
import { seedStaff } from '../domain/staff/seed-staff';
import { buildAdapters, NO_PARTS, type FunctionParts } from './adapters';
import { composeServices, type ServiceFactories, type Services } from './compose';
import { checkComposedServices, functionSpec } from './function-specs';
import { ConfigError, isBlankSecret, readConfig, type PressroomSecrets } from './config';
import { CHANNEL_SECRET_KEYS, type ChannelSecrets } from '../channels';

/**
 * The AWS wiring: the only place (with the local runner) that reads the environment and builds SDK
 * clients. Clients live for the container; secrets are re-read at most every five minutes so a
 * rotated key reaches warm functions without a deploy.
 */
const SECRET_MAX_AGE_SECONDS = 300;

let clients: { dynamo: DynamoDBClient; ses: SESClient; sqs: SQSClient; secrets: SecretsProvider } | undefined;
let cached: { services: Services; secretJson: string } | undefined;

/**
 * Reads the secret's JSON. Channel keys are optional: an absent or empty one is left out, and
 * `buildChannels` says so only if its channel is configured (a placeholder is kept for it to refuse).
 *
 * @throws ConfigError when a required key is missing or a key holds something other than a string.
 */
export function parseSecrets(json: string): PressroomSecrets {
  const value = JSON.parse(json) as Record<string, unknown>;
  const webhookSecrets = Array.isArray(value.webhookSecrets) ? value.webhookSecrets : [value.webhookSecret];
  const strings = ['adminToken', 'signingKeys', 'addressHashKey'] as const;
  if (!webhookSecrets.every((s) => typeof s === 'string' && s) || strings.some((k) => typeof value[k] !== 'string')) {
    throw new ConfigError('The Pressroom secret must hold webhookSecret (or webhookSecrets), adminToken, signingKeys and addressHashKey');
  }
  if (isBlankSecret(value.adminToken as string)) throw new ConfigError('adminToken in the Pressroom secret is blank: set a long random token');
  if ((webhookSecrets as string[]).some(isBlankSecret)) throw new ConfigError('webhookSecret in the Pressroom secret is blank: set the whsec_ secret the CMS signs with');
  // Unlike signing keys this one can never rotate (old hashes must keep matching): insist it is strong.
  if (Buffer.from(value.addressHashKey as string, 'base64').length < 32) {
    throw new ConfigError('addressHashKey must be at least 32 random bytes, base64');
  }
  return {
    webhookSecrets: webhookSecrets as string[],
    adminToken: value.adminToken as string,
    signingKeys: value.signingKeys as string,
    addressHashKey: value.addressHashKey as string,
    channels: channelSecrets(value),
  };
}

function channelSecrets(value: Record<string, unknown>): ChannelSecrets {
  const channels: ChannelSecrets = {};
  for (const key of CHANNEL_SECRET_KEYS) {
    const secret = value[key];
    if (secret === undefined || secret === null || secret === '') continue;
    if (typeof secret !== 'string') throw new ConfigError(`${key} in the Pressroom secret must be a string`);
    channels[key] = secret;
  }
  return channels;
}

/**
 * The services of a Lambda function, composed once per container and again when the secret changes.
 * `services` are the feature services the function declares (runtime/function-specs.ts), `parts`
 * the heavy parts of the wiring it uses; the others refuse when used.
 *
 * @example
 * export const handler = makeHandler(() => awsServices({ lists: listsService }));
 * export const handler = makeHandler(() => awsServices({ site: publicSite }, { renderer: mjmlRenderer }));
 */
export async function awsServices(services: Partial<ServiceFactories>, parts: Partial<FunctionParts> = {}): Promise<Services> {
  const env = process.env;
  const name = env.PRESSROOM_FUNCTION ?? '';
  clients ??= {
    dynamo: new DynamoDBClient({}),
    // Throttling must reach the send pacer rather than be retried inside the SDK (see the strategy).
    ses: new SESClient({ retryStrategy: sesRetryStrategy() }),
    sqs: new SQSClient({}),
    secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }),
  };
  const arn = env.PRESSROOM_SECRET_ARN;
  if (!arn) throw new ConfigError('PRESSROOM_SECRET_ARN is not set');
  const secretJson = await clients.secrets.get(arn, { maxAge: SECRET_MAX_AGE_SECONDS });
  if (typeof secretJson !== 'string') throw new ConfigError('The Pressroom secret must be a JSON string');
  if (cached?.secretJson === secretJson) return cached.services;
  // Once per container (and secret): the entry file and the declaration do not change between invocations.
  checkComposedServices(name, services);
  const config = readConfig(env);
  const secrets = parseSecrets(secretJson);
  const adapters = await buildAdapters({
    config,
    secrets,
    dynamo: clients.dynamo,
    ses: clients.ses,
    fanOutQueue: new SqsQueue(clients.sqs, env.PRESSROOM_FANOUT_QUEUE_URL ?? ''),
    sendQueue: new SqsQueue(clients.sqs, env.PRESSROOM_SEND_QUEUE_URL ?? ''),
    signupQueue: new SqsQueue(clients.sqs, env.PRESSROOM_SIGNUPS_QUEUE_URL ?? ''),
    bulkQueue: new SqsQueue(clients.sqs, env.PRESSROOM_BULK_QUEUE_URL ?? ''),
    webhookQueue: new SqsQueue(clients.sqs, env.PRESSROOM_WEBHOOKS_QUEUE_URL ?? ''),
    deadLetterQueues: new SqsDeadLetterQueues(config.deadLetterQueues, clients.sqs),
    // Functions that render get templates/ copied next to their bundle (infra/functions.ts): every
    // file read at run time stays inside the function's own folder.
    templatesDir: new URL('./templates', import.meta.url).pathname,
    parts: { ...NO_PARTS, ...parts },
    // No outboundPolicy: a URL from a release is fetched from public addresses over https only.
  });
  // A read-only function may not write the lists (its policy says so); any other function seeds
  // them, once per container (a secret rotation does not change the configured lists).
  if (!cached && functionSpec(name).table === 'read-write') await seedLists(config.lists, adapters.lists, adapters.clock.now());
  // The first staff are seeded by the functions that sign staff in, the only ones that read them.
  if (!cached && services.sessions) await seedStaff(config.staff, adapters.staff, adapters.clock.now());
  cached = { services: composeServices(services, adapters, { config, secrets }), secretJson };
  return cached.services;
}
