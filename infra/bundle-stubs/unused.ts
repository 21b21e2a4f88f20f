/**
 * Stands in for packages that a bundled dependency requires when it loads but that Pressroom never
 * calls into (see `UNUSED_AT_RUN_TIME` in infra/functions.ts). Each is used only inside functions
 * the renderers never call, so nothing reads this module's (absent) exports; if one of those code
 * paths ever ran, it would fail at once with a TypeError on the first missing export.
 */
export {};
