import { THREADS_RULES } from '../domain/social/channel-rules';
import { defineChannel, matching } from './channel';

/** Threads: a text post through the Threads API (a container, then its publication). */
export const threads = defineChannel({
  name: 'threads',
  setup: 'a user token with `threads_basic` and `threads_content_publish`',
  settings: {
    // `me` is the token's own user.
    threadsUserId: { env: 'PRESSROOM_THREADS_USER_ID', default: 'me', check: matching(/^(me|\d+)$/, '"me" or a numeric Threads user id') },
  },
  secret: { key: 'threadsAccessToken', env: 'PRESSROOM_THREADS_TOKEN' },
  rules: THREADS_RULES,
  build: (adapter: typeof import('../adapters/social/threads'), { settings, secret }) =>
    new adapter.ThreadsChannel({ accessToken: secret, userId: settings.threadsUserId }),
});
