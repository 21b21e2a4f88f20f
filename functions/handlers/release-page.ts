import { NotFoundError } from '../domain/errors';
import { page } from '../adapters/http/pages';
import { awsServices } from '../runtime/aws';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import { html, httpHandler, type ServicesProvider, type HttpResult } from '../runtime/http';
import { publicSite } from '../runtime/factories/site';

/** GET /releases/{id}: the web version behind every email's "view in browser" link. */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app): Promise<HttpResult> => {
    try {
      const body = await app.site.webVersion(event.pathParameters?.id ?? '');
      // Public and identical for everyone: caches may keep it; the email's HTML runs no scripts.
      return html(200, body, { cache: 'public' });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      const { organisationName } = app.brand;
      return html(404, page({ title: 'Release not found', organisationName, body: '<p>There is no release at this address.</p>' }));
    }
  });

// Renders releases with MJML (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsServices({ site: publicSite }, { renderer: mjmlRenderer }));
