import { SLACK_TEXT_RULES } from '../domain/social/channel-rules';
import { defineChannel } from './channel';

/** Slack: a Block Kit card through an incoming webhook. */
export const slack = defineChannel({
  name: 'slack',
  setup: 'an incoming webhook for the channel (`https://hooks.slack.com/services/…`)',
  settings: {},
  secret: { key: 'slackWebhookUrl', env: 'PRESSROOM_SLACK_WEBHOOK_URL' },
  secretIsUrl: true,
  rules: SLACK_TEXT_RULES,
  build: (adapter: typeof import('../adapters/social/slack'), { secret }) => new adapter.SlackChannel({ webhookUrl: secret }),
});
