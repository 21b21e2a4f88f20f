import { AuthenticationError } from '../domain/errors';
import { GHOST_SIGNATURE_HEADER } from '../domain/source/ghost';
import { awsServices } from '../runtime/aws';
import { count } from '../runtime/metrics';
import { MetricName } from '../runtime/metric-names';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import { socialChannels } from '../runtime/channels';
import { bodyText, header, httpHandler, json, type ServicesProvider } from '../runtime/http';
import { sourcesService } from '../runtime/factories/sources';

/**
 * POST /webhooks/ghost/{sourceId}: Ghost's `post.published` and `post.published.edited`, signed with
 * the source's secret (X-Ghost-Signature). 200 with what became of the post; 401 for a bad
 * signature; 410 only for a removed source, which tells Ghost to delete the webhook.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    try {
      const result = await app.sources.receiveGhost(event.pathParameters?.sourceId ?? '', { signature: header(event, GHOST_SIGNATURE_HEADER), rawBody: bodyText(event) });
      return json(200, result);
    } catch (error) {
      // A CMS whose secret went stale, or someone knocking: either way on-call should see it.
      if (error instanceof AuthenticationError) {
        count(MetricName.WebhooksRejected);
        throw new AuthenticationError();
      }
      throw error;
    }
  });

// Publishing a post renders it and schedules its social posts (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsServices({ sources: sourcesService }, { renderer: mjmlRenderer, channels: socialChannels }));
