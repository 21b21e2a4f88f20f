import { publishRelease } from '../domain/release/publish-release';
import { activeListIds } from '../domain/lists/mailing-list';
import { verifyWebhook } from '../domain/security/standard-webhooks';
import { awsDeps } from '../runtime/aws';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import { socialChannels } from '../runtime/channels';
import { bodyText, header, httpHandler, json, parseJson, type DepsProvider } from '../runtime/http';

/** POST /webhooks/releases: a release signed per Standard Webhooks. 202 once stored, however often retried. */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(getDeps, async (event, deps) => {
    const body = bodyText(event);
    // Verify the raw bytes before parsing anything: the signature covers the body as sent.
    const webhookId = verifyWebhook(
      { id: header(event, 'webhook-id'), timestamp: header(event, 'webhook-timestamp'), signature: header(event, 'webhook-signature') },
      body,
      deps.webhookSecrets,
      deps.clock.now(),
    );
    const result = await publishRelease(
      { body: parseJson(body), webhookId },
      { ...deps, lists: activeListIds(await deps.lists.all()) },
    );
    return json(202, { releaseId: result.releaseId, duplicate: !result.created, status: result.status, warnings: result.warnings });
  });

// Renders the release to check it, and schedules its social posts (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsDeps({ renderer: mjmlRenderer, channels: socialChannels }));
