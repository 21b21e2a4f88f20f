import { NotFoundError } from '../domain/errors';
import { page } from '../adapters/http/pages';
import { releaseWebPage } from '../adapters/http/release-web-page';
import { awsServices } from '../runtime/aws';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import { html, httpHandler, type ServicesProvider, type HttpResult } from '../runtime/http';
import { publicSite } from '../runtime/factories/site';

/** GET /releases/{id}[?lang=es]: the web version (of a translation) behind every email's "view in browser" link, and the page to share. */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app): Promise<HttpResult> => {
    const { organisationName, publicUrl } = app.brand;
    try {
      const version = await app.site.webVersion(event.pathParameters?.id ?? '', event.queryStringParameters?.lang);
      const body = version.kind === 'page' ? await releaseWebPage({ ...version, organisationName, publicUrl }) : version.html;
      // Public and identical for everyone: caches may keep it; neither page runs scripts.
      return html(200, body, { cache: 'public' });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      return html(404, page({ title: 'Release not found', organisationName, body: '<p>There is no release at this address.</p>' }));
    }
  });

// Renders digests with MJML (its declaration's parts, runtime/function-specs.ts); releases are pages.
export const handler = makeHandler(() => awsServices({ site: publicSite }, { renderer: mjmlRenderer }));
