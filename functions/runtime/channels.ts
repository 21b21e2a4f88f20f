import type { SocialChannel } from '../domain/social/ports';
import {
  CHANNELS_BY_NAME,
  extraSecretsOf,
  isKnownChannel,
  isSecureUrl,
  KNOWN_CHANNELS,
  type ChannelDescriptor,
  type ChannelSecrets,
  type ChannelSettings,
  type SocialChannelName,
} from '../channels';
import { ADAPTER_MODULES } from '../channels/adapter-modules';
import { guardedFetcher, type OutboundFetch } from '../adapters/outbound/guarded-fetch';
import { ConfigError, SECRET_PLACEHOLDER } from './config';
import type { ChannelsFactory } from './adapters';

export { KNOWN_CHANNELS } from '../channels';

/** Builds one channel once its settings and secrets are known to be complete. */
type ChannelBuilder = (settings: ChannelSettings, secrets: ChannelSecrets, outboundFetch: OutboundFetch) => SocialChannel;

const builders = new Map<SocialChannelName, ChannelBuilder>();

/**
 * Loads the adapters of the named channels that {@link buildChannels} will build; unknown names are
 * left for it to report. Each adapter is imported once per process, and only configured channels are
 * loaded, so a function evaluates the adapters (and their formatting rules) of the channels in use,
 * not all seven.
 */
export async function loadChannelAdapters(names: readonly string[]): Promise<void> {
  const wanted = [...new Set(names)].filter(isKnownChannel).filter((name) => !builders.has(name));
  await Promise.all(wanted.map(async (name) => builders.set(name, builderOf(CHANNELS_BY_NAME[name], await ADAPTER_MODULES[name]()))));
}

/**
 * Hands the channel's `build` its own settings and secret, and its extra secret keys when they are in
 * use. The registry's types pair each descriptor with its module; across the union of channels the
 * compiler cannot follow that pairing, hence the one widening here.
 */
function builderOf(channel: ChannelDescriptor, adapter: unknown): ChannelBuilder {
  type Values = Record<string, string | undefined>;
  const build = channel.build as (adapter: unknown, given: { settings: Values; secret: string; secrets: Values; outboundFetch: OutboundFetch }) => SocialChannel;
  return (settings, secrets, outboundFetch) => {
    const [values, keys] = [settings as Values, secrets as Values];
    const inUse = usesExtraKeys(channel, secrets) ? [channel.secret, ...extraSecretsOf(channel)] : [channel.secret];
    return build(adapter, {
      settings: Object.fromEntries(Object.keys(channel.settings).map((name) => [name, values[name]])),
      secret: keys[channel.secret.key]!,
      secrets: Object.fromEntries(inUse.map(({ key }) => [key, keys[key]])),
      outboundFetch,
    });
  };
}

/** Any of a channel's extra secret keys given means the channel signs in with all of them (see `extraSecrets`). */
const usesExtraKeys = (channel: ChannelDescriptor, secrets: ChannelSecrets): boolean => extraSecretsOf(channel).some(({ key }) => secrets[key]);

const where = ({ key, env }: { key: string; env: string }) => `secret key "${key}" (locally ${env})`;

/** What keeps one configured channel from being built, in words that name the setting or secret to fix. */
function problemsOf(channel: ChannelDescriptor, settings: ChannelSettings, secrets: ChannelSecrets): string[] {
  const { name } = channel;
  const problems = Object.entries(channel.settings)
    .filter(([setting, { required }]) => required && !settings[setting as keyof ChannelSettings])
    .map(([setting, { env }]) => `${name} needs ${env} (CDK context "${setting}")`);
  const main = channel.secret;
  const extras = extraSecretsOf(channel);
  const inUse = usesExtraKeys(channel, secrets) ? [main, ...extras] : [main];
  const missing = inUse.filter(({ key }) => !secrets[key as keyof ChannelSecrets]);
  // Never quote a value: it is a credential.
  if (missing.length && inUse.length > 1) {
    // Half a set is a mistake, not a choice: falling back to the main key alone would hide it.
    const names = (list: ReadonlyArray<{ key: string }>) => list.map(({ key }) => `"${key}"`).join(', ');
    problems.push(`${name} needs ${missing.map(where).join(', ')} too: once any of ${names(extras)} is set, it signs in with all of ${names(inUse)}`);
  } else if (missing.length) {
    const alternative = extras.length ? `, or it together with ${extras.map(where).join(', ')}` : '';
    problems.push(`${name} needs its ${where(main)}${alternative}`);
  }
  for (const location of inUse) {
    if (secrets[location.key as keyof ChannelSecrets]?.trim() === SECRET_PLACEHOLDER) problems.push(`${name}: ${where(location)} still holds the placeholder ${SECRET_PLACEHOLDER}`);
  }
  const secret = secrets[main.key as keyof ChannelSecrets];
  if (secret && channel.secretIsUrl && secret.trim() !== SECRET_PLACEHOLDER && !isSecureUrl(secret)) {
    problems.push(`${name}: ${where(main)} must be the webhook's https URL`);
  }
  return problems;
}

/** What the runtime hands the channels besides configuration. */
export interface ChannelsRuntime {
  /** Channels the runtime provides itself (the local runner's `local` channel), taken as they are. */
  extra?: readonly SocialChannel[];
  /** How channels fetch URLs from a release; the strict guarded fetcher unless the local runner says otherwise. */
  outboundFetch?: OutboundFetch;
}

/**
 * Builds the social channels named in `socialChannels`, whose adapters {@link loadChannelAdapters}
 * has loaded. Names already among `extra` (the local runner's `local` channel) are taken from there. Everything wrong is reported at once, in one
 * {@link ConfigError}, so a deploy needs one round of fixes rather than one per channel.
 *
 * @throws ConfigError for an unknown name (listing the known ones), a missing setting or secret, part
 *   of a channel's extra secret keys without the rest, or a secret still holding the deploy's placeholder.
 * @example
 * const channels = buildChannels(['mastodon', 'bluesky'], config.channelSettings, secrets.channels);
 * channels.get('bluesky')?.idempotent; // true
 */
export function buildChannels(
  names: readonly string[],
  settings: ChannelSettings,
  secrets: ChannelSecrets,
  { extra = [], outboundFetch = guardedFetcher() }: ChannelsRuntime = {},
): Map<string, SocialChannel> {
  const channels = new Map(extra.map((c) => [c.name, c] as const));
  const wanted = [...new Set(names)].filter((name) => !channels.has(name));
  const unknown = wanted.filter((name) => !isKnownChannel(name));
  if (unknown.length) {
    throw new ConfigError(
      `Unknown social channel ${unknown.map((n) => `"${n}"`).join(', ')} in PRESSROOM_SOCIAL_CHANNELS (CDK context "socialChannels"); ` +
        `known: ${KNOWN_CHANNELS.join(', ')}` +
        (unknown.includes('local') ? ' ("local" exists only in local mode)' : ''),
    );
  }
  const known = wanted as SocialChannelName[];
  const problems = known.flatMap((name) => problemsOf(CHANNELS_BY_NAME[name], settings, secrets));
  if (problems.length) throw new ConfigError(`Social channels are not fully configured: ${problems.join('; ')}`);
  for (const name of known) {
    const build = builders.get(name);
    if (!build) throw new Error(`The ${name} adapter is not loaded: await loadChannelAdapters() before buildChannels()`);
    channels.set(name, build(settings, secrets, outboundFetch));
  }
  return channels;
}

/** The channels part (runtime/adapters.ts FunctionParts), for functions that post or schedule posts. */
export const socialChannels: ChannelsFactory = async (config, secrets, { extra, outboundPolicy } = {}) => {
  await loadChannelAdapters(config.socialChannels);
  return buildChannels(config.socialChannels, config.channelSettings, secrets.channels, { extra, outboundFetch: guardedFetcher({ policy: outboundPolicy }) });
};
