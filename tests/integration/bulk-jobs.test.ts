import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';

/**
 * Staff's imports and exports as jobs, over HTTP against the local stand-ins: a file uploaded
 * through a pre-signed URL to the local S3, imported by the bulk queue's consumer in slices, and a
 * list exported to a file downloaded by its link.
 */
describe('imports and exports as jobs (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;

  async function admin(method: string, path: string, body?: string) {
    const response = await fetch(`${pressroom.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${pressroom.secrets.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'text/csv' }) },
      body,
    });
    return { status: response.status, location: response.headers.get('location'), body: (await response.json()) as Record<string, any> };
  }

  /** Polls a job's route until it ends (the bulk queue runs it in the background). */
  async function finished(path: string) {
    for (let i = 0; i < 200; i++) {
      const answer = await admin('GET', path);
      if (answer.body.status === 'done' || answer.body.status === 'failed') return answer;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${path} did not finish`);
  }

  const file = (prefix: string, rows: number) =>
    ['email,lists', ...Array.from({ length: rows }, (_, i) => `${prefix}-${i}@example.org,blog`), 'not-an-address,blog', `${prefix}-0@example.org,nope`].join('\n');

  beforeAll(async () => {
    pressroom = await startTestPressroom();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('imports a file uploaded through its pre-signed URL, with the report a one-shot import gives', async () => {
    const opened = await admin('POST', '/admin/imports/uploads?consent=true');
    expect(opened.status).toBe(201);
    const { job, upload } = opened.body;
    expect(job).toMatchObject({ status: 'awaiting-upload', consent: true, dryRun: false });
    expect(upload.method).toBe('PUT');
    // Nothing to start yet.
    expect(await admin('POST', `/admin/imports/${job.id}/start`)).toMatchObject({ status: 409, body: { error: 'Conflict' } });

    const body = file('upload', 60);
    expect((await fetch(upload.url, { method: 'PUT', body })).status).toBe(200);
    const started = await admin('POST', `/admin/imports/${job.id}/start`);
    expect(started.status).toBe(202);
    expect(['queued', 'running', 'done']).toContain(started.body.status);
    const done = await finished(`/admin/imports/${job.id}`);
    expect(done.body).toMatchObject({ status: 'done', progress: { rowsRead: 62 } });

    // The same file again, in one request: everything unchanged now, and the same rows reported.
    const again = await admin('POST', '/admin/imports?consent=true', body);
    expect(again.status).toBe(200);
    expect(done.body.report.summary).toEqual({ added: 60, updated: 0, unchanged: 0, skippedSuppressed: 0, skippedNotConfirmed: 0, invalid: 2, pendingConfirmation: 0 });
    expect(again.body.summary).toEqual({ ...done.body.report.summary, added: 0, unchanged: 60 });
    expect(again.body.rows.filter((r: { outcome: string }) => r.outcome === 'invalid')).toEqual(done.body.report.rows.filter((r: { outcome: string }) => r.outcome === 'invalid'));
    expect((await admin('POST', `/admin/imports/${job.id}/start`)).status).toBe(409);
    expect((await admin('GET', '/admin/imports/imp_nosuchjob')).status).toBe(404);
  });

  it('refuses a file over the import limit and reports a file that can never import', async () => {
    const opened = await admin('POST', '/admin/imports/uploads?consent=true');
    expect((await fetch(opened.body.upload.url, { method: 'PUT', body: 'email,name\na@example.org,A\n' })).status).toBe(200);
    await admin('POST', `/admin/imports/${opened.body.job.id}/start`);
    const failed = await finished(`/admin/imports/${opened.body.job.id}`);
    expect(failed.body).toMatchObject({ status: 'failed', issues: [{ field: '(header)' }] });
  });

  it('answers a large file sent with the request at once and carries on in the background', async () => {
    // A slice budget of nothing: the first batch is imported and the rest left to the bulk queue.
    const services = pressroom.servicesFor('admin-import');
    const view = await services.subscribers.importFile(Buffer.from(file('background', 120)), { dryRun: false, consent: true }, 0);
    expect(view.status).toBe('running');
    expect(view.progress.rowsRead).toBeLessThan(122);
    const done = await finished(`/admin/imports/${view.id}`);
    expect(done.body.report.summary).toMatchObject({ added: 120, invalid: 2 });
    expect(done.body.report.rowsRead).toBe(122);
  });

  it('exports a list to a file whose download matches the direct export', async () => {
    const requested = await admin('POST', '/admin/lists/blog/exports');
    expect(requested.status).toBe(202);
    expect(requested.location).toBe(`/admin/exports/${requested.body.id}`);
    const done = await finished(`/admin/exports/${requested.body.id}`);
    const direct = await (await fetch(`${pressroom.url}/admin/lists/blog/export.csv`, { headers: { authorization: `Bearer ${pressroom.secrets.adminToken}` } })).text();
    const download = await fetch(done.body.download.url);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="blog.csv"');
    const exported = await download.text();
    expect(parse(exported, { columns: true })).toEqual(parse(direct, { columns: true }));
    expect(done.body.rows).toBe(parse(direct, { columns: true }).length);
    expect(done.body.rows).toBeGreaterThanOrEqual(60);
    expect(done.body.bytes).toBe(Buffer.byteLength(exported));
    expect((await admin('POST', '/admin/lists/nope/exports')).status).toBe(404);
  });
});
