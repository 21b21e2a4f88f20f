/**
 * The MJML release renderer part (runtime/adapters.ts FunctionParts), for the entry files of functions
 * that render (its declaration's parts, runtime/function-specs.ts) and for the local runner.
 *
 * mjml, juice and cheerio are loaded on the first render, not when the function starts: evaluating
 * them costs ~100 ms here, and many invocations of these functions never render (release-page serves
 * the stored rendering, weekly-digest is usually not due, fan-out continuations and duplicate
 * publishes reuse the stored rendering). The code is still in the bundle (esbuild inlines the
 * dynamic import) but is only evaluated when called. The brand colour is checked at once, as the
 * renderer's constructor would.
 */
import type { EmailRenderer } from '../domain/release/ports';
import { assertPlainColour } from '../adapters/render/brand';
import type { RendererFactory } from './adapters';

export const mjmlRenderer: RendererFactory = (options) => {
  assertPlainColour(options.brand.accentColour);
  let loaded: Promise<EmailRenderer> | undefined;
  return {
    async render(release) {
      loaded ??= import('../adapters/render/mjml-renderer').then(({ MjmlRenderer }) => new MjmlRenderer(options));
      return (await loaded).render(release);
    },
  };
};
