import type { ChannelNamed, SocialChannelName } from './index';

/**
 * The adapter module of each channel, imported only when a function is configured with it.
 *
 * These imports are kept out of the channel modules on purpose: every function reads the registry
 * (its configuration checks every channel setting at cold start), and esbuild puts whatever a
 * reachable `import()` names into the bundle. Here, only functions that post or schedule posts
 * (runtime/channels.ts) carry the adapters, and each evaluates only the ones it is configured with.
 * The compiler ties each entry to the module its channel's `build` takes.
 */
export const ADAPTER_MODULES: { [N in SocialChannelName]: () => Promise<Parameters<ChannelNamed<N>['build']>[0]> } = {
  mastodon: () => import('../adapters/social/mastodon'),
  bluesky: () => import('../adapters/social/bluesky'),
  x: () => import('../adapters/social/x'),
  linkedin: () => import('../adapters/social/linkedin'),
  threads: () => import('../adapters/social/threads'),
  slack: () => import('../adapters/social/slack'),
  discord: () => import('../adapters/social/discord'),
};
