import type { Brand } from '../adapters/render/mjml-renderer';

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
  socialChannels: string[];
  mastodonUrl?: string;
  sesConfigurationSet?: string;
  brand: Brand;
  /** Transient bounces in a row that suppress an address (`PRESSROOM_TRANSIENT_BOUNCE_LIMIT`, default 3). */
  transientBounceLimit: number;
  /** Messages per second to stay under; SES's own MaxSendRate applies when lower or when unset. */
  maxSendRate?: number;
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
  mastodonAccessToken?: string;
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
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(id)) throw new ConfigError(`List id "${id}" must be lower-case letters, digits and hyphens`);
    lists.set(id, name || id);
  }
  return lists;
}

/** Parses `Name <address>` or a bare address. */
export function parseFrom(spec: string): { name?: string; address: string } {
  const match = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]+)>\s*$/.exec(spec);
  const address = (match ? match[2] : spec).trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) throw new ConfigError(`PRESSROOM_FROM "${spec}" has no valid address`);
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

export function readConfig(env: Env): PressroomConfig {
  const publicUrl = required(env, 'PRESSROOM_PUBLIC_URL').replace(/\/$/, '');
  const from = parseFrom(env.PRESSROOM_FROM ?? 'Pressroom <news@example.org>');
  return {
    tableName: required(env, 'PRESSROOM_TABLE_NAME'),
    publicUrl,
    from,
    replyTo: env.PRESSROOM_REPLY_TO || undefined,
    lists: parseLists(env.PRESSROOM_LISTS ?? 'blog=Blog,press-releases=Press Releases'),
    socialChannels: (env.PRESSROOM_SOCIAL_CHANNELS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    mastodonUrl: env.PRESSROOM_MASTODON_URL || undefined,
    sesConfigurationSet: env.PRESSROOM_SES_CONFIGURATION_SET || undefined,
    transientBounceLimit: positiveInteger(env, 'PRESSROOM_TRANSIENT_BOUNCE_LIMIT', 3),
    maxSendRate: env.PRESSROOM_MAX_SEND_RATE ? positiveInteger(env, 'PRESSROOM_MAX_SEND_RATE', 1) : undefined,
    brand: {
      organisationName: env.PRESSROOM_ORG_NAME ?? from.name ?? 'Pressroom',
      postalAddress: env.PRESSROOM_POSTAL_ADDRESS ?? '1 Example Street, Springfield, USA',
      accentColour: env.PRESSROOM_ACCENT_COLOUR ?? '#1d4ed8',
      logoUrl: env.PRESSROOM_LOGO_URL || undefined,
    },
  };
}
