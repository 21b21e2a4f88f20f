import { previewRelease } from '../domain/release/preview-release';
import { sendTestEmail } from '../domain/release/send-test-email';
import { activeListIds } from '../domain/lists/mailing-list';
import { awsDeps } from '../runtime/aws';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import { requireAdmin } from '../runtime/admin-auth';
import { httpHandler, json, jsonBody, type DepsProvider } from '../runtime/http';

/**
 * POST /admin/releases/preview: render and lint a release body without storing or sending it.
 * POST /admin/releases/{id}/test: send a published release to staff addresses `{ to: [...] }` only.
 */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(getDeps, async (event, deps) => {
    requireAdmin(event, deps.adminToken);
    const id = event.pathParameters?.id;
    if (id) {
      const { to } = (jsonBody(event) ?? {}) as { to?: unknown };
      return json(200, await sendTestEmail(id, to, { ...deps, now: deps.clock.now() }));
    }
    const { rendered, findings } = await previewRelease(jsonBody(event), {
      renderer: deps.renderer,
      lists: activeListIds(await deps.lists.all()),
      now: deps.clock.now(),
    });
    return json(200, { subject: rendered.subject, html: rendered.html, text: rendered.text, findings });
  });

// Renders releases with MJML (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsDeps({ renderer: mjmlRenderer }));
