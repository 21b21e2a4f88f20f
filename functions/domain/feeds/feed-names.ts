/**
 * The feed of every syndicated release, `/feeds/all.*`; any other name is a list id. Apart from
 * feeds.ts so that the archive page can link to it without bundling the feed builder (sanitize-html,
 * postcss, feed).
 */
export const ALL_RELEASES_FEED = 'all';
