import { LINKEDIN_RULES } from '../domain/social/channel-rules';
import { LINKEDIN_AUTHOR, LINKEDIN_VERSION } from '../adapters/social/linkedin-formats';
import { defineChannel, matching } from './channel';

/** LinkedIn: an article post through the Posts API; LinkedIn has no idempotency key. */
export const linkedin = defineChannel({
  name: 'linkedin',
  setup: 'a token with `w_organization_social` (post as a page you administer) or `w_member_social` (as yourself)',
  settings: {
    linkedinAuthor: {
      env: 'PRESSROOM_LINKEDIN_AUTHOR',
      required: true,
      check: matching(LINKEDIN_AUTHOR, 'urn:li:organization:<id> or urn:li:person:<id>'),
      note: '`urn:li:organization:…` or `urn:li:person:…`',
    },
    // Unset, the adapter's LINKEDIN_API_VERSION.
    linkedinApiVersion: {
      env: 'PRESSROOM_LINKEDIN_API_VERSION',
      check: matching(LINKEDIN_VERSION, 'a LinkedIn API version as YYYYMM, e.g. 202605'),
      note: "YYYYMM, default the adapter's",
    },
  },
  secret: { key: 'linkedinAccessToken', env: 'PRESSROOM_LINKEDIN_TOKEN' },
  rules: LINKEDIN_RULES,
  build: (adapter: typeof import('../adapters/social/linkedin'), { settings, secret }) =>
    new adapter.LinkedInChannel({ accessToken: secret, author: settings.linkedinAuthor, apiVersion: settings.linkedinApiVersion }),
});
