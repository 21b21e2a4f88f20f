import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerModules } from '../../functions/local/handler-registry';
import { fakeLambdaContext, LOCAL_ACCOUNT, LOCAL_REGION } from '../../functions/local/lambda-context';
import { scheduledEvent } from '../../functions/local/local-scheduler';
import { signWebhook } from '../../functions/domain/security/standard-webhooks';
import { signGhostPayload } from '../../functions/domain/source/ghost';
import { functionNames, type FunctionName } from '../../functions/runtime/function-specs';
import { projectRoot } from '../../infra/functions';
import { httpEvent, sqsEvent, type HttpRequest } from '../helpers/lambda-events';
import { EXAMPLE_CONTEXT } from '../helpers/template';
import { startTestPressroom } from '../helpers/local-pressroom';
import { preferencesLink } from '../helpers/preference-links';
import { releaseBody } from '../helpers/releases';
import { ConsoleClient } from '../helpers/console';
import { newExportJob } from '../../functions/domain/subscriber/export-job';
import { invokeBundle, localEnvironment, synthArtifacts, type FunctionArtifact, type LocalResources, type SynthesizedArtifacts } from './bundles';

/**
 * Every function as built: `cdk synth` bundles each one, and each bundle is imported in a fresh
 * Node process with only the environment the stack gives it (the secret read through the Secrets
 * Manager API, the AWS SDK pointed at the local stand-ins by AWS_ENDPOINT_URL_*), then invoked with
 * a representative event of its trigger. It must answer as the same handler does in-process.
 *
 * `npm run test:artifacts` runs this file alone.
 */
type Pressroom = Awaited<ReturnType<typeof startTestPressroom>>;

interface Fixture {
  pressroom: Pressroom;
  releaseId: string;
  unsubscribeToken: string;
  preferencesToken: string;
  confirmToken: string;
  lateSubscriberId: string;
  exportId: string;
  /** An admin's console session cookie (`name=value`). */
  adminCookie: string;
  /** A Ghost source (to a list nobody in the fixture is on) and the secret Ghost signs its deliveries with. */
  ghostSourceId: string;
  ghostSecret: string;
}

type Compare = 'body' | 'status';
interface Case {
  event(f: Fixture): unknown;
  /** HTTP: compare the status and content type, or the body too; other triggers compare the result. */
  compare?: Compare;
}

const queueArn = (name: string) => `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
const admin = (f: Fixture, request: Omit<HttpRequest, 'headers'> & { headers?: Record<string, string> }) =>
  httpEvent({ ...request, headers: { authorization: `Bearer ${f.pressroom.secrets.adminToken}`, ...request.headers } });

/** One representative event per function: the type makes a new function add its own. */
const cases = {
  'publish-release': {
    // The release exists already: both runs answer 202 with duplicate: true.
    event: (f) => {
      const body = JSON.stringify(releaseBody({ id: f.releaseId }));
      const id = `msg_artifact_${Math.random().toString(36).slice(2)}`;
      const timestamp = Math.floor(Date.now() / 1000);
      return httpEvent({
        route: 'POST /webhooks/releases',
        path: '/webhooks/releases',
        headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(f.pressroom.secrets.webhookSecrets[0], id, timestamp, body) },
        body,
      });
    },
    compare: 'body',
  },
  'release-page': { event: (f) => httpEvent({ route: 'GET /releases/{id}', path: `/releases/${f.releaseId}` }), compare: 'body' },
  feeds: { event: () => httpEvent({ route: 'GET /feeds/{feed}', path: '/feeds/all.json' }), compare: 'status' },
  archive: { event: () => httpEvent({ route: 'GET /archive', path: '/archive' }), compare: 'body' },
  // A sign-up is queued for process-signup.
  subscribe: {
    event: () => httpEvent({ route: 'POST /subscribe', path: '/subscribe', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bundle-signup@example.com', lists: ['blog'] }) }),
    compare: 'body',
  },
  confirm: { event: (f) => httpEvent({ route: 'GET /confirm/{token}', path: `/confirm/${f.confirmToken}` }), compare: 'body' },
  preferences: { event: (f) => httpEvent({ route: 'GET /preferences/{token}', path: `/preferences/${f.preferencesToken}` }), compare: 'body' },
  unsubscribe: { event: (f) => httpEvent({ route: 'GET /unsubscribe/{token}', path: `/unsubscribe/${f.unsubscribeToken}` }), compare: 'body' },
  'admin-subscribers': { event: (f) => admin(f, { route: 'GET /admin/subscribers', path: '/admin/subscribers', query: { email: 'reader@example.com' } }), compare: 'body' },
  'admin-lists': { event: (f) => admin(f, { route: 'GET /admin/lists', path: '/admin/lists' }), compare: 'body' },
  // An export of any size is a job for bulk-jobs (each run queues its own).
  'admin-export': {
    event: (f) => admin(f, { route: 'POST /admin/lists/{listId}/exports', path: '/admin/lists/blog/exports' }),
    compare: 'status',
  },
  // Without consent, an import emails each new address a confirmation.
  'admin-import': {
    event: (f) => admin(f, { route: 'POST /admin/imports', path: '/admin/imports', headers: { 'content-type': 'text/csv' }, body: 'email,lists\nimported@example.com,blog\n' }),
    compare: 'status',
  },
  'admin-releases': {
    event: (f) => admin(f, { route: 'POST /admin/releases/preview', path: '/admin/releases/preview', headers: { 'content-type': 'application/json' }, body: JSON.stringify(releaseBody({ id: 'preview-only' })) }),
    compare: 'body',
  },
  'admin-sends': { event: (f) => admin(f, { route: 'GET /admin/releases/{id}', path: `/admin/releases/${f.releaseId}` }), compare: 'body' },
  'admin-queues': { event: (f) => admin(f, { route: 'GET /admin/queues', path: '/admin/queues' }), compare: 'body' },
  'admin-sources': { event: (f) => admin(f, { route: 'GET /admin/sources/{sourceId}', path: `/admin/sources/${f.ghostSourceId}` }), compare: 'body' },
  // A Ghost post, signed with the source's secret: the bundle publishes it (rendered, posts
  // scheduled, send queued); the in-process run finds the same post unchanged.
  'ghost-webhook': {
    event: (f) => {
      const body = JSON.stringify(JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/ghost/post-published.json'), 'utf8')));
      return httpEvent({
        route: 'POST /webhooks/ghost/{sourceId}',
        path: `/webhooks/ghost/${f.ghostSourceId}`,
        headers: { 'content-type': 'application/json', 'x-ghost-signature': signGhostPayload(body, f.ghostSecret, Date.now()) },
        body,
      });
    },
    compare: 'body',
  },
  // A sign-in request for an address that is not staff: the same check-your-inbox page, the same store work.
  console: {
    event: (f) =>
      httpEvent({
        route: 'POST /console/sign-in',
        path: '/console/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: f.pressroom.url },
        body: 'email=not-staff%40example.com',
      }),
    compare: 'body',
  },
  // An admin's page: the session read from the table, every dead-letter queue's depth.
  'console-audience': {
    event: (f) => httpEvent({ route: 'GET /console/dead-letters', path: '/console/dead-letters', headers: { cookie: f.adminCookie } }),
    compare: 'body',
  },
  // Its script, the one route without a session (the pages need a signed-in member's cookie).
  'console-release': { event: () => httpEvent({ route: 'GET /console/assets/release.js', path: '/console/assets/release.js' }), compare: 'body' },
  // The counts script, the one page of it served before sign-in (the compose pages need a staff
  // session the fixture does not have): the bundle loads whole, MJML and channels included.
  'console-compose': { event: () => httpEvent({ route: 'GET /console/assets/compose.js', path: '/console/assets/compose.js' }), compare: 'body' },
  'fan-out': { event: (f) => sqsEvent(queueArn('fan-out'), [{ releaseId: f.releaseId }]) },
  // A subscriber who joined after the send: the bundle sends the email, the in-process run finds it sent.
  'send-email': { event: (f) => sqsEvent(queueArn('send'), [{ releaseId: f.releaseId, subscriberId: f.lateSubscriberId, listId: 'blog' }]) },
  // A queued sign-up: stored pending, and the confirmation email sent through SES.
  'process-signup': {
    event: () => sqsEvent(queueArn('signups'), [{ email: 'bundle-queued-signup@example.com', lists: ['blog'], requestedAt: new Date().toISOString() }]),
  },
  // An export job the fixture stored without queueing: the bundle writes its file to S3, the
  // in-process run finds it done.
  'bulk-jobs': { event: (f) => sqsEvent(queueArn('bulk'), [{ kind: 'export', exportId: f.exportId }]) },
  'admin-webhooks': { event: (f) => admin(f, { route: 'GET /admin/webhooks', path: '/admin/webhooks' }), compare: 'body' },
  // An event with no endpoint registered: fanned out to none.
  'deliver-webhooks': {
    event: (f) => sqsEvent(queueArn('webhooks'), [{ kind: 'event', event: { id: 'evt_bundle', type: 'release.sent', timestamp: new Date(0).toISOString(), data: { release: { id: f.releaseId, title: 'T', lists: ['blog'], finishedAt: new Date(0).toISOString() } } } }]),
  },
  'mail-events': { event: () => sqsEvent(queueArn('mail-events'), [readFileSync(join(import.meta.dirname, '../fixtures/ses-events/delivery.json'), 'utf8')]) },
  'post-social': { event: () => scheduledEvent('post-social') },
  'release-embargoed': { event: () => scheduledEvent('release-embargoed') },
  'weekly-digest': { event: () => scheduledEvent('weekly-digest') },
  'purge-pending': { event: () => scheduledEvent('purge-pending') },
  // No feed source: both runs find nothing due (a feed on loopback is refused as deployed).
  'poll-sources': { event: () => scheduledEvent('poll-sources') },
} satisfies Record<FunctionName, Case>;

const outdir = mkdtempSync(join(tmpdir(), 'pressroom-artifacts-'));
let artifacts: SynthesizedArtifacts;
let fixture: Fixture;
let local: LocalResources;

function environmentOf(artifact: FunctionArtifact): Record<string, string> {
  const p = fixture.pressroom;
  return localEnvironment(artifact, artifacts, local, { dynamodb: p.dynamoEndpoint, ses: p.sesEndpoint, sqs: p.sqsEndpoint, secretsManager: p.secretsEndpoint, s3: p.s3Endpoint });
}

async function inProcess(name: FunctionName, event: unknown): Promise<any> {
  const handler = handlerModules[name].makeHandler(async () => fixture.pressroom.servicesFor(name)) as unknown as (e: unknown, c: Context) => Promise<unknown>;
  return handler(event, fakeLambdaContext(name));
}

/** What must agree between the bundle's answer and the in-process one. */
function comparable(answer: any, compare: Compare | undefined): unknown {
  if (answer && typeof answer === 'object' && 'statusCode' in answer) {
    const shape = { statusCode: answer.statusCode, contentType: answer.headers?.['content-type'] };
    return compare === 'body' ? { ...shape, body: answer.body } : shape;
  }
  return answer ?? null;
}

beforeAll(async () => {
  const started = Date.now();
  artifacts = synthArtifacts(outdir);
  console.info(`artifacts: synthesized and bundled ${artifacts.functions.size} functions in ${Date.now() - started} ms`);

  // Configured as the stack configures the bundles where the local defaults differ: the postal
  // address is required context, so the template carries npm run synth's example.
  const pressroom = await startTestPressroom({ env: { PRESSROOM_POSTAL_ADDRESS: EXAMPLE_CONTEXT.postalAddress, PRESSROOM_STAFF: 'admin@example.org=admin' } });
  const { client } = pressroom;
  expect((await client.addSubscribers({ email: 'reader@example.com', lists: ['blog'] })).status).toBe(200);
  const releaseId = 'artifact-release';
  expect((await client.publish(releaseBody({ id: releaseId }))).status).toBe(202);
  await pressroom.settle();
  // Its social posts are made, so the scheduled poster finds nothing due in either run.
  await pressroom.scheduler.runNow('post-social');
  await fetch(`${pressroom.url}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'pending@example.com', lists: ['blog'] }) });
  // The sign-up queue sends the confirmation email after the answer.
  await pressroom.settle();
  const late = await client.addSubscribers({ email: 'late@example.com', lists: ['blog'] });
  const mail = await client.mail();
  const release = mail.find((m) => m.to.includes('reader@example.com'))!;
  const confirmation = mail.find((m) => m.to.includes('pending@example.com'))!;
  const token = (text: string | undefined, path: string) => new RegExp(`/${path}/([A-Za-z0-9_.-]+)`).exec(text ?? '')?.[1] ?? '';
  fixture = {
    pressroom,
    releaseId,
    unsubscribeToken: token(release.text, 'unsubscribe'),
    preferencesToken: token(preferencesLink(release), 'preferences'),
    confirmToken: token(confirmation.text, 'confirm'),
    lateSubscriberId: (late.body.subscribers as { subscriberId: string }[])[0].subscriberId,
    exportId: 'exp_artifact',
    adminCookie: await new ConsoleClient(pressroom).signIn('admin@example.org'),
    ...(await ghostSource(pressroom)),
  };
  expect(await pressroom.adapters.exportJobs.create(newExportJob(fixture.exportId, 'blog', new Date()))).toBe(true);
  for (const [key, value] of Object.entries(fixture)) expect(value, key).toBeTruthy();
  local = { tableName: 'pressroom', sqsEndpoint: pressroom.sqsEndpoint, secretArn: pressroom.secretArn, configurationSet: 'pressroom', filesBucket: 'pressroom-files', publicUrl: pressroom.url };
}, 300_000);

async function ghostSource(pressroom: Pressroom): Promise<{ ghostSourceId: string; ghostSecret: string }> {
  const { source, secret } = await pressroom.servicesFor('admin-sources').sources.register({ kind: 'ghost', lists: { '*': 'press-releases' }, mode: 'send' });
  return { ghostSourceId: source.id, ghostSecret: secret! };
}

afterAll(async () => {
  await fixture?.pressroom.stop();
  fixture?.pressroom.cleanup();
  rmSync(outdir, { recursive: true, force: true });
});

describe('every function, as bundled', () => {
  it.each(functionNames)('%s answers its representative event as the in-process handler does', async (name) => {
    const artifact = artifacts.functions.get(name)!;
    const testCase: Case = cases[name];
    const event = testCase.event(fixture);
    const bundled = await invokeBundle(artifact, environmentOf(artifact), event);
    expect(bundled.error, `${name} threw: ${JSON.stringify(bundled.error)}\n${bundled.stderr}`).toBeUndefined();
    const own = await inProcess(name, event);
    expect(comparable(bundled.result, testCase.compare)).toEqual(comparable(own, testCase.compare));
    // Nothing failed quietly: HTTP answers are not errors, queue batches fail no record.
    if (bundled.result?.statusCode) expect(bundled.result.statusCode, bundled.result.body).toBeLessThan(400);
    if (bundled.result?.batchItemFailures) expect(bundled.result.batchItemFailures).toEqual([]);
  }, 60_000);

  it('sent what the bundles were asked to send, through SES, once', async () => {
    const to = (await fixture.pressroom.client.mail()).flatMap((m) => m.to);
    expect(to.filter((a) => a === 'late@example.com')).toHaveLength(1);
    expect(to).toContain('bundle-signup@example.com');
    expect(to).toContain('imported@example.com');
  });

  it('reads nothing from the checkout at run time', () => {
    for (const artifact of artifacts.functions.values()) {
      expect(readFileSync(join(artifact.assetDir, 'index.mjs'), 'utf8').includes(projectRoot), artifact.name).toBe(false);
    }
  });
});

describe('a bundle with a file left out', () => {
  it('fails where the complete bundle answers', async () => {
    // Publishing renders the release (to check it) from the templates shipped beside the code.
    const artifact = artifacts.functions.get('publish-release')!;
    const broken = { ...artifact, assetDir: mkdtempSync(join(tmpdir(), 'pressroom-broken-')) };
    const publish = (id: string) => cases['publish-release'].event({ ...fixture, releaseId: id });
    try {
      cpSync(artifact.assetDir, broken.assetDir, { recursive: true });
      rmSync(join(broken.assetDir, 'templates', 'release.mjml'));
      const answer = await invokeBundle(broken, environmentOf(artifact), publish('never-rendered'));
      expect(answer.result?.statusCode ?? 500, JSON.stringify(answer)).toBe(500);
      const complete = await invokeBundle(artifact, environmentOf(artifact), publish('never-rendered'));
      expect(complete.result?.statusCode, JSON.stringify(complete)).toBe(202);
    } finally {
      rmSync(broken.assetDir, { recursive: true, force: true });
    }
  }, 60_000);
});
