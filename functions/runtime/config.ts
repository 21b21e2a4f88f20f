import type { Brand } from '../adapters/render/brand';
import { DEFAULT_PAUSE_THRESHOLDS, type PauseThresholds } from '../domain/delivery/send-progress';
import { MAX_RECEIVE_COUNT, queueConsumers } from './routes';
import type { DigestSchedule } from '../domain/digest/weekly-digest';
import { CHANNEL_SETTINGS, type ChannelSecrets, type ChannelSettings } from '../channels';
import { parseStaff, type StaffRole } from '../domain/staff/staff-member';
import { ValidationError } from '../domain/errors';

/** Where one work queue's dead-letter queue is (AWS only; the admin-queues function gets these). */
export interface DeadLetterQueueConfig {
  /** The work queue's name in routes.ts. */
  queue: string;
  url: string;
  arn: string;
  /** The work queue the DLQ's messages go back to on redrive. */
  sourceArn: string;
}

/** The variables that carry a DLQ's location: infra sets them, {@link readConfig} reads them. */
export function deadLetterEnvNames(queue: string): { url: string; arn: string; sourceArn: string } {
  const key = queue.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return { url: `PRESSROOM_DLQ_${key}_URL`, arn: `PRESSROOM_DLQ_${key}_ARN`, sourceArn: `PRESSROOM_QUEUE_${key}_ARN` };
}

/**
 * Configuration shared by both runtimes, parsed from environment variables. Only the wiring modules
 * (aws.ts and the local runner) call {@link readConfig}; the domain receives plain values.
 */
export interface PressroomConfig {
  tableName: string;
  publicUrl: string;
  from: { name?: string; address: string };
  replyTo?: string;
  /** Lists created at start-up when missing (id → display name); staff manage them afterwards. */
  lists: Map<string, string>;
  /**
   * The first staff (`PRESSROOM_STAFF`, `admin@example.org=admin,editor@example.org=editor`; on AWS
   * the CDK context `staff`), added at cold start when missing; managed in the console afterwards.
   */
  staff: Map<string, StaffRole>;
  /** `PRESSROOM_SOCIAL_CHANNELS`: channel names, built (or refused) by `buildChannels` in channels.ts. */
  socialChannels: string[];
  /** The channels' plain settings; their secrets are in {@link PressroomSecrets}. */
  channelSettings: ChannelSettings;
  sesConfigurationSet?: string;
  brand: Brand;
  /** Transient bounces in a row that suppress an address (`PRESSROOM_TRANSIENT_BOUNCE_LIMIT`, default 3). */
  transientBounceLimit: number;
  /** Messages per second to stay under; SES's own MaxSendRate applies when lower or when unset. */
  maxSendRate?: number;
  /** Receives before a message is dead-lettered (`PRESSROOM_MAX_RECEIVE_COUNT`, default routes.ts's MAX_RECEIVE_COUNT). */
  maxReceiveCount: number;
  /** The dead-letter queues this function may inspect and redrive (only those whose variables are set). */
  deadLetterQueues: DeadLetterQueueConfig[];
  /**
   * Rates that pause a send by themselves: `PRESSROOM_BOUNCE_PAUSE_RATE` (default 0.05),
   * `PRESSROOM_COMPLAINT_PAUSE_RATE` (0.001), after `PRESSROOM_PAUSE_MIN_SAMPLE` reports (100).
   */
  pauseThresholds: PauseThresholds;
  /** Seconds a job of a paused send waits before it looks again (`PRESSROOM_PAUSED_RECHECK_SECONDS`, default 120, at most 900). */
  pausedRecheckSeconds: number;
  /**
   * Seconds a send paused by SES's daily quota waits before it tries again, at most
   * (`PRESSROOM_QUOTA_RECHECK_SECONDS`, default 3600; see delivery/README.md, "Daily quota").
   */
  quotaRecheckSeconds: number;
  /**
   * Seconds before an outgoing webhook's second attempt (`PRESSROOM_WEBHOOK_RETRY_SECONDS`, default
   * 30, at most 900); each later wait doubles, up to 15 minutes. Tests shorten it.
   */
  webhookFirstRetrySeconds: number;
  /**
   * How long a send worker's claim on a delivery is trusted (`PRESSROOM_CLAIM_LEASE_SECONDS`; unset,
   * the send engine's default). A worker that died holding one blocks that recipient until it ends;
   * the local stack shortens it so a killed runner's sends finish soon after a restart.
   */
  claimLeaseSeconds?: number;
  /**
   * The weekly digest: `PRESSROOM_DIGEST_LIST` (default `weekly-digest`; a list of that id must
   * exist), `PRESSROOM_DIGEST_DAY` (`monday`…`sunday`, default monday), `PRESSROOM_DIGEST_HOUR`
   * (0–23, default 9), `PRESSROOM_TIME_ZONE` (IANA, default UTC), `PRESSROOM_DIGEST_LANGUAGE` (en).
   */
  digest: DigestSchedule;
  /**
   * Web origins besides the public URL's own whose pages may post the sign-up form, for a form
   * embedded on the organisation's site (`PRESSROOM_SIGNUP_ORIGINS`, comma-separated, e.g.
   * `https://www.example.org`). Browsers name the posting page's origin; any other is refused.
   */
  signupOrigins: string[];
  /** The S3 bucket of staff's import and export files (`PRESSROOM_FILES_BUCKET`). */
  filesBucket: string;
  /**
   * Open and click tracking (`PRESSROOM_ENGAGEMENT_TRACKING=true`, set by the stack from context
   * `engagementTracking`): off by default. The configuration set then publishes open and click
   * events, which are counted per release and per link only.
   */
  engagementTracking: boolean;
  /**
   * Whether SES publishes delivery events (`PRESSROOM_DELIVERY_EVENTS=true`, set by the stack from
   * context `deliveryEvents`): off by default, since each costs an SNS publish and a DynamoDB write
   * per email, as much again as the rest of what Pressroom adds to SES (docs/benchmarks.md, figure
   * 4). Off, `delivered` is not counted: rates are over the messages sent, and a transient bounce
   * count lapses after {@link TRANSIENT_BOUNCE_WINDOW_DAYS} days without another bounce instead of
   * at a delivery.
   */
  deliveryEvents: boolean;
}

/** Secret values: Secrets Manager on AWS, environment or generated development keys locally. */
export interface PressroomSecrets {
  /** `whsec_…` secrets; more than one while rotating. */
  webhookSecrets: string[];
  adminToken: string;
  /** `kid:base64,kid2:base64`, first signs. */
  signingKeys: string;
  /** base64 key for the keyed hashes that keep erased addresses suppressed; never rotate it. */
  addressHashKey: string;
  /** Each social channel's token or webhook URL, by its key in the secret JSON (each channel's `secret` in functions/channels/). */
  channels: ChannelSecrets;
}

/**
 * Stands in for a secret value until staff set one (infra/secrets.ts writes it into the new secret):
 * whatever reads a secret must refuse it rather than run with it.
 */
export const SECRET_PLACEHOLDER = 'REPLACE_ME';

/**
 * True for a secret with nothing in it: empty, only whitespace, or a `whsec_` prefix alone. A blank
 * admin token would admit `Bearer ` and spaces (the presented token trims to the same nothing), and a
 * blank webhook secret fails every delivery: the wiring refuses both at start-up.
 */
export function isBlankSecret(value: string): boolean {
  return value.replace(/^whsec_/, '').trim() === '';
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses `blog=Blog,press-releases=Press Releases` (a bare id is its own name). */
export function parseLists(spec: string): Map<string, string> {
  const lists = new Map<string, string>();
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [id, name] = entry.split('=').map((s) => s.trim());
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(id)) throw new ConfigError(`PRESSROOM_LISTS: list id "${id}" must be lower-case letters, digits and hyphens`);
    if (id === 'all') throw new ConfigError('PRESSROOM_LISTS: list id "all" is reserved for the feed of all releases (/feeds/all.rss)');
    lists.set(id, name || id);
  }
  return lists;
}

/** Parses `Name <address>` or a bare address. */
export function parseFrom(spec: string, variable = 'PRESSROOM_FROM'): { name?: string; address: string } {
  const match = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]+)>\s*$/.exec(spec);
  const address = (match ? match[2] : spec).trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) throw new ConfigError(`${variable} "${spec}" has no valid address`);
  // A line break would let the setting add headers of its own.
  if (/[\r\n]/.test(spec)) throw new ConfigError(`${variable} must be on one line`);
  return { name: match?.[1]?.trim() || undefined, address };
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set`);
  return value;
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a whole number of at least 1, got "${raw}"`);
  return value;
}

function rate(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 1) throw new ConfigError(`${name} must be a rate above 0 and at most 1 (e.g. 0.05), got "${raw}"`);
  return value;
}

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function readDigestSchedule(env: Env): DigestSchedule {
  const day = (env.PRESSROOM_DIGEST_DAY || 'monday').toLowerCase();
  if (!DAYS.includes(day)) throw new ConfigError(`PRESSROOM_DIGEST_DAY must be a day of the week (monday…sunday), got "${day}"`);
  const hourRaw = env.PRESSROOM_DIGEST_HOUR || '9';
  const hour = Number(hourRaw);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new ConfigError(`PRESSROOM_DIGEST_HOUR must be a whole hour 0–23, got "${hourRaw}"`);
  const timeZone = env.PRESSROOM_TIME_ZONE || 'UTC';
  try {
    // Every function reads its config at cold start, and ICU's first DateTimeFormat costs ~12 ms
    // here: the default zone needs no check.
    if (timeZone !== 'UTC') new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new ConfigError(`PRESSROOM_TIME_ZONE must be an IANA time zone such as Europe/Madrid, got "${timeZone}"`);
  }
  return {
    listId: env.PRESSROOM_DIGEST_LIST || 'weekly-digest',
    weekday: DAYS.indexOf(day) + 1,
    hour,
    timeZone,
    language: env.PRESSROOM_DIGEST_LANGUAGE || 'en',
  };
}

/**
 * Reads the channels' settings. A value that is set is checked whether or not its channel is in
 * use, so a typo fails the deploy instead of the first post; a missing one is only an error for a
 * configured channel, which `buildChannels` reports.
 */
function readChannelSettings(env: Env): ChannelSettings {
  const settings = Object.entries(CHANNEL_SETTINGS).map(([name, { env: variable, default: fallback, check }]) => {
    const raw = env[variable]?.trim() || fallback;
    if (raw === undefined || !check) return [name, raw];
    if (!check.valid(raw)) throw new ConfigError(`${variable} must be ${check.expected}, got "${raw}"`);
    return [name, check.normalise ? check.normalise(raw) : raw];
  });
  return Object.fromEntries(settings) as ChannelSettings;
}

/**
 * `https://a.example,https://b.example` as origins (scheme, host and port, no path).
 *
 * @throws ConfigError naming the variable and the entry that is not an origin.
 */
export function parseOrigins(spec: string, variable: string): string[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      let url: URL | undefined;
      try {
        url = new URL(entry);
      } catch {
        url = undefined;
      }
      if (!url || !/^https?:$/.test(url.protocol) || url.origin !== entry.replace(/\/$/, '')) {
        throw new ConfigError(`${variable}: "${entry}" is not an origin such as https://www.example.org (scheme and host, no path)`);
      }
      return url.origin;
    });
}

/** `PRESSROOM_STAFF`, refused whole at start-up when an entry is not `address=role`. */
function readStaff(spec: string): Map<string, StaffRole> {
  try {
    return parseStaff(spec);
  } catch (error) {
    if (error instanceof ValidationError) throw new ConfigError(`PRESSROOM_STAFF: ${error.issues.map((i) => i.message).join('; ')}`);
    throw error;
  }
}

export function readConfig(env: Env): PressroomConfig {
  const publicUrl = required(env, 'PRESSROOM_PUBLIC_URL').replace(/\/$/, '');
  const from = parseFrom(env.PRESSROOM_FROM ?? 'Pressroom <news@example.org>');
  return {
    tableName: required(env, 'PRESSROOM_TABLE_NAME'),
    publicUrl,
    from,
    // Checked like From, kept as written (a display name is allowed): it goes out as the Reply-To header.
    replyTo: env.PRESSROOM_REPLY_TO ? (parseFrom(env.PRESSROOM_REPLY_TO, 'PRESSROOM_REPLY_TO'), env.PRESSROOM_REPLY_TO.trim()) : undefined,
    lists: parseLists(env.PRESSROOM_LISTS ?? 'blog=Blog,press-releases=Press Releases'),
    staff: readStaff(env.PRESSROOM_STAFF ?? ''),
    socialChannels: (env.PRESSROOM_SOCIAL_CHANNELS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    channelSettings: readChannelSettings(env),
    sesConfigurationSet: env.PRESSROOM_SES_CONFIGURATION_SET || undefined,
    transientBounceLimit: positiveInteger(env, 'PRESSROOM_TRANSIENT_BOUNCE_LIMIT', 3),
    maxSendRate: env.PRESSROOM_MAX_SEND_RATE ? positiveInteger(env, 'PRESSROOM_MAX_SEND_RATE', 1) : undefined,
    maxReceiveCount: positiveInteger(env, 'PRESSROOM_MAX_RECEIVE_COUNT', MAX_RECEIVE_COUNT),
    pauseThresholds: {
      bounceRate: rate(env, 'PRESSROOM_BOUNCE_PAUSE_RATE', DEFAULT_PAUSE_THRESHOLDS.bounceRate),
      complaintRate: rate(env, 'PRESSROOM_COMPLAINT_PAUSE_RATE', DEFAULT_PAUSE_THRESHOLDS.complaintRate),
      minSample: positiveInteger(env, 'PRESSROOM_PAUSE_MIN_SAMPLE', DEFAULT_PAUSE_THRESHOLDS.minSample),
    },
    pausedRecheckSeconds: Math.min(900, positiveInteger(env, 'PRESSROOM_PAUSED_RECHECK_SECONDS', 120)),
    quotaRecheckSeconds: positiveInteger(env, 'PRESSROOM_QUOTA_RECHECK_SECONDS', 3600),
    webhookFirstRetrySeconds: Math.min(900, positiveInteger(env, 'PRESSROOM_WEBHOOK_RETRY_SECONDS', 30)),
    claimLeaseSeconds: env.PRESSROOM_CLAIM_LEASE_SECONDS ? positiveInteger(env, 'PRESSROOM_CLAIM_LEASE_SECONDS', 1) : undefined,
    deadLetterQueues: queueConsumers.flatMap(({ queue }) => {
      const names = deadLetterEnvNames(queue);
      const [url, arn, sourceArn] = [env[names.url], env[names.arn], env[names.sourceArn]];
      return url && arn && sourceArn ? [{ queue, url, arn, sourceArn }] : [];
    }),
    digest: readDigestSchedule(env),
    signupOrigins: parseOrigins(env.PRESSROOM_SIGNUP_ORIGINS ?? '', 'PRESSROOM_SIGNUP_ORIGINS'),
    filesBucket: env.PRESSROOM_FILES_BUCKET ?? 'pressroom-files',
    engagementTracking: env.PRESSROOM_ENGAGEMENT_TRACKING === 'true',
    deliveryEvents: env.PRESSROOM_DELIVERY_EVENTS === 'true',
    brand: {
      organisationName: env.PRESSROOM_ORG_NAME ?? from.name ?? 'Pressroom',
      postalAddress: env.PRESSROOM_POSTAL_ADDRESS ?? '1 Example Street, Springfield, USA',
      accentColour: env.PRESSROOM_ACCENT_COLOUR ?? '#1d4ed8',
      logoUrl: env.PRESSROOM_LOGO_URL || undefined,
    },
  };
}
