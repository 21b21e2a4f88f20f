import { buildFeed, parseFeedName } from '../domain/feeds/feeds';
import { feedResponse } from '../adapters/http/feed-writer';
import { awsDeps } from '../runtime/aws';
import { header, httpHandler, type DepsProvider } from '../runtime/http';

/** GET /feeds/{feed}: `all.rss|atom|json` and `{listId}.rss|atom|json`, answering conditional requests. */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(getDeps, async (event, deps) => {
    const request = parseFeedName(event.pathParameters?.feed ?? '');
    const feed = await buildFeed(request, {
      ...deps,
      publicUrl: deps.config.publicUrl,
      organisationName: deps.config.brand.organisationName,
    });
    return feedResponse(feed, request.format, {
      ifNoneMatch: header(event, 'if-none-match'),
      ifModifiedSince: header(event, 'if-modified-since'),
    });
  });

export const handler = makeHandler(awsDeps);
