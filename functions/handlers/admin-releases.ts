import { awsServices } from '../runtime/aws';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import { httpHandler, json, jsonBody, type ServicesProvider } from '../runtime/http';
import { releasesService } from '../runtime/factories/releases';
import { deliveryService } from '../runtime/factories/delivery';

/**
 * POST /admin/releases/preview: render and lint a release body without storing or sending it.
 * POST /admin/releases/{id}/test: send a published release to staff addresses `{ to: [...], language? }` only
 * (`language`: one of its translations).
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    const id = event.pathParameters?.id;
    if (id) {
      const { to, language } = (jsonBody(event) ?? {}) as { to?: unknown; language?: unknown };
      return json(200, await app.delivery.sendTest(id, to, typeof language === 'string' ? language : undefined));
    }
    const { rendered, translated, findings } = await app.releases.preview(jsonBody(event));
    const translations = translated.map(({ language, rendered: r }) => ({ language, subject: r.subject, html: r.html, text: r.text }));
    return json(200, { subject: rendered.subject, html: rendered.html, text: rendered.text, ...(translations.length ? { translations } : {}), findings });
  });

// Renders releases with MJML (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsServices({ releases: releasesService, delivery: deliveryService }, { renderer: mjmlRenderer }));
