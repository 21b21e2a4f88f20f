import { AuthenticationError } from '../domain/errors';
import { awsServices } from '../runtime/aws';
import { count } from '../runtime/metrics';
import { MetricName } from '../runtime/metric-names';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import { socialChannels } from '../runtime/channels';
import { bodyText, header, httpHandler, json, parseJson, type ServicesProvider } from '../runtime/http';
import { releasesService } from '../runtime/factories/releases';

/**
 * POST /webhooks/releases: a release signed per Standard Webhooks. 202 once stored, however often
 * retried; a changed body for a known id is a correction (`updated: true` and its revision).
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    const body = bodyText(event);
    // Verify the raw bytes before parsing anything: the signature covers the body as sent.
    let webhookId: string;
    try {
      webhookId = app.staff.verifyWebhook(
        { id: header(event, 'webhook-id'), timestamp: header(event, 'webhook-timestamp'), signature: header(event, 'webhook-signature') },
        body,
      );
    } catch (error) {
      // A CMS whose secret went stale, or someone knocking: either way on-call should see it.
      if (error instanceof AuthenticationError) count(MetricName.WebhooksRejected);
      throw error;
    }
    const result = await app.releases.publish(parseJson(body), webhookId);
    return json(202, {
      releaseId: result.releaseId,
      duplicate: !result.created && !result.updated,
      updated: result.updated,
      revision: result.revision,
      status: result.status,
      warnings: result.warnings,
    });
  });

// Renders the release to check it, and schedules its social posts (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsServices({ releases: releasesService }, { renderer: mjmlRenderer, channels: socialChannels }));
