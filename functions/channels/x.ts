import { X_RULES } from '../domain/social/channel-rules';
import { defineChannel } from './channel';

/** X: a post through the v2 API; X has no idempotency key. */
export const x = defineChannel({
  name: 'x',
  setup:
    'recommended, OAuth 1.0a keys, which do not expire: in X\'s developer console (formerly the developer portal) set the app\'s permissions to Read and Write, then on its "Keys and tokens" page take the API key and secret and generate the access token and secret; or else an OAuth 2.0 user-context token (Authorization Code with PKCE) with `tweet.read`, `tweet.write`, `users.read`, which expires after two hours',
  settings: {},
  // Alone, an OAuth 2.0 user token; with the three others, the OAuth 1.0a access token, whose set does
  // not expire (the API key and secret are X's names for the consumer key and secret).
  secret: { key: 'xAccessToken', env: 'PRESSROOM_X_ACCESS_TOKEN' },
  extraSecrets: {
    keys: [
      { key: 'xApiKey', env: 'PRESSROOM_X_API_KEY' },
      { key: 'xApiKeySecret', env: 'PRESSROOM_X_API_KEY_SECRET' },
      { key: 'xAccessTokenSecret', env: 'PRESSROOM_X_ACCESS_TOKEN_SECRET' },
    ],
    setName: 'OAuth 1.0a',
    aloneName: 'OAuth 2.0',
  },
  rules: X_RULES,
  // `secrets` holds the OAuth 1.0a keys only when they are in use, and then all of them.
  build: (adapter: typeof import('../adapters/social/x'), { secret, secrets }) =>
    secrets.xApiKey
      ? new adapter.XChannel({
          oauth1: { consumerKey: secrets.xApiKey, consumerSecret: secrets.xApiKeySecret!, accessToken: secret, accessTokenSecret: secrets.xAccessTokenSecret! },
        })
      : new adapter.XChannel({ accessToken: secret }),
});
