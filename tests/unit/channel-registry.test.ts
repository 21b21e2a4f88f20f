import { beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_SECRET_LOCATIONS, CHANNEL_SETTINGS, CHANNELS, type SocialChannelName } from '../../functions/channels';
import { buildChannels, loadChannelAdapters } from '../../functions/runtime/channels';
import type { SocialChannel } from '../../functions/domain/social/ports';

// Given: a full deployment's settings and secrets, for every channel in the registry.
const SETTINGS = {
  mastodonUrl: 'https://mastodon.example',
  blueskyService: 'https://pds.example',
  blueskyIdentifier: 'press.example.com',
  linkedinAuthor: 'urn:li:organization:5515715',
  threadsUserId: 'me',
};
const SECRETS = {
  mastodonAccessToken: 't',
  blueskyAppPassword: 't',
  xAccessToken: 't',
  linkedinAccessToken: 't',
  threadsAccessToken: 't',
  slackWebhookUrl: 'https://hooks.slack.com/services/T/B/x',
  discordWebhookUrl: 'https://discord.com/api/webhooks/1/x',
};

describe('the channel registry', () => {
  let built: Map<string, SocialChannel>;
  beforeAll(async () => {
    const names = CHANNELS.map((channel) => channel.name);
    await loadChannelAdapters(names);
    built = buildChannels(names, SETTINGS, SECRETS);
  });

  it.each(CHANNELS.map((channel) => [channel.name, channel] as const))('%s: the adapter measures posts by the rules its descriptor names', (name, channel) => {
    // When a plain text exactly at the descriptor's limit, and one character over, are checked.
    const adapter = built.get(name as SocialChannelName)!;
    const { maxLength } = channel.rules;

    // Then the adapter takes the first and refuses the second: the README's figure is the adapter's.
    expect(adapter.check('a'.repeat(maxLength))).toBeUndefined();
    expect(adapter.check('a'.repeat(maxLength + 1))).toBeDefined();
  });

  it('names every setting, variable and secret key once across all channels', () => {
    // The settings and secrets of all channels share one namespace (context keys, the secret JSON).
    const settingNames = CHANNELS.flatMap((channel) => Object.keys(channel.settings));
    const variables = [...Object.values(CHANNEL_SETTINGS).map((setting) => setting.env), ...CHANNEL_SECRET_LOCATIONS.map((l) => l.env)];
    const keys = CHANNEL_SECRET_LOCATIONS.map((location) => location.key);
    expect(new Set(settingNames).size).toBe(settingNames.length);
    expect(new Set(variables).size).toBe(variables.length);
    expect(new Set(keys).size).toBe(keys.length);
    expect(variables.every((name) => name.startsWith('PRESSROOM_'))).toBe(true);
  });
});
