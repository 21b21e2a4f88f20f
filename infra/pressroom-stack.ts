import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct, Node } from 'constructs';
import { MAX_RECEIVE_COUNT, routes } from '../functions/runtime/routes';
import { functionNames, functionSpec } from '../functions/runtime/function-specs';
import { CHANNEL_SETTING_VARIABLES, type ChannelSettings } from '../functions/channels';
import { Api } from './api';
import { Email } from './email';
import { pressroomFunction } from './functions';
import { BATCH_SIZE, Messaging } from './messaging';
import { Schedules } from './schedules';
import { Secrets } from './secrets';
import { maxUsefulSendConcurrency, minSendConcurrency, SEND_BATCH_OVERHEAD_MS } from './send-concurrency';
import { Storage } from './storage';

/** Deploy-time configuration, read from CDK context (defaults in cdk.json; see infra/README.md). */
export interface PressroomStackConfig {
  /** Base URL for links in emails; the HTTP API's own endpoint when absent. */
  publicUrl?: string;
  from: string;
  lists: string;
  /** Comma-separated channel names; empty for none. */
  socialChannels: string;
  /**
   * The channels' plain settings (`mastodonUrl`, `blueskyIdentifier`, …), each from the context key
   * of the same name; empty when unset. Each is read only when its channel is among the channels.
   */
  channelSettings: Record<keyof ChannelSettings, string>;
  /** Creates an SES domain identity when set. */
  sesIdentityDomain?: string;
  sendMaxConcurrency: number;
  /** Where dead-letter alarms are emailed; unset, they only reach the alarm topic. */
  alarmEmail?: string;
  /** Optional branding and sender details the runtime reads when present (see OPTIONAL_VARIABLES). */
  optional: Partial<Record<OptionalKey, string>>;
}

/**
 * Context keys passed to the functions only when set; the runtime falls back to its own defaults.
 * The postal address ends up in every email footer (anti-spam law requires a real one).
 */
const OPTIONAL_VARIABLES = {
  orgName: 'PRESSROOM_ORG_NAME',
  postalAddress: 'PRESSROOM_POSTAL_ADDRESS',
  replyTo: 'PRESSROOM_REPLY_TO',
  logoUrl: 'PRESSROOM_LOGO_URL',
  accentColour: 'PRESSROOM_ACCENT_COLOUR',
  // Pages on the organisation's own site that may post the sign-up form (an embedded form).
  signupOrigins: 'PRESSROOM_SIGNUP_ORIGINS',
  // A sending rate below SES's own; it also sizes the send workers (checked below).
  maxSendRate: 'PRESSROOM_MAX_SEND_RATE',
} as const;
type OptionalKey = keyof typeof OPTIONAL_VARIABLES;

/**
 * Reads the configuration from context. cdk.json is the one place that holds the defaults, so the
 * keys without a meaningful empty value are required; an empty string counts as "not set".
 */
export function configFromContext(node: Node): PressroomStackConfig {
  const optional = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const required = (key: string): string => {
    const value = optional(key);
    if (value === undefined) throw new Error(`Missing context value "${key}" (set it in cdk.json or with -c ${key}=…)`);
    return value;
  };
  const sendMaxConcurrency = Number(required('sendMaxConcurrency'));
  if (!Number.isInteger(sendMaxConcurrency) || sendMaxConcurrency < 2 || sendMaxConcurrency > 1000) {
    throw new Error(`sendMaxConcurrency must be an integer from 2 to 1000 (SQS event source limit), got ${sendMaxConcurrency}`);
  }
  const maxSendRate = optional('maxSendRate');
  if (maxSendRate !== undefined) checkSendConcurrency(Number(maxSendRate), sendMaxConcurrency);
  const alarmEmail = optional('alarmEmail')?.trim();
  // Checked here, not left to SNS: a typo would otherwise surface only as alarms that reach nobody.
  if (alarmEmail !== undefined && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(alarmEmail)) {
    throw new Error(`alarmEmail must be one email address (e.g. ops@example.org), got "${alarmEmail}"`);
  }
  return {
    publicUrl: optional('publicUrl')?.replace(/\/+$/, ''),
    from: required('from'),
    lists: required('lists'),
    socialChannels: optional('socialChannels') ?? '',
    channelSettings: Object.fromEntries(
      (Object.keys(CHANNEL_SETTING_VARIABLES) as Array<keyof ChannelSettings>).map((key) => [key, optional(key) ?? '']),
    ) as Record<keyof ChannelSettings, string>,
    sesIdentityDomain: optional('sesIdentityDomain'),
    sendMaxConcurrency,
    alarmEmail,
    optional: Object.fromEntries(
      (Object.keys(OPTIONAL_VARIABLES) as OptionalKey[]).flatMap((key) => {
        const value = optional(key);
        return value === undefined ? [] : [[key, value]];
      }),
    ),
  };
}

/**
 * Refuses a send concurrency that cannot reach the configured rate (infra/send-concurrency.ts has
 * the formula). SES's own quota is known only at run time (GetSendQuota), so without `maxSendRate`
 * there is nothing to check here; infra/README.md gives the formula to size it by hand.
 */
function checkSendConcurrency(maxSendRate: number, sendMaxConcurrency: number): void {
  if (!Number.isInteger(maxSendRate) || maxSendRate < 1) throw new Error(`maxSendRate must be a whole number of messages per second, 1 or more, got ${maxSendRate}`);
  const needed = minSendConcurrency(maxSendRate);
  if (sendMaxConcurrency < needed) {
    throw new Error(
      `sendMaxConcurrency ${sendMaxConcurrency} cannot reach maxSendRate ${maxSendRate}/s: each send worker spends time outside its rate slots with every batch, ` +
        `so ${maxSendRate}/s needs at least ${needed} (1 + rate × ${SEND_BATCH_OVERHEAD_MS / 1000} s / ${BATCH_SIZE} messages; see infra/README.md)`,
    );
  }
}

export interface PressroomStackProps extends StackProps {
  config: PressroomStackConfig;
}

/**
 * The whole service. Each function declared in functions/runtime/function-specs.ts becomes one
 * Lambda function with its triggers and the access it declares, and nothing more.
 */
export class PressroomStack extends Stack {
  /** The function of each handler module, by handler name. */
  readonly functions: ReadonlyMap<string, NodejsFunction>;

  constructor(scope: Construct, id: string, props: PressroomStackProps) {
    super(scope, id, props);
    const { config } = props;

    const storage = new Storage(this, 'Storage');
    const secrets = new Secrets(this, 'Secrets');
    const email = new Email(this, 'Email', { from: config.from, identityDomain: config.sesIdentityDomain });
    const messaging = new Messaging(this, 'Messaging', { sendMaxConcurrency: config.sendMaxConcurrency, alarmEmail: config.alarmEmail });
    const api = new Api(this, 'Api');

    const environment = {
      PRESSROOM_TABLE_NAME: storage.table.tableName,
      PRESSROOM_FANOUT_QUEUE_URL: messaging.queue('fan-out').queueUrl,
      PRESSROOM_SEND_QUEUE_URL: messaging.queue('send').queueUrl,
      PRESSROOM_SIGNUPS_QUEUE_URL: messaging.queue('signups').queueUrl,
      PRESSROOM_SECRET_ARN: secrets.secret.secretArn,
      PRESSROOM_PUBLIC_URL: config.publicUrl ?? api.endpoint,
      PRESSROOM_FROM: config.from,
      PRESSROOM_SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
      PRESSROOM_LISTS: config.lists,
      PRESSROOM_SOCIAL_CHANNELS: config.socialChannels,
      // Every channel setting, set or empty: the runtime applies its defaults and checks them at start-up.
      ...Object.fromEntries(Object.entries(config.channelSettings).map(([key, value]) => [CHANNEL_SETTING_VARIABLES[key as keyof ChannelSettings], value])),
      // The send worker counts a job failing on its last receive as dead-lettered: same value as the redrive policy.
      PRESSROOM_MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
      ...Object.fromEntries(Object.entries(config.optional).map(([key, value]) => [OPTIONAL_VARIABLES[key as OptionalKey], value])),
    };
    const maxSendRate = Number(config.optional.maxSendRate);
    if (maxSendRate && config.sendMaxConcurrency > maxUsefulSendConcurrency(maxSendRate)) {
      Annotations.of(this).addWarningV2(
        'pressroom:sendMaxConcurrency',
        `sendMaxConcurrency ${config.sendMaxConcurrency} is more than maxSendRate ${maxSendRate}/s keeps busy (${maxUsefulSendConcurrency(maxSendRate)}): ` +
          'the pacer would be booked further ahead than an invocation may wait, and the extra workers would only poll and requeue (see infra/README.md).',
      );
    }
    if (!config.optional.postalAddress) {
      Annotations.of(this).addWarningV2(
        'pressroom:postalAddress',
        'Context "postalAddress" is not set: emails will carry the runtime\'s placeholder address in their footer.',
      );
    }

    // One function per declaration, with exactly the access it declares (function-specs.ts).
    const functions = new Map<string, NodejsFunction>();
    for (const handlerName of functionNames) {
      const spec = functionSpec(handlerName);
      const fn = pressroomFunction(this, handlerName, { environment });
      if (spec.table) storage.grant(fn, spec.table);
      secrets.grantReadValue(fn);
      for (const queue of spec.sendsTo ?? []) messaging.grantSend(queue, fn);
      if (spec.sendsEmail) email.grantSendRawEmail(fn);
      if (spec.readsSendQuota) email.grantReadSendQuota(fn);
      if (spec.redrivesDeadLetters) messaging.grantDeadLetterAdmin(fn);
      functions.set(handlerName, fn);
    }
    this.functions = functions;
    const functionFor = (handlerName: string): NodejsFunction => {
      const fn = functions.get(handlerName);
      if (!fn) throw new Error(`No function for handler "${handlerName}"`);
      return fn;
    };

    api.addRoutes(routes, functionFor);
    messaging.connect(functionFor);
    email.deliverEventsTo(messaging.queue('mail-events'));
    new Schedules(this, 'Schedules', functionFor);

    new CfnOutput(this, 'ApiUrl', { value: api.endpoint, description: 'HTTP API endpoint (webhook: POST /webhooks/releases)' });
    new CfnOutput(this, 'PublicUrl', { value: environment.PRESSROOM_PUBLIC_URL, description: 'Base URL of links in emails' });
    new CfnOutput(this, 'SecretArn', { value: secrets.secret.secretArn, description: 'Set webhookSecret, signingKeys, addressHashKey and the social channel tokens here' });
    new CfnOutput(this, 'TableName', { value: storage.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: messaging.alarmTopic.topicArn, description: 'Dead-letter alarms are sent here: subscribe ops email or chat' });
  }
}
