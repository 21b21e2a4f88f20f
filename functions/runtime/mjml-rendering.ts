/**
 * The MJML release renderer, for the wiring of functions that render (their entry files pass it to
 * `awsDeps`; infra/functions.ts lists them in RENDERS_MJML) and for the local runner. Importing this
 * module brings in mjml, juice and cheerio: no other function may import it.
 */
import { MjmlRenderer } from '../adapters/render/mjml-renderer';
import type { RendererFactory } from './deps';

export const mjmlRenderer: RendererFactory = (options) => new MjmlRenderer(options);
