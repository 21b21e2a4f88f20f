import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { FanOutJob, SendJob } from '../domain/ports';
import { LocalChannel } from '../adapters/social/local-channel';
import { seedLists } from '../domain/lists/seed-lists';
import { readConfig, type PressroomSecrets } from '../runtime/config';
import { buildDeps, type AppDeps } from '../runtime/deps';
import { EVERY_PART } from '../runtime/every-part';
import { queueConsumers, routes, schedules } from '../runtime/routes';
import { compileRoutes, readBody, sendResult, toApiGatewayEvent } from './api-gateway';
import { loadDevSecrets } from './dev-secrets';
import { LOCAL_CLIENT_CONFIG, startLocalDynamo } from './dynamo';
import { handlerModules, type HandlerName } from './handler-registry';
import { fakeLambdaContext } from './lambda-context';
import { consoleLogger, LocalQueue, type LocalLogger, type SqsLambdaHandler } from './local-queue';
import { LocalScheduler, type ScheduledLambdaHandler } from './local-scheduler';
import { LocalDeadLetterQueues } from './local-dead-letter-queues';
import { startLocalSes, type LocalSes } from './ses-server';
import { sesRetryStrategy } from '../adapters/ses/retry-strategy';
import { extractHtmlPart, renderMailboxPage } from './mailbox-page';

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
  logger?: LocalLogger;
}

export interface LocalPressroom {
  url: string;
  mailboxUrl: string;
  secrets: PressroomSecrets;
  deps: AppDeps;
  /** One local queue per `queueConsumers` entry; `byName` has them all under their routes.ts names. */
  queues: LocalQueues;
  scheduler: LocalScheduler;
  social: LocalChannel;
  sesEndpoint: string;
  /** The local SES itself: its mailbox (with acceptance times) and its accepted/throttled counts. */
  ses: Pick<LocalSes, 'mailbox' | 'stats'>;
  /** The SDK clients the handlers use (benchmarks count their requests with a middleware). */
  clients: { dynamo: DynamoDBClient; ses: SESClient };
  dynamoEndpoint: string;
  /** Waits until every queue is empty, including the mail events a send causes (tests use it to wait for a send to finish). */
  settle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const TABLE_NAME = 'pressroom';

type QueueName = (typeof queueConsumers)[number]['queue'];

export interface LocalQueues {
  fanOut: LocalQueue<FanOutJob>;
  send: LocalQueue<SendJob>;
  /** SES event records, as SNS raw delivery puts them in the SQS body. */
  mailEvents: LocalQueue<object>;
  byName: ReadonlyMap<QueueName, LocalQueue<unknown>>;
}

/**
 * Starts Pressroom on one machine: dynalite, a local SES endpoint, in-process queues and scheduler,
 * and an HTTP server that serves the API routes with the same handlers Lambda runs.
 */
export async function startLocalPressroom(options: LocalOptions): Promise<LocalPressroom> {
  const env = options.env ?? {};
  const dataDir = resolve(options.dataDir);
  const log = options.logger ?? consoleLogger('pressroom');
  const dynamo = await startLocalDynamo({ dataDir: join(dataDir, 'dynamodb'), tableName: TABLE_NAME });
  // What SES publishes through the configuration set, SNS and SQS on AWS goes straight to the local
  // mail-events queue (created below; no message is sent before it exists).
  let mailEvents: LocalQueue<object> | undefined;
  const ses = await startLocalSes({
    dataDir: join(dataDir, 'mail'),
    maxSendRate: options.sesMaxSendRate,
    reportedMaxSendRate: options.sesReportedMaxSendRate,
    onEvent: (event) => void mailEvents?.send([event]),
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
    ...Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('PRESSROOM_') && k !== 'PRESSROOM_PUBLIC_URL')),
    // One value for the queues' redrive policy and the send worker's last-receive check.
    ...(options.maxReceiveCount ? { PRESSROOM_MAX_RECEIVE_COUNT: String(options.maxReceiveCount) } : {}),
  });
  const invokers = new Map<string, unknown>();
  const getDeps = async () => deps;
  const handlerFor = <H>(name: HandlerName): H => {
    if (!invokers.has(name)) invokers.set(name, handlerModules[name].makeHandler(getDeps));
    return invokers.get(name) as H;
  };
  const queueOptions = {
    visibilityTimeoutMs: options.visibilityTimeoutMs ?? 30_000,
    maxReceiveCount: config.maxReceiveCount,
    logger: log,
  };
  const consumer = (handlerName: HandlerName) => {
    const handler = handlerFor<SqsLambdaHandler>(handlerName);
    return (event: Parameters<SqsLambdaHandler>[0], context: Context) => handler(event, context);
  };
  // In routes.ts order, which is also the order work flows: fan-out → send → mail events.
  const byName = new Map<QueueName, LocalQueue<unknown>>(
    queueConsumers.map(({ queue, handler }) => [queue, new LocalQueue<unknown>({ name: queue, handler: consumer(handler), ...queueOptions })]),
  );
  const queue = <T>(name: QueueName) => byName.get(name) as LocalQueue<T>;
  const fanOut = queue<FanOutJob>('fan-out');
  const send = queue<SendJob>('send');
  mailEvents = queue<object>('mail-events');
  const queues: LocalQueues = { fanOut, send, mailEvents, byName };
  const sesClient = new SESClient({ ...LOCAL_CLIENT_CONFIG, endpoint: ses.endpoint, retryStrategy: sesRetryStrategy() });
  const deps: AppDeps = buildDeps({
    config,
    secrets,
    dynamo: dynamo.client,
    ses: sesClient,
    fanOutQueue: fanOut,
    sendQueue: send,
    deadLetterQueues: new LocalDeadLetterQueues(byName),
    templatesDir: resolve(import.meta.dirname, '../../templates'),
    // One process runs every handler, so it has every part a function may use.
    parts: EVERY_PART,
    extraChannels: [social],
  });

  await seedLists(config.lists, deps.lists, deps.clock.now());

  const scheduler = new LocalScheduler({ logger: log });
  for (const schedule of schedules) {
    scheduler.add({
      name: schedule.name,
      intervalMs: options.schedulerIntervalMs ?? 5_000,
      handler: handlerFor<ScheduledLambdaHandler>(schedule.handler),
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
      sendResult(res, await handler(toApiGatewayEvent(req, body, found), fakeLambdaContext(found.route.handler)));
      return;
    }
    await serveLocalRoute(method, path, res, { ses, social, queues, url });
  };

  for (const q of byName.values()) q.start();
  scheduler.start();

  return {
    url,
    mailboxUrl: `${url}/local/mailbox`,
    secrets,
    deps,
    queues,
    scheduler,
    social,
    sesEndpoint: ses.endpoint,
    ses,
    clients: { dynamo: dynamo.client, ses: sesClient },
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
      await dynamo.close();
    },
  };
}

interface LocalRouteContext {
  ses: Awaited<ReturnType<typeof startLocalSes>>;
  social: LocalChannel;
  queues: LocalQueues;
  url: string;
}

/** Routes that exist only locally: health, the mailbox and the local social channel. */
async function serveLocalRoute(method: string, path: string, res: ServerResponse, ctx: LocalRouteContext): Promise<void> {
  const reply = (status: number, type: string, body: string | Buffer) => {
    // Sent mail is untrusted HTML: the sandbox keeps any script in it from running on this origin.
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-security-policy': 'sandbox' });
    res.end(body);
  };
  const json = (body: unknown) => reply(200, 'application/json; charset=utf-8', JSON.stringify(body, null, 2));
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
    return json({ fanOut: ctx.queues.fanOut.stats(), send: ctx.queues.send.stats(), mailEvents: ctx.queues.mailEvents.stats() });
  }
  return reply(404, 'application/json', JSON.stringify({ error: 'NotFound', message: `No route for GET ${path}` }));
}
