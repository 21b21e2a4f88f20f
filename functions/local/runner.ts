import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Clock } from '../domain/ports';
import type { FanOutJob, SendJob } from '../domain/delivery/ports';
import type { SignupQueueJob } from '../domain/subscriber/welcome';
import { LocalChannel } from '../adapters/social/local-channel';
import { PUBLIC_OR_LOOPBACK } from '../adapters/outbound/address-policy';
import { seedLists } from '../domain/lists/seed-lists';
import { seedStaff } from '../domain/staff/seed-staff';
import { readConfig, type PressroomSecrets } from '../runtime/config';
import { buildAdapters, type Adapters } from '../runtime/adapters';
import { countInMemory } from '../runtime/metrics';
import { composeServices, type ServiceFactories, type Services } from '../runtime/compose';
import { EVERY_PART, EVERY_SERVICE } from '../runtime/every-part';
import { queueConsumers, routes, schedules } from '../runtime/routes';
import { memoryMbOf, servicesOf, timeoutSecondsOf } from '../runtime/function-specs';
import { compileRoutes, readBody, sendResult, toApiGatewayEvent } from './api-gateway';
import { loadDevSecrets } from './dev-secrets';
import { LOCAL_CLIENT_CONFIG, startLocalDynamo } from './dynamo';
import { handlerModules, type HandlerName } from './handler-registry';
import { fakeLambdaContext } from './lambda-context';
import { consoleLogger, type LocalLogger } from './local-logger';
import type { SqsLambdaHandler } from './sqs-lambda';
import { LocalScheduler, type ScheduledLambdaHandler } from './local-scheduler';
import { SqsQueue } from '../adapters/sqs/sqs-queue';
import { SqsDeadLetterQueues } from '../adapters/sqs/dead-letter-queues';
import { startLocalSqs } from './sqs-server';
import { SqsEventSource } from './sqs-event-source';
import { LocalSqsQueue } from './local-sqs-queue';
import { startLocalSecretsManager } from './secrets-server';
import { startLocalS3 } from './s3-server';
import { S3StaffFiles } from '../adapters/s3/staff-files';
import type { BulkJob } from '../domain/subscriber/bulk-jobs';
import type { WebhookJob } from '../domain/webhooks/ports';
import { startLocalSes, type LocalSes } from './ses-server';
import { sesRetryStrategy } from '../adapters/ses/retry-strategy';
import { extractHtmlPart, renderMailboxPage } from './mailbox-page';
import { fileSink, recordAwsCalls, runAsFunction, type AwsCall } from './aws-call-recorder';

type Env = Record<string, string | undefined>;

export interface LocalOptions {
  /** Everything local lives here: DynamoDB files, sent mail, social posts, development secrets. */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Environment to read configuration from (defaults to none: embedded defaults only). */
  env?: Env;
  /** How often the scheduled handlers run; EventBridge runs them every minute on AWS. */
  schedulerIntervalMs?: number;
  /** Visibility timeout of the local queues (a failed job is retried after it). */
  visibilityTimeoutMs?: number;
  /** Receives before a message is dead-lettered; default `PRESSROOM_MAX_RECEIVE_COUNT` or routes.ts's MAX_RECEIVE_COUNT. */
  maxReceiveCount?: number;
  /** Maximum messages per second the local SES accepts; unlimited when undefined. */
  sesMaxSendRate?: number;
  /** The MaxSendRate the local SES reports, when it should differ from what it enforces (tests of a mismatch). */
  sesReportedMaxSendRate?: number;
  /** The daily quota the local SES reports and enforces (`Max24HourSend`, "Daily message quota exceeded."); unlimited when undefined. */
  sesMax24HourSend?: number;
  /** The length of that quota's sliding window: 24 h unless a test shortens it to see the quota free. */
  sesQuotaWindowMs?: number;
  logger?: LocalLogger;
  /** What the handlers take as now; the system clock when absent (tests move it past an embargo). */
  clock?: Clock;
  /**
   * When set, every AWS call a handler makes is appended to this folder as IAM would see it
   * (function, action, resource), for the IAM conformance test (functions/local/aws-call-recorder.ts).
   */
  awsCallLog?: string;
  /** Also hands every AWS call a handler makes to this function (a test counting the work of one request). */
  onAwsCall?: (call: AwsCall) => void;
}

export interface LocalPressroom {
  url: string;
  mailboxUrl: string;
  secrets: PressroomSecrets;
  /** The stores, queues and other adapters every function's services are composed over (tests read the stores). */
  adapters: Adapters;
  /**
   * The services a function's declaration lists, composed as the runner composes them for its
   * handler; `replace` swaps adapters (a benchmark's counting queue, say) for this composition only.
   */
  servicesFor(name: HandlerName, replace?: Partial<Adapters>): Services;
  /**
   * What the handlers counted for CloudWatch (runtime/metrics.ts), e.g. `EmailsSent` or
   * `PostsMade{channel=local}`. One tally per process: runners started in one process share it.
   */
  metrics: ReadonlyMap<string, number>;
  /**
   * One queue on the local SQS endpoint per `queueConsumers` entry, with its event source; `byName`
   * has them all under their routes.ts names. The handlers use `SqsQueue` adapters, not these.
   */
  queues: LocalQueues;
  scheduler: LocalScheduler;
  social: LocalChannel;
  sesEndpoint: string;
  /** The local SQS endpoint; queues and their journals live under `<dataDir>/queues`. */
  sqsEndpoint: string;
  /** The local S3 endpoint of staff's files (imports, exports); objects live under `<dataDir>/s3`. */
  s3Endpoint: string;
  /** The local Secrets Manager endpoint and the ARN of the one secret it serves (the development secrets). */
  secretsEndpoint: string;
  secretArn: string;
  /** The local SES itself: its mailbox (with acceptance times) and its accepted/throttled counts. */
  ses: Pick<LocalSes, 'mailbox' | 'stats'>;
  /** The SDK clients the handlers use (benchmarks count their requests with a middleware). */
  clients: { dynamo: DynamoDBClient; ses: SESClient; sqs: SQSClient; s3: S3Client };
  dynamoEndpoint: string;
  /** Waits until every queue is empty, including the mail events a send causes (tests use it to wait for a send to finish). */
  settle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const TABLE_NAME = 'pressroom';

/** An invocation's context with the deadline and memory its function declares (runtime/function-specs.ts). */
const contextFor = (name: HandlerName): Context => fakeLambdaContext(name, { timeoutMs: timeoutSecondsOf(name) * 1000, memoryLimitInMB: memoryMbOf(name) });

type QueueName = (typeof queueConsumers)[number]['queue'];

export interface LocalQueues {
  fanOut: LocalSqsQueue<FanOutJob>;
  send: LocalSqsQueue<SendJob>;
  /** SES event records, as SNS raw delivery puts them in the SQS body. */
  mailEvents: LocalSqsQueue<object>;
  byName: ReadonlyMap<QueueName, LocalSqsQueue<unknown>>;
}

/**
 * Starts Pressroom on one machine: dynalite, local SES, SQS and Secrets Manager endpoints, SQS event
 * sources and a scheduler, and an HTTP server that serves the API routes with the same handlers and
 * the same SQS adapters Lambda runs.
 */
export async function startLocalPressroom(options: LocalOptions): Promise<LocalPressroom> {
  const env = options.env ?? {};
  const dataDir = resolve(options.dataDir);
  const log = options.logger ?? consoleLogger('pressroom');
  // Handlers' metrics are counted in memory here (EMF log lines are for CloudWatch).
  const metrics = countInMemory();
  const dynamo = await startLocalDynamo({ dataDir: join(dataDir, 'dynamodb'), tableName: TABLE_NAME });
  // What SES publishes through the configuration set, SNS and SQS on AWS goes to the local
  // mail-events queue over SQS (created below; no message is sent before it exists).
  let mailEvents: SqsQueue<object> | undefined;
  // As SES does for a configuration set deployed without `deliveryEvents=true` (the default): it publishes no Delivery.
  let publishes = (_event: object) => true;
  const ses = await startLocalSes({
    dataDir: join(dataDir, 'mail'),
    maxSendRate: options.sesMaxSendRate,
    reportedMaxSendRate: options.sesReportedMaxSendRate,
    max24HourSend: options.sesMax24HourSend,
    quotaWindowMs: options.sesQuotaWindowMs,
    onEvent: (event) => void (publishes(event) ? mailEvents?.send([event]) : undefined)?.catch((error) => log.error('Could not queue a mail event', { error: String(error) })),
  });
  const secrets = loadDevSecrets(dataDir, env);
  const social = new LocalChannel({ dataDir });

  // Listen first: the public URL (base of every link in emails) needs the port.
  let app: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const server = createServer((req, res) => {
    if (!app) {
      res.statusCode = 503;
      res.end('starting');
      return;
    }
    app(req, res).catch((error) => {
      log.error('Local server error', { error: String(error) });
      if (!res.headersSent) res.statusCode = (error as { statusCode?: number }).statusCode ?? 500;
      res.end();
    });
  });
  await new Promise<void>((done) => server.listen(options.port ?? 3000, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;

  const config = readConfig({
    PRESSROOM_TABLE_NAME: TABLE_NAME,
    PRESSROOM_PUBLIC_URL: env.PRESSROOM_PUBLIC_URL || url,
    PRESSROOM_SOCIAL_CHANNELS: 'local',
    // Sends name a configuration set as on AWS (where it routes SES events), so they are recorded and authorised alike.
    PRESSROOM_SES_CONFIGURATION_SET: 'pressroom',
    ...Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('PRESSROOM_') && k !== 'PRESSROOM_PUBLIC_URL')),
    // One value for the queues' redrive policy and the send worker's last-receive check.
    ...(options.maxReceiveCount ? { PRESSROOM_MAX_RECEIVE_COUNT: String(options.maxReceiveCount) } : {}),
  });
  if (!config.deliveryEvents) publishes = (event) => (event as { eventType?: string }).eventType !== 'Delivery';
  const invokers = new Map<string, unknown>();
  // Each function gets the services its declaration lists and no others, composed as its entry file
  // does on AWS (over adapters all functions share here), so calling an undeclared service fails here too.
  const servicesFor = (name: HandlerName, replace: Partial<Adapters> = {}): Services => {
    const factories = Object.fromEntries(servicesOf(name).map((service) => [service, EVERY_SERVICE[service]])) as Partial<ServiceFactories>;
    return composeServices(factories, { ...adapters, ...replace }, { config, secrets });
  };
  // Each invocation runs as its function, so the AWS calls it makes are recorded as that function's.
  const handlerFor = <H>(name: HandlerName): H => {
    if (!invokers.has(name)) {
      // Composed on the first invocation: the event sources are wired before the adapters exist.
      let services: Services | undefined;
      const handler = handlerModules[name].makeHandler(async () => (services ??= servicesFor(name))) as (...args: unknown[]) => unknown;
      invokers.set(name, (...args: unknown[]) => runAsFunction(name, () => handler(...args)));
    }
    return invokers.get(name) as H;
  };
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
  const sqs = await startLocalSqs({
    queues: queueConsumers.map(({ queue }) => ({ name: queue, visibilityTimeoutMs, maxReceiveCount: config.maxReceiveCount })),
    dataDir: join(dataDir, 'queues'),
    logger: log,
  });
  const sqsClient = new SQSClient({ ...LOCAL_CLIENT_CONFIG, endpoint: sqs.endpoint });
  // In routes.ts order, which is also the order work flows: fan-out → send → mail events.
  const byName = new Map<QueueName, LocalSqsQueue<unknown>>(
    queueConsumers.map(({ queue, handler }) => {
      const { url, arn } = sqs.queue(queue);
      const source = new SqsEventSource({ client: sqsClient, queueUrl: url, queueArn: arn, functionName: handler, handler: handlerFor<SqsLambdaHandler>(handler), functionTimeoutMs: visibilityTimeoutMs, logger: log });
      const parts = { name: queue, sender: new SqsQueue<unknown>(sqsClient, url), source, stored: sqs.stored(queue), deadLetterQueue: sqs.stored(`${queue}-dlq`) };
      return [queue, new LocalSqsQueue<unknown>(parts)];
    }),
  );
  const queue = <T>(name: QueueName) => byName.get(name) as LocalSqsQueue<T>;
  const fanOut = queue<FanOutJob>('fan-out');
  const send = queue<SendJob>('send');
  const queues: LocalQueues = { fanOut, send, mailEvents: queue<object>('mail-events'), byName };
  mailEvents = new SqsQueue<object>(sqsClient, sqs.queue('mail-events').url);
  const deadLetterQueues = new SqsDeadLetterQueues(
    queueConsumers.map(({ queue }) => {
      const ref = sqs.queue(queue);
      return { queue, url: ref.deadLetter.url, arn: ref.deadLetter.arn, sourceArn: ref.arn };
    }),
    sqsClient,
  );
  const secretsManager = await startLocalSecretsManager({ secrets });
  const s3 = await startLocalS3({ dataDir: join(dataDir, 's3'), buckets: [config.filesBucket] });
  // Built as the AWS wiring builds it (runtime/s3-files.ts), but pointed at the local endpoint.
  const s3Client = new S3Client({
    ...LOCAL_CLIENT_CONFIG, endpoint: s3.endpoint, forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const sesClient = new SESClient({ ...LOCAL_CLIENT_CONFIG, endpoint: ses.endpoint, retryStrategy: sesRetryStrategy() });
  const sinks = [...(options.awsCallLog ? [fileSink(options.awsCallLog)] : []), ...(options.onAwsCall ? [options.onAwsCall] : [])];
  if (sinks.length) {
    for (const client of [dynamo.client, sesClient, sqsClient, s3Client]) recordAwsCalls(client, (call) => sinks.forEach((sink) => sink(call)));
  }
  const adapters: Adapters = await buildAdapters({
    config,
    secrets,
    dynamo: dynamo.client,
    ses: sesClient,
    fanOutQueue: new SqsQueue<FanOutJob>(sqsClient, sqs.queue('fan-out').url),
    sendQueue: new SqsQueue<SendJob>(sqsClient, sqs.queue('send').url),
    signupQueue: new SqsQueue<SignupQueueJob>(sqsClient, sqs.queue('signups').url),
    bulkQueue: new SqsQueue<BulkJob>(sqsClient, sqs.queue('bulk').url),
    webhookQueue: new SqsQueue<WebhookJob>(sqsClient, sqs.queue('webhooks').url),
    deadLetterQueues,
    templatesDir: resolve(import.meta.dirname, '../../templates'),
    // One process runs every handler, so it has every part a function may use.
    parts: { ...EVERY_PART, files: (bucket) => new S3StaffFiles(s3Client, bucket) },
    extraChannels: [social],
    // Local mode may fetch a release's image from this machine (a test serves it over plain http);
    // any other private address stays refused, as on AWS.
    outboundPolicy: PUBLIC_OR_LOOPBACK,
    clock: options.clock,
  });

  await seedLists(config.lists, adapters.lists, adapters.clock.now());
  await seedStaff(config.staff, adapters.staff, adapters.clock.now());

  const scheduler = new LocalScheduler({ logger: log });
  for (const schedule of schedules) {
    scheduler.add({
      name: schedule.name,
      intervalMs: options.schedulerIntervalMs ?? 5_000,
      // The context of the function the schedule invokes, as Lambda gives it (not the schedule's).
      handler: (event) => handlerFor<ScheduledLambdaHandler>(schedule.handler)(event, contextFor(schedule.handler)),
    });
  }

  const match = compileRoutes(routes);
  app = async (req, res) => {
    const path = new URL(req.url ?? '/', url).pathname;
    const method = req.method ?? 'GET';
    const found = match(method, path);
    if (found) {
      const body = await readBody(req);
      const handler = handlerFor<(e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>>(
        found.route.handler as HandlerName,
      );
      sendResult(res, await handler(toApiGatewayEvent(req, body, found), contextFor(found.route.handler)));
      return;
    }
    await serveLocalRoute(method, path, res, { ses, social, queues, url, metrics, tracking: config.engagementTracking, query: new URL(req.url ?? '/', url).searchParams });
  };

  for (const q of byName.values()) q.start();
  scheduler.start();

  return {
    url,
    mailboxUrl: `${url}/local/mailbox`,
    secrets,
    adapters,
    servicesFor,
    metrics,
    queues,
    scheduler,
    social,
    sesEndpoint: ses.endpoint,
    sqsEndpoint: sqs.endpoint,
    s3Endpoint: s3.endpoint,
    secretsEndpoint: secretsManager.endpoint,
    secretArn: secretsManager.secretArn,
    ses,
    clients: { dynamo: dynamo.client, ses: sesClient, sqs: sqsClient, s3: s3Client },
    dynamoEndpoint: dynamo.endpoint,
    async settle(timeoutMs = 20_000) {
      // Each queue feeds the next (fan-out → send → mail events), so drain in order, and again
      // until a whole pass finds every queue empty.
      const deadline = Date.now() + timeoutMs;
      const busy = () => [...byName.values()].some((q) => {
        const stats = q.stats();
        return stats.visible + stats.inFlight + stats.runningBatches > 0;
      });
      do {
        for (const q of byName.values()) await q.drain(Math.max(1, deadline - Date.now()));
      } while (busy());
    },
    async stop() {
      await scheduler.stop();
      for (const q of byName.values()) await q.stop();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await ses.close();
      sqsClient.destroy();
      await sqs.close();
      await secretsManager.close();
      s3Client.destroy();
      await s3.close();
      await dynamo.close();
    },
  };
}

interface LocalRouteContext {
  ses: Awaited<ReturnType<typeof startLocalSes>>;
  social: LocalChannel;
  queues: LocalQueues;
  url: string;
  metrics: ReadonlyMap<string, number>;
  /** Whether engagement tracking is on, as the configuration set would publish opens and clicks. */
  tracking: boolean;
  query: URLSearchParams;
}

/** Routes that exist only locally: health, the mailbox and the local social channel. */
async function serveLocalRoute(method: string, path: string, res: ServerResponse, ctx: LocalRouteContext): Promise<void> {
  const reply = (status: number, type: string, body: string | Buffer) => {
    // Sent mail is untrusted HTML: the sandbox keeps any script in it from running on this origin.
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-security-policy': 'sandbox' });
    res.end(body);
  };
  const json = (body: unknown) => reply(200, 'application/json; charset=utf-8', JSON.stringify(body, null, 2));
  // A reader opening a message or following a link in it, as SES's tracking would report it:
  // POST /local/mail/{id}/open, POST /local/mail/{id}/click?url=…
  const engage = /^\/local\/mail\/([^/]+)\/(open|click)$/.exec(path);
  if (method === 'POST' && engage) {
    if (!ctx.tracking) return reply(409, 'application/json', JSON.stringify({ error: 'TrackingOff', message: 'Engagement tracking is off (PRESSROOM_ENGAGEMENT_TRACKING=true turns it on)' }));
    const link = ctx.query.get('url');
    if (engage[2] === 'click' && !link) return reply(400, 'application/json', JSON.stringify({ error: 'BadRequest', message: 'url is required' }));
    const found = ctx.ses.engage(decodeURIComponent(engage[1]), engage[2] === 'open' ? { type: 'Open' } : { type: 'Click', link: link! });
    return found ? reply(202, 'application/json', JSON.stringify({ queued: true })) : reply(404, 'application/json', JSON.stringify({ error: 'NotFound' }));
  }
  if (method !== 'GET') return reply(404, 'application/json', JSON.stringify({ error: 'NotFound' }));
  if (path === '/health') return json({ status: 'ok' });
  if (path === '/') {
    res.writeHead(302, { location: '/local/mailbox' });
    return void res.end();
  }
  if (path === '/local/mail') {
    return json(ctx.ses.mailbox.list().map(({ id, to, subject, date }) => ({ id, to, subject, date })));
  }
  if (path === '/local/mailbox') return reply(200, 'text/html; charset=utf-8', renderMailboxPage(ctx.ses.mailbox.list()));
  const mail = /^\/local\/mail\/([^/]+)(\/html)?$/.exec(path);
  if (mail) {
    const raw = ctx.ses.mailbox.getRaw(decodeURIComponent(mail[1]));
    if (!raw) return reply(404, 'application/json', JSON.stringify({ error: 'NotFound' }));
    if (mail[2]) return reply(200, 'text/html; charset=utf-8', await extractHtmlPart(raw));
    return reply(200, 'message/rfc822', raw);
  }
  if (path === '/local/social') {
    return json(ctx.social.list().map(({ releaseId, channel, text, url, postedAt }) => ({ releaseId, channel, text, url, postedAt })));
  }
  if (path === '/local/queues') {
    return json(Object.fromEntries([...ctx.queues.byName].map(([name, queue]) => [name, queue.stats()])));
  }
  // What the functions would have sent CloudWatch so far (runtime/metrics.ts), one tally per process.
  if (path === '/local/metrics') return json(Object.fromEntries([...ctx.metrics].sort(([a], [b]) => a.localeCompare(b))));
  return reply(404, 'application/json', JSON.stringify({ error: 'NotFound', message: `No route for GET ${path}` }));
}
