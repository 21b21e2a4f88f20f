import type { SocialChannel } from '../domain/ports';
import { MastodonChannel } from '../adapters/social/mastodon';
import { BlueskyChannel } from '../adapters/social/bluesky';
import { XChannel } from '../adapters/social/x';
import { LinkedInChannel } from '../adapters/social/linkedin';
import { ThreadsChannel } from '../adapters/social/threads';
import { SlackChannel } from '../adapters/social/slack';
import { DiscordChannel } from '../adapters/social/discord';
import {
  CHANNEL_SECRETS,
  CHANNEL_SETTING_VARIABLES,
  ConfigError,
  isSecureUrl,
  SECRET_PLACEHOLDER,
  type ChannelSecrets,
  type ChannelSettings,
  type SocialChannelName,
} from './config';

interface ChannelRecipe {
  /** Settings the channel cannot post without (those with a default are not listed). */
  settings: Array<keyof ChannelSettings>;
  /** The secret is a webhook URL, so it must be one (and never cross the network in the clear). */
  secretIsUrl?: boolean;
  build(settings: ChannelSettings, secret: string): SocialChannel;
}

// `!`: build runs only once every setting listed beside it is known to be present.
const RECIPES: Record<SocialChannelName, ChannelRecipe> = {
  mastodon: {
    settings: ['mastodonUrl'],
    build: (s, accessToken) => new MastodonChannel({ instanceUrl: s.mastodonUrl!, accessToken }),
  },
  bluesky: {
    settings: ['blueskyIdentifier'],
    build: (s, appPassword) => new BlueskyChannel({ service: s.blueskyService, identifier: s.blueskyIdentifier!, appPassword }),
  },
  x: { settings: [], build: (_, accessToken) => new XChannel({ accessToken }) },
  linkedin: {
    settings: ['linkedinAuthor'],
    build: (s, accessToken) => new LinkedInChannel({ accessToken, author: s.linkedinAuthor!, apiVersion: s.linkedinApiVersion }),
  },
  threads: { settings: [], build: (s, accessToken) => new ThreadsChannel({ accessToken, userId: s.threadsUserId }) },
  slack: { settings: [], secretIsUrl: true, build: (_, webhookUrl) => new SlackChannel({ webhookUrl }) },
  discord: { settings: [], secretIsUrl: true, build: (_, webhookUrl) => new DiscordChannel({ webhookUrl }) },
};

/** The channel names {@link buildChannels} knows, in the order the docs list them. */
export const KNOWN_CHANNELS = Object.keys(RECIPES) as SocialChannelName[];

const isKnown = (name: string): name is SocialChannelName => Object.hasOwn(RECIPES, name);

/** What keeps one configured channel from being built, in words that name the setting or secret to fix. */
function problemsOf(name: SocialChannelName, settings: ChannelSettings, secrets: ChannelSecrets): string[] {
  const recipe = RECIPES[name];
  const problems = recipe.settings
    .filter((setting) => !settings[setting])
    .map((setting) => `${name} needs ${CHANNEL_SETTING_VARIABLES[setting]} (CDK context "${setting}")`);
  const { key, env } = CHANNEL_SECRETS[name];
  const secret = secrets[key];
  const where = `secret key "${key}" (locally ${env})`;
  // Never quote the value: it is a credential.
  if (!secret) problems.push(`${name} needs its ${where}`);
  else if (secret.trim() === SECRET_PLACEHOLDER) problems.push(`${name}: ${where} still holds the placeholder ${SECRET_PLACEHOLDER}`);
  else if (recipe.secretIsUrl && !isSecureUrl(secret)) problems.push(`${name}: ${where} must be the webhook's https URL`);
  return problems;
}

/**
 * Builds the social channels named in `socialChannels`. Names already among `extra` (the local
 * runner's `local` channel) are taken from there. Everything wrong is reported at once, in one
 * {@link ConfigError}, so a deploy needs one round of fixes rather than one per channel.
 *
 * @throws ConfigError for an unknown name (listing the known ones), a missing setting or secret, or a
 *   secret still holding the deploy's placeholder.
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
  for (const name of known) channels.set(name, RECIPES[name].build(settings, secrets[CHANNEL_SECRETS[name].key]!));
  return channels;
}
