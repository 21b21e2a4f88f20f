import { describe, expect, it } from 'vitest';
import { buildChannels, loadChannelAdapters, socialChannels } from '../../functions/runtime/channels';
import type { PressroomConfig, PressroomSecrets } from '../../functions/runtime/config';

/**
 * A function loads the adapters of the channels it is configured with, and no others (each test
 * file has its own module registry, so nothing here was loaded before).
 */
const settings = { mastodonUrl: 'https://mastodon.example', blueskyService: 'https://bsky.social', threadsUserId: 'me' };

describe('loading channel adapters', () => {
  it('builds a loaded channel, and refuses one whose adapter was never loaded, saying what to call', async () => {
    await loadChannelAdapters(['mastodon']);
    expect(buildChannels(['mastodon'], settings, { mastodonAccessToken: 'token' }).get('mastodon')).toMatchObject({ name: 'mastodon', idempotent: true });
    expect(() => buildChannels(['slack'], settings, { slackWebhookUrl: 'https://hooks.slack.com/services/T/B/x' })).toThrow(/slack adapter is not loaded: await loadChannelAdapters\(\)/);
  });

  it('the channels part loads what the configuration names before building', async () => {
    const config = { socialChannels: ['discord'], channelSettings: settings } as unknown as PressroomConfig;
    const secrets = { channels: { discordWebhookUrl: 'https://discord.com/api/webhooks/1/abc' } } as unknown as PressroomSecrets;
    const channels = await socialChannels(config, secrets);
    expect([...channels.keys()]).toEqual(['discord']);
  });
});
