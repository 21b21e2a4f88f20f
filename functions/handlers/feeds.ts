import { parseFeedName } from '../domain/feeds/feeds';
import { feedResponse } from '../adapters/http/feed-writer';
import { awsServices } from '../runtime/aws';
import { header, httpHandler, type ServicesProvider } from '../runtime/http';
import { publicSite } from '../runtime/factories/site';

/** GET /feeds/{feed}: `all.rss|atom|json` and `{listId}.rss|atom|json`, answering conditional requests. */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    const request = parseFeedName(event.pathParameters?.feed ?? '');
    const feed = await app.site.feed(request);
    return feedResponse(feed, request.format, {
      ifNoneMatch: header(event, 'if-none-match'),
      ifModifiedSince: header(event, 'if-modified-since'),
    });
  });

export const handler = makeHandler(() => awsServices({ site: publicSite }));
