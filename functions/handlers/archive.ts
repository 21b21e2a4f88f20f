import { ValidationError } from '../domain/errors';
import { renderArchivePage } from '../adapters/http/archive-page';
import { escapeHtml, page } from '../adapters/http/pages';
import { awsServices } from '../runtime/aws';
import { html, httpHandler, type ServicesProvider, type HttpResult } from '../runtime/http';
import { publicSite } from '../runtime/factories/site';

/** GET /archive?before=…: the public list of past releases, with links to their web versions and the feeds. */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app): Promise<HttpResult> => {
    const { organisationName, publicUrl } = app.brand;
    const before = event.queryStringParameters?.before;
    try {
      const archive = await app.site.archive(before);
      // Public and the same for everyone, like the web versions it links to.
      return html(200, renderArchivePage(archive, { organisationName, publicUrl, isFirstPage: before === undefined }), { cache: 'public' });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const newest = escapeHtml(`${publicUrl.replace(/\/+$/, '')}/archive`);
      const body = `<p>This archive link is not valid: its “before” position was changed or cut short.</p>\n<p><a href="${newest}">Go to the newest releases</a></p>`;
      return html(400, page({ title: 'Archive link not valid', organisationName, body }));
    }
  });

export const handler = makeHandler(() => awsServices({ site: publicSite }));
