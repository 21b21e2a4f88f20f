import { NotFoundError, ValidationError } from '../domain/errors';
import { renderArchivePage } from '../adapters/http/archive-page';
import { escapeHtml, page } from '../adapters/http/pages';
import { awsServices } from '../runtime/aws';
import { html, httpHandler, type ServicesProvider, type HttpResult } from '../runtime/http';
import { publicSite } from '../runtime/factories/site';

/**
 * GET /archive?list=…&before=…: the public list of past releases (of every public list, or of one),
 * with links to their web versions, to subscribe and to the feeds.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app): Promise<HttpResult> => {
    const { organisationName, publicUrl } = app.brand;
    const before = event.queryStringParameters?.before || undefined;
    // The selector's "All lists" sends `list=`: the same as no list.
    const listId = event.queryStringParameters?.list || undefined;
    const newest = escapeHtml(`${publicUrl.replace(/\/+$/, '')}/archive`);
    try {
      const archive = await app.site.archive({ before, listId });
      // Public and the same for everyone, like the web versions it links to.
      return html(200, await renderArchivePage(archive, { organisationName, publicUrl, isFirstPage: before === undefined }), { cache: 'public' });
    } catch (error) {
      if (error instanceof NotFoundError) {
        return html(404, page({ title: 'No such list', organisationName, body: `<p>The archive has no public list by that name.</p>\n<p><a href="${newest}">Go to all releases</a></p>` }));
      }
      if (!(error instanceof ValidationError)) throw error;
      const body = `<p>This archive link is not valid: its “before” position was changed or cut short.</p>\n<p><a href="${newest}">Go to the newest releases</a></p>`;
      return html(400, page({ title: 'Archive link not valid', organisationName, body }));
    }
  });

export const handler = makeHandler(() => awsServices({ site: publicSite }));
