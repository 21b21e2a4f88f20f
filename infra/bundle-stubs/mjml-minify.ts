/**
 * Stands in for htmlnano and cssnano-preset-lite in Lambda bundles (see `MJML_MINIFIER` in
 * infra/functions.ts). mjml-core requires both at load time but calls them only for `minify: true`,
 * which Pressroom never passes (functions/adapters/render/mjml-compile.ts). Bundled for real, they
 * drag in cosmiconfig and through it the whole TypeScript compiler (3.5 MB), for a code path that
 * never runs. If someone turns minification on, the render fails loudly here instead of silently
 * shipping unminified HTML.
 */
export default {
  process(): never {
    throw new Error('MJML minification is not bundled into Pressroom functions (infra/bundle-stubs/mjml-minify.ts)');
  },
};
