import { archivePage } from '../domain/feeds/archive';
import { ValidationError } from '../domain/errors';
import { renderArchivePage } from '../adapters/http/archive-page';
import { escapeHtml, page } from '../adapters/http/pages';
import { awsDeps } from '../runtime/aws';
import { html, httpHandler, type DepsProvider, type HttpResult } from '../runtime/http';

/** GET /archive?before=…: the public list of past releases, with links to their web versions and the feeds. */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(getDeps, async (event, deps): Promise<HttpResult> => {
    const { organisationName } = deps.config.brand;
    const before = event.queryStringParameters?.before;
    try {
      const archive = await archivePage({ before }, deps);
      const result = html(200, renderArchivePage(archive, { organisationName, publicUrl: deps.config.publicUrl, isFirstPage: before === undefined }));
      // Public and the same for everyone, like the web versions it links to.
      return { ...result, headers: { ...result.headers, 'cache-control': 'public, max-age=300' } };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const newest = escapeHtml(`${deps.config.publicUrl.replace(/\/+$/, '')}/archive`);
      const body = `<p>This archive link is not valid: its “before” position was changed or cut short.</p>\n<p><a href="${newest}">Go to the newest releases</a></p>`;
      return html(400, page({ title: 'Archive link not valid', organisationName, body }));
    }
  });

export const handler = makeHandler(awsDeps);
