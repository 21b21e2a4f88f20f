import type { ChannelDescriptor, ChannelSetting, SecretLocation } from './channel';
import { bluesky } from './bluesky';
import { discord } from './discord';
import { linkedin } from './linkedin';
import { mastodon } from './mastodon';
import { slack } from './slack';
import { threads } from './threads';
import { x } from './x';

/**
 * Every social channel Pressroom can build from configuration, in the order the docs list them. The
 * configuration (settings, secrets), the runtime wiring, the stack and the README table all read
 * this list. Adding a channel: its adapter in adapters/social/, its module here (defineChannel), an
 * entry in this list and in adapter-modules.ts, then `npm run docs:channels` and its rows in
 * infra/README.md (tests/unit/channel-docs.test.ts says which are missing). The `local` channel is
 * not here: only the local runner provides it.
 */
export const CHANNELS = [mastodon, bluesky, x, linkedin, threads, slack, discord] as const;

export type Channel = (typeof CHANNELS)[number];
export type SocialChannelName = Channel['name'];
export type ChannelNamed<N extends SocialChannelName> = Extract<Channel, { name: N }>;

/** The channels by name. */
export const CHANNELS_BY_NAME = Object.fromEntries(CHANNELS.map((channel) => [channel.name, channel])) as {
  [N in SocialChannelName]: ChannelNamed<N>;
};

/** The channel names {@link CHANNELS} holds, in its order. */
export const KNOWN_CHANNELS: SocialChannelName[] = CHANNELS.map((channel) => channel.name);

export const isKnownChannel = (name: string): name is SocialChannelName => Object.hasOwn(CHANNELS_BY_NAME, name);

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;
type SettingSpecs = UnionToIntersection<Channel['settings']>;
type SettingName = keyof SettingSpecs & string;
type DefaultedSetting = { [K in SettingName]: SettingSpecs[K] extends { default: string } ? K : never }[SettingName];

/**
 * The channels' plain (non-secret) settings, every channel's together: a setting with a default is
 * always there; the others only when set, and `buildChannels` says which configured channel lacks one.
 * Each field's name is also its CDK context key, and {@link CHANNEL_SETTING_VARIABLES} names its variable.
 */
export type ChannelSettings = { [K in DefaultedSetting]: string } & { [K in Exclude<SettingName, DefaultedSetting>]?: string };

export type ChannelSecretKey = Channel['secret']['key'] | NonNullable<Channel['extraSecrets']>['keys'][number]['key'];
/** Absent keys are channels without a secret; `buildChannels` says which configured one lacks its own. */
export type ChannelSecrets = Partial<Record<ChannelSecretKey, string>>;

/** Every channel setting, by name (its context key), with what the registry says of it. */
export const CHANNEL_SETTINGS = Object.fromEntries(
  CHANNELS.flatMap((channel) => Object.entries(channel.settings as Record<string, ChannelSetting>)),
) as Record<SettingName, ChannelSetting>;

/** Where each channel setting comes from; infra passes the context key of the same name into it. */
export const CHANNEL_SETTING_VARIABLES = Object.fromEntries(
  Object.entries(CHANNEL_SETTINGS).map(([name, setting]) => [name, setting.env]),
) as Record<SettingName, string>;

/** A channel's extra secret keys (see `extraSecrets`), none for most channels. */
export function extraSecretsOf(channel: ChannelDescriptor): ReadonlyArray<{ key: ChannelSecretKey; env: string }> {
  return (channel.extraSecrets?.keys ?? []) as ReadonlyArray<{ key: ChannelSecretKey; env: string }>;
}

/** Every channel secret, extra keys included, with its variable: what the wiring reads. */
export const CHANNEL_SECRET_LOCATIONS: ReadonlyArray<SecretLocation & { key: ChannelSecretKey }> = CHANNELS.flatMap((channel) => [
  channel.secret,
  ...extraSecretsOf(channel),
]);
export const CHANNEL_SECRET_KEYS = CHANNEL_SECRET_LOCATIONS.map((location) => location.key);

export type { ChannelDescriptor, ChannelSetting, SecretLocation } from './channel';
export { isSecureUrl } from './channel';
