import type { SocialChannel } from '../domain/social/ports';
import {
  CHANNEL_SECRETS,
  CHANNEL_SETTING_VARIABLES,
  ConfigError,
  extraSecretsOf,
  isSecureUrl,
  SECRET_PLACEHOLDER,
  type ChannelSecrets,
  type ChannelSettings,
  type SocialChannelName,
} from './config';
import type { ChannelsFactory } from './adapters';

/** Builds one channel once its settings and secrets are known to be complete. */
type ChannelBuilder = (settings: ChannelSettings, secret: string, secrets: ChannelSecrets) => SocialChannel;

interface ChannelRecipe {
  /** Settings the channel cannot post without (those with a default are not listed). */
  settings: Array<keyof ChannelSettings>;
  /** The secret is a webhook URL, so it must be one (and never cross the network in the clear). */
  secretIsUrl?: boolean;
  /**
   * Imports the channel's adapter and answers its builder. Only configured channels are loaded, so a
   * function evaluates the adapters (and their formatting rules) of the channels in use, not all
   * seven. `secrets` holds the channel's extra keys too when they are in use (all present, checked).
   */
  load(): Promise<ChannelBuilder>;
}

// `!`: a builder runs only once every setting listed beside it, and every secret key in use, is known to be present.
const RECIPES: Record<SocialChannelName, ChannelRecipe> = {
  mastodon: {
    settings: ['mastodonUrl'],
    load: async () => {
      const { MastodonChannel } = await import('../adapters/social/mastodon');
      return (s, accessToken) => new MastodonChannel({ instanceUrl: s.mastodonUrl!, accessToken });
    },
  },
  bluesky: {
    settings: ['blueskyIdentifier'],
    load: async () => {
      const { BlueskyChannel } = await import('../adapters/social/bluesky');
      return (s, appPassword) => new BlueskyChannel({ service: s.blueskyService, identifier: s.blueskyIdentifier!, appPassword });
    },
  },
  x: {
    settings: [],
    load: async () => {
      const { XChannel } = await import('../adapters/social/x');
      return (_, accessToken, s) =>
        usesExtraKeys('x', s)
          ? new XChannel({
              oauth1: { consumerKey: s.xApiKey!, consumerSecret: s.xApiKeySecret!, accessToken, accessTokenSecret: s.xAccessTokenSecret! },
            })
          : new XChannel({ accessToken });
    },
  },
  linkedin: {
    settings: ['linkedinAuthor'],
    load: async () => {
      const { LinkedInChannel } = await import('../adapters/social/linkedin');
      return (s, accessToken) => new LinkedInChannel({ accessToken, author: s.linkedinAuthor!, apiVersion: s.linkedinApiVersion });
    },
  },
  threads: {
    settings: [],
    load: async () => {
      const { ThreadsChannel } = await import('../adapters/social/threads');
      return (s, accessToken) => new ThreadsChannel({ accessToken, userId: s.threadsUserId });
    },
  },
  slack: {
    settings: [],
    secretIsUrl: true,
    load: async () => {
      const { SlackChannel } = await import('../adapters/social/slack');
      return (_, webhookUrl) => new SlackChannel({ webhookUrl });
    },
  },
  discord: {
    settings: [],
    secretIsUrl: true,
    load: async () => {
      const { DiscordChannel } = await import('../adapters/social/discord');
      return (_, webhookUrl) => new DiscordChannel({ webhookUrl });
    },
  },
};

const builders = new Map<SocialChannelName, ChannelBuilder>();

/**
 * Loads the adapters of the named channels that {@link buildChannels} will build; unknown names are
 * left for it to report. Each adapter is imported once per process.
 */
export async function loadChannelAdapters(names: readonly string[]): Promise<void> {
  const wanted = [...new Set(names)].filter(isKnown).filter((name) => !builders.has(name));
  await Promise.all(wanted.map(async (name) => builders.set(name, await RECIPES[name].load())));
}

/** The channel names {@link buildChannels} knows, in the order the docs list them. */
export const KNOWN_CHANNELS = Object.keys(RECIPES) as SocialChannelName[];

const isKnown = (name: string): name is SocialChannelName => Object.hasOwn(RECIPES, name);

/** Any of a channel's extra secret keys given means the channel signs in with all of them (see `extraKeys`). */
const usesExtraKeys = (name: SocialChannelName, secrets: ChannelSecrets): boolean => extraSecretsOf(name).some(({ key }) => secrets[key]);

const where = ({ key, env }: { key: string; env: string }) => `secret key "${key}" (locally ${env})`;

/** What keeps one configured channel from being built, in words that name the setting or secret to fix. */
function problemsOf(name: SocialChannelName, settings: ChannelSettings, secrets: ChannelSecrets): string[] {
  const recipe = RECIPES[name];
  const problems = recipe.settings
    .filter((setting) => !settings[setting])
    .map((setting) => `${name} needs ${CHANNEL_SETTING_VARIABLES[setting]} (CDK context "${setting}")`);
  const main = CHANNEL_SECRETS[name];
  const extras = extraSecretsOf(name);
  const inUse = usesExtraKeys(name, secrets) ? [main, ...extras] : [main];
  const missing = inUse.filter(({ key }) => !secrets[key]);
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
    if (secrets[location.key]?.trim() === SECRET_PLACEHOLDER) problems.push(`${name}: ${where(location)} still holds the placeholder ${SECRET_PLACEHOLDER}`);
  }
  const secret = secrets[main.key];
  if (secret && recipe.secretIsUrl && secret.trim() !== SECRET_PLACEHOLDER && !isSecureUrl(secret)) {
    problems.push(`${name}: ${where(main)} must be the webhook's https URL`);
  }
  return problems;
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
  extra: readonly SocialChannel[] = [],
): Map<string, SocialChannel> {
  const channels = new Map(extra.map((c) => [c.name, c] as const));
  const wanted = [...new Set(names)].filter((name) => !channels.has(name));
  const unknown = wanted.filter((name) => !isKnown(name));
  if (unknown.length) {
    throw new ConfigError(
      `Unknown social channel ${unknown.map((n) => `"${n}"`).join(', ')} in PRESSROOM_SOCIAL_CHANNELS (CDK context "socialChannels"); ` +
        `known: ${KNOWN_CHANNELS.join(', ')}` +
        (unknown.includes('local') ? ' ("local" exists only in local mode)' : ''),
    );
  }
  const known = wanted as SocialChannelName[];
  const problems = known.flatMap((name) => problemsOf(name, settings, secrets));
  if (problems.length) throw new ConfigError(`Social channels are not fully configured: ${problems.join('; ')}`);
  for (const name of known) {
    const build = builders.get(name);
    if (!build) throw new Error(`The ${name} adapter is not loaded: await loadChannelAdapters() before buildChannels()`);
    channels.set(name, build(settings, secrets[CHANNEL_SECRETS[name].key]!, secrets));
  }
  return channels;
}

/** The channels part (runtime/adapters.ts FunctionParts), for functions that post or schedule posts. */
export const socialChannels: ChannelsFactory = async (config, secrets, extra) => {
  await loadChannelAdapters(config.socialChannels);
  return buildChannels(config.socialChannels, config.channelSettings, secrets.channels, extra);
};
