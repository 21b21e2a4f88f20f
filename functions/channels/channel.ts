import type { SocialChannel } from '../domain/social/ports';
import type { ChannelTextRules } from '../domain/social/channel-rules';
import type { OutboundFetch } from '../adapters/outbound/guarded-fetch';

/*
 * What Pressroom knows about one social channel, declared once in the channel's own module
 * (functions/channels/<name>.ts) and read by the configuration, the runtime wiring, the stack and the
 * README table. A descriptor is plain data plus a builder: it imports no adapter, so every function
 * can read it at cold start without loading (or bundling) any provider's code.
 */

/** How a set value is checked, and put in the form the adapter takes. */
export interface SettingCheck {
  /** Completes "… must be", e.g. `an https URL`. */
  expected: string;
  valid(raw: string): boolean;
  normalise?(raw: string): string;
}

/**
 * A plain (non-secret) setting. Its key in {@link ChannelDescriptor.settings} is also its CDK context
 * key, and `env` the variable the functions read it from.
 */
export interface ChannelSetting {
  env: string;
  /** Taken when the setting is unset or empty; a setting with a default is never missing. */
  default?: string;
  /** The channel cannot post without it. */
  required?: boolean;
  check?: SettingCheck;
  /** For the README, after the variable: what the value is. A default is named there by itself. */
  note?: string;
}

/** Where one secret lives: its key in the Secrets Manager JSON (AWS) and its variable locally. */
export interface SecretLocation {
  key: string;
  env: string;
}

/**
 * Keys that join the channel's secret for another way of signing in: given any of them, the channel
 * needs all of them and its `secret`, and signs in with the set; given none, `secret` alone.
 */
export interface ExtraSecrets<K extends string = string> {
  keys: ReadonlyArray<{ key: K; env: string }>;
  /** How the README names each way, e.g. `OAuth 1.0a` for the set and `OAuth 2.0` for the key alone. */
  setName: string;
  aloneName: string;
}

/** A set value of each setting: present where the channel requires it or there is a default. */
export type SettingValues<S extends Record<string, ChannelSetting>> = {
  [K in keyof S]: S[K] extends { default: string } | { required: true } ? string : string | undefined;
};

export interface ChannelDescriptor<
  N extends string = string,
  S extends Record<string, ChannelSetting> = Record<string, ChannelSetting>,
  K extends string = string,
  E extends string = string,
  M = unknown,
> {
  /** The name in `PRESSROOM_SOCIAL_CHANNELS` and in a release's social plan. */
  name: N;
  /** For the README: what staff create at the provider. */
  setup: string;
  settings: S;
  secret: { key: K; env: string };
  extraSecrets?: ExtraSecrets<E>;
  /** The secret is a webhook URL, so it must be one (and never cross the network in the clear). */
  secretIsUrl?: boolean;
  /** How the channel measures a post; the adapter formats and checks by the same rules. */
  rules: ChannelTextRules;
  /**
   * Builds the adapter from its module (imported only for configured channels, see
   * functions/channels/adapter-modules.ts) once the settings and secrets are known to be complete.
   * `secrets` holds the extra keys when they are in use, all present. `outboundFetch` is the one way
   * to fetch a URL that came from a release (an image): never a provider's own endpoint.
   */
  build(
    adapter: M,
    given: { settings: SettingValues<S>; secret: string; secrets: Partial<Record<K | E, string>>; outboundFetch: OutboundFetch },
  ): SocialChannel;
}

/**
 * Declares a channel, keeping the literal names of its settings and secret keys so the registry can
 * derive the settings and secrets types from them.
 */
export function defineChannel<
  const N extends string,
  const S extends Record<string, ChannelSetting>,
  const K extends string,
  const E extends string = never,
  M = unknown,
>(descriptor: ChannelDescriptor<N, S, K, E, M>): ChannelDescriptor<N, S, K, E, M> {
  return descriptor;
}

/**
 * True for an https URL, or plain http to this machine (local stand-ins of a provider in tests):
 * tokens and webhook URLs must not cross the network in the clear.
 */
export function isSecureUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname));
}

/** A base URL: https (see {@link isSecureUrl}), kept without trailing slashes. */
export const secureUrl: SettingCheck = {
  expected: 'an https URL',
  valid: isSecureUrl,
  normalise: (raw) => raw.replace(/\/+$/, ''),
};

/** A value matching `pattern`, described as `expected` in the error. */
export function matching(pattern: RegExp, expected: string): SettingCheck {
  return { expected, valid: (raw) => pattern.test(raw) };
}
