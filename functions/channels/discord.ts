import { DISCORD_TEXT_RULES } from '../domain/social/channel-rules';
import { defineChannel } from './channel';

/** Discord: an embed through a channel webhook. */
export const discord = defineChannel({
  name: 'discord',
  setup: 'a channel webhook (Server Settings → Integrations → Webhooks)',
  settings: {},
  secret: { key: 'discordWebhookUrl', env: 'PRESSROOM_DISCORD_WEBHOOK_URL' },
  secretIsUrl: true,
  rules: DISCORD_TEXT_RULES,
  build: (adapter: typeof import('../adapters/social/discord'), { secret }) => new adapter.DiscordChannel({ webhookUrl: secret }),
});
