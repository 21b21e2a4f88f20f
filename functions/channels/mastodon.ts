import { MASTODON_RULES } from '../domain/social/channel-rules';
import { defineChannel, secureUrl } from './channel';

/** Mastodon: a status on one instance, deduplicated by its Idempotency-Key. */
export const mastodon = defineChannel({
  name: 'mastodon',
  setup: 'an application (Preferences → Development) with scope `write:statuses`; use its access token',
  settings: {
    // Base URL of the instance; cdk.json suggests https://mastodon.social.
    mastodonUrl: { env: 'PRESSROOM_MASTODON_URL', required: true, check: secureUrl },
  },
  secret: { key: 'mastodonAccessToken', env: 'PRESSROOM_MASTODON_TOKEN' },
  rules: MASTODON_RULES,
  build: (adapter: typeof import('../adapters/social/mastodon'), { settings, secret }) =>
    new adapter.MastodonChannel({ instanceUrl: settings.mastodonUrl, accessToken: secret }),
});
