import { BLUESKY_RULES } from '../domain/social/channel-rules';
import { defineChannel, secureUrl } from './channel';

// A handle is a domain name (atproto handle syntax); a DID is `did:method:id`.
const HANDLE = /^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]+$/;

/** Bluesky: a post over plain XRPC, deduplicated by a record key derived from the idempotency key. */
export const bluesky = defineChannel({
  name: 'bluesky',
  setup: 'an app password (Settings → Privacy and security → App passwords), not the account password',
  settings: {
    blueskyIdentifier: {
      env: 'PRESSROOM_BLUESKY_IDENTIFIER',
      required: true,
      check: {
        expected: 'a handle such as press.example.com (without @) or a DID such as did:plc:…',
        valid: (raw) => HANDLE.test(raw) || DID.test(raw),
      },
      note: 'handle or DID',
    },
    // The account's PDS, or the bsky.social entryway that routes to it.
    blueskyService: { env: 'PRESSROOM_BLUESKY_SERVICE', default: 'https://bsky.social', check: secureUrl },
  },
  secret: { key: 'blueskyAppPassword', env: 'PRESSROOM_BLUESKY_APP_PASSWORD' },
  rules: BLUESKY_RULES,
  build: (adapter: typeof import('../adapters/social/bluesky'), { settings, secret, outboundFetch }) =>
    new adapter.BlueskyChannel({ service: settings.blueskyService, identifier: settings.blueskyIdentifier, appPassword: secret, outboundFetch }),
});
