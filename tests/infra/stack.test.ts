import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, type AppProps } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueConsumers, routes, schedules } from '../../functions/runtime/routes';
import { functionSpec, type FunctionName } from '../../functions/runtime/function-specs';
import { deadLetterEnvNames, readConfig } from '../../functions/runtime/config';
import { CHANNEL_SETTING_VARIABLES } from '../../functions/channels';
import { configFromContext, PressroomStack } from '../../infra/pressroom-stack';
import { Messaging } from '../../infra/messaging';
import { PUBLIC_FUNCTIONS } from '../../infra/monitoring';
import { cdkContext, EXAMPLE_CONTEXT, exampleContext } from '../helpers/template';
import { maxUsefulSendConcurrency, minSendConcurrency } from '../../infra/send-concurrency';

/**
 * Synthesizes the real stack once, with the context defaults from cdk.json and the example values
 * of the keys that have none (`from`, `postalAddress`), then checks the template
 * against the table in routes.ts. Bundling is skipped here (esbuild for every handler costs minutes
 * on two cores); tests/infra/bundle.test.ts bundles one handler for real and loads it.
 */
const cdkJson = { context: exampleContext() };
// Not the default, so the assertion proves the context value reaches the event source mapping.
const SEND_MAX_CONCURRENCY = 7;
// Not the example value, so the assertion proves the context value reaches the functions.
const POSTAL_ADDRESS = '1 Test Street, Testville';
// Set so that synth checks the concurrency against it: 150/s needs 6 workers, keeps 435 busy.
const MAX_SEND_RATE = 150;

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

// Every app synthesizes into this folder, removed afterwards: the bundles weigh tens of MB per run.
const outRoot = mkdtempSync(join(tmpdir(), 'pressroom-infra-'));
let apps = 0;
const newApp = (props: AppProps = {}) => new App({ outdir: join(outRoot, `app-${apps++}`), ...props });

let stack: PressroomStack;
let template: Template;
let resources: Record<string, Resource>;

/** Logical id of the function built for a handler module. */
const functionId = (handler: string) => {
  const fn = stack.functions.get(handler);
  if (!fn) throw new Error(`no function for ${handler}`);
  return stack.getLogicalId(fn.node.defaultChild as CfnFunction);
};
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
/** `{ 'Fn::GetAtt': [id, attr] }` or `{ Ref: id }` → id. */
const refId = (value: any): string => value?.Ref ?? value?.['Fn::GetAtt']?.[0];
/** Logical id of the dead-letter alarms' topic. */
const topicId = () => stack.getLogicalId(stack.node.findChild('Messaging').node.findChild('AlarmTopic').node.defaultChild as CfnTopic);
/** Every IAM statement attached to the role of a handler's function. */
const statementsOf = (handler: string) => {
  const roleId = refId(resources[functionId(handler)].Properties.Role);
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => refId(r) === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: any }>);
};
const actionsOf = (handler: string) => statementsOf(handler).flatMap((s) => [s.Action].flat());

beforeAll(() => {
  const started = Date.now();
  const app = newApp({
    context: { ...cdkJson.context, sendMaxConcurrency: SEND_MAX_CONCURRENCY, maxSendRate: MAX_SEND_RATE, postalAddress: POSTAL_ADDRESS, 'aws:cdk:bundling-stacks': [] },
  });
  stack = new PressroomStack(app, 'PressroomTest', { env: { region: 'us-east-1' }, config: configFromContext(app.node) });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
  console.info(`infra: synthesized PressroomTest (${stack.functions.size} functions, bundling skipped) in ${Date.now() - started} ms`);
}, 240_000);

afterAll(() => {
  rmSync(outRoot, { recursive: true, force: true });
});

describe('HTTP API', () => {
  it('lets each function be invoked by this API through one permission, not one per route (CloudFormation allows 500 resources a stack)', () => {
    const permissions = ofType('AWS::Lambda::Permission').filter(([, p]) => p.Properties.Principal === 'apigateway.amazonaws.com');
    const httpFunctions = new Set(routes.map((r) => r.handler));
    expect(permissions).toHaveLength(httpFunctions.size);
    // Headroom for what comes next: the nag test's stack (every optional part on) fails at 500.
    expect(Object.keys(resources).length).toBeLessThan(450);
  });

  it('has one route per routes.ts entry', () => {
    const routeKeys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(routeKeys.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('backs each route with the function of its handler, one integration per handler', () => {
    const integrationOf = (routeKey: string) => {
      const [, route] = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey)!;
      const [, integrationRef] = route.Properties.Target['Fn::Join'][1];
      return resources[refId(integrationRef)];
    };
    for (const route of routes) {
      const integration = integrationOf(`${route.method} ${route.path}`);
      expect(refId(integration.Properties.IntegrationUri)).toBe(functionId(route.handler));
    }
    expect(ofType('AWS::ApiGatewayV2::Integration')).toHaveLength(new Set(routes.map((r) => r.handler)).size);
    expect(integrationOf('GET /unsubscribe/{token}')).toBe(integrationOf('POST /unsubscribe/{token}'));
  });

  it('throttles every route of the default stage by its group, from context', () => {
    const [[, stage], ...more] = ofType('AWS::ApiGatewayV2::Stage');
    expect(more).toEqual([]);
    expect(stage.Properties.StageName).toBe('$default');
    const limits = (key: string) => {
      const [rate, burst] = String(cdkJson.context[key]).split('/').map(Number);
      return { ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst };
    };
    expect(stage.Properties.DefaultRouteSettings).toEqual(limits('throttlePublic'));
    const settings = stage.Properties.RouteSettings as Record<string, unknown>;
    expect(Object.keys(settings).sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    expect(settings['POST /subscribe']).toEqual(limits('throttleSignup'));
    expect(settings['GET /subscribe']).toEqual(limits('throttlePublic'));
    expect(settings['POST /unsubscribe/{token}']).toEqual(limits('throttlePublic'));
    expect(settings['GET /feeds/{feed}']).toEqual(limits('throttlePublic'));
    expect(settings['POST /webhooks/releases']).toEqual(limits('throttleWebhook'));
    for (const route of routes.filter((r) => r.path.startsWith('/admin/'))) {
      expect(settings[`${route.method} ${route.path}`], route.path).toEqual(limits('throttleAdmin'));
    }
    // Route settings may only name routes that exist: the stage is created after them.
    const routeIds = ofType('AWS::ApiGatewayV2::Route').map(([id]) => id);
    expect([(resources[ofType('AWS::ApiGatewayV2::Stage')[0][0]] as any).DependsOn].flat()).toEqual(expect.arrayContaining(routeIds));
  });

  it('writes a JSON access log without tokens to a log group kept a month', () => {
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage');
    const { DestinationArn, Format } = stage.Properties.AccessLogSettings;
    // arn:…:log-group:<name>, without the `:*` of the log group's Arn attribute.
    const [, parts] = DestinationArn['Fn::Join'];
    expect(parts.slice(-2)).toEqual([':log-group:', { Ref: expect.any(String) }]);
    expect(resources[parts.at(-1).Ref]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    const format = JSON.parse(Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latencyMs: '$context.responseLatency',
      integrationError: '$context.integrationErrorMessage',
    });
    // The path of a token link is its token: logging the route key keeps it out.
    expect(Object.values(format).filter((v) => /path/i.test(v))).toEqual([]);
  });

  it('refuses throttles that are not a positive rate and a whole burst', () => {
    const configWith = (overrides: Record<string, unknown>) => configFromContext(newApp({ context: { ...cdkJson.context, ...overrides } }).node);
    expect(configWith({ throttleAdmin: '2.5/5' }).apiThrottle.admin).toEqual({ rate: 2.5, burst: 5 });
    expect(() => configWith({ throttlePublic: '0/10' })).toThrow(/throttlePublic must be rate\/burst/);
    expect(() => configWith({ throttleSignup: '5' })).toThrow(/throttleSignup/);
    expect(() => configWith({ throttleWebhook: '' })).toThrow(/Missing context value "throttleWebhook"/);
  });
});

describe('functions', () => {
  const handlers = new Set([...routes, ...queueConsumers, ...schedules].map((e) => e.handler));

  it('builds exactly one Node.js 22 arm64 function per handler module', () => {
    expect(ofType('AWS::Lambda::Function')).toHaveLength(handlers.size);
    for (const handler of handlers) {
      const props = resources[functionId(handler)].Properties;
      // The bulk jobs parse and write files of up to a few hundred MB: more memory, and with it more CPU.
      expect(props).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: handler === 'bulk-jobs' ? 1024 : 512, TracingConfig: { Mode: 'Active' } });
      expect(props.Handler).toBe('index.handler');
    }
  });

  it('reserves, and so caps, the concurrency of each public function and of no other', () => {
    const reserved = Number(cdkJson.context.publicReservedConcurrency);
    expect(reserved).toBeGreaterThan(0);
    for (const handler of handlers) {
      const expected = PUBLIC_FUNCTIONS.includes(handler) ? reserved : undefined;
      expect(resources[functionId(handler)].Properties.ReservedConcurrentExecutions, handler).toBe(expected);
    }
    const configWith = (value: unknown) => configFromContext(newApp({ context: { ...cdkJson.context, publicReservedConcurrency: value } }).node);
    // 0 means no reservation: a reservation of 0 would stop the functions.
    expect(configWith(0).publicReservedConcurrency).toBeUndefined();
    expect(configWith('4').publicReservedConcurrency).toBe(4);
    expect(() => configWith(-1)).toThrow(/publicReservedConcurrency/);
  });

  it('gives fan-out 60 s, the bulk jobs (a whole export) Lambda\'s 15 minutes, feed polls (staff\'s and the schedule\'s) minutes, and every other function 30 s', () => {
    const timeouts: Record<string, number> = { 'fan-out': 60, 'bulk-jobs': 900, 'admin-sources': 120, 'poll-sources': 300, 'console-compose': 120 };
    for (const handler of handlers) {
      expect(resources[functionId(handler)].Properties.Timeout, handler).toBe(timeouts[handler] ?? 30);
    }
  });

  it('passes every variable the runtime config reads', () => {
    const expected = [
      'PRESSROOM_TABLE_NAME',
      'PRESSROOM_FANOUT_QUEUE_URL',
      'PRESSROOM_SEND_QUEUE_URL',
      'PRESSROOM_SIGNUPS_QUEUE_URL',
      'PRESSROOM_BULK_QUEUE_URL',
      'PRESSROOM_WEBHOOKS_QUEUE_URL',
      'PRESSROOM_FILES_BUCKET',
      'PRESSROOM_SECRET_ARN',
      'PRESSROOM_PUBLIC_URL',
      'PRESSROOM_FROM',
      'PRESSROOM_SES_CONFIGURATION_SET',
      'PRESSROOM_LISTS',
      'PRESSROOM_STAFF',
      'PRESSROOM_SOCIAL_CHANNELS',
      'PRESSROOM_MASTODON_URL',
      'PRESSROOM_BLUESKY_SERVICE',
      'PRESSROOM_BLUESKY_IDENTIFIER',
      'PRESSROOM_LINKEDIN_AUTHOR',
      'PRESSROOM_LINKEDIN_API_VERSION',
      'PRESSROOM_THREADS_USER_ID',
      'PRESSROOM_POSTAL_ADDRESS',
      'PRESSROOM_MAX_SEND_RATE',
      'PRESSROOM_MAX_RECEIVE_COUNT',
      'PRESSROOM_FUNCTION',
      'POWERTOOLS_SERVICE_NAME',
      'NODE_OPTIONS',
    ];
    // Only the staff functions that redrive learn where the DLQs are (tests/infra/dead-letters.test.ts).
    const deadLetterVariables = queueConsumers.flatMap(({ queue }) => Object.values(deadLetterEnvNames(queue)));
    for (const handler of handlers) {
      const variables = resources[functionId(handler)].Properties.Environment.Variables;
      const own = functionSpec(handler as FunctionName).redrivesDeadLetters ? deadLetterVariables : [];
      expect(Object.keys(variables).sort()).toEqual([...expected, ...own].sort());
      expect(variables).toMatchObject({
        PRESSROOM_FROM: EXAMPLE_CONTEXT.from,
        PRESSROOM_LISTS: cdkJson.context.lists,
        PRESSROOM_SOCIAL_CHANNELS: cdkJson.context.socialChannels,
        PRESSROOM_MASTODON_URL: cdkJson.context.mastodonUrl,
        PRESSROOM_BLUESKY_SERVICE: cdkJson.context.blueskyService,
        PRESSROOM_BLUESKY_IDENTIFIER: '',
        PRESSROOM_THREADS_USER_ID: cdkJson.context.threadsUserId,
        PRESSROOM_POSTAL_ADDRESS: POSTAL_ADDRESS,
        PRESSROOM_MAX_SEND_RATE: String(MAX_SEND_RATE),
        PRESSROOM_FUNCTION: handler,
        POWERTOOLS_SERVICE_NAME: 'pressroom',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('passes channel settings the runtime accepts, with its defaults for the empty ones', () => {
    const variables = resources[functionId('post-social')].Properties.Environment.Variables;
    const env = Object.fromEntries(Object.values(CHANNEL_SETTING_VARIABLES).map((name) => [name, variables[name] as string]));
    const { channelSettings } = readConfig({ PRESSROOM_TABLE_NAME: 't', PRESSROOM_PUBLIC_URL: 'https://news.example.org', ...env });
    expect(channelSettings).toEqual({
      mastodonUrl: 'https://mastodon.social',
      blueskyService: 'https://bsky.social',
      blueskyIdentifier: undefined,
      linkedinAuthor: undefined,
      linkedinApiVersion: undefined,
      threadsUserId: 'me',
    });
  });

  it('defaults the public URL to the HTTP API endpoint', () => {
    const [apiId] = ofType('AWS::ApiGatewayV2::Api')[0];
    const variables = resources[functionId('unsubscribe')].Properties.Environment.Variables;
    expect(variables.PRESSROOM_PUBLIC_URL).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
  });

  it('keeps logs for a month', () => {
    // One per function, and the API's access log.
    template.resourceCountIs('AWS::Logs::LogGroup', handlers.size + 1);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});

describe('least privilege', () => {
  const queueArnOf = (name: string) => {
    const { handler } = queueConsumers.find((c) => c.queue === name)!;
    const [, mapping] = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) => refId(m.Properties.FunctionName) === functionId(handler))!;
    return refId(mapping.Properties.EventSourceArn);
  };
  const sendersTo = (name: string) =>
    [...stack.functions.keys()].filter((handler) =>
      statementsOf(handler).some((s) => [s.Action].flat().includes('sqs:SendMessage') && [s.Resource].flat().some((r) => refId(r) === queueArnOf(name))),
    );

  it('lets only the handlers that need it enqueue: publish (webhook, console compose, feed and Ghost sources), fan-out continuations, resume, embargo ends, the digest; sends from fan-out and deferred sends; redriven dead letters', () => {
    expect(sendersTo('fan-out').sort()).toEqual([
      'admin-queues', 'admin-sends', 'admin-sources', 'console-audience', 'console-compose', 'console-release', 'fan-out', 'ghost-webhook', 'poll-sources', 'publish-release', 'release-embargoed', 'weekly-digest',
    ]);
    expect(sendersTo('send').sort()).toEqual(['admin-queues', 'console-audience', 'fan-out', 'send-email']);
  });

  it('lets the places where events happen tell the webhooks queue (confirm, unsubscribe, suppressions, staff\'s list changes, a send\'s end, social posts), and its worker re-queue retries', () => {
    expect(sendersTo('webhooks').sort()).toEqual([
      'admin-queues', 'admin-sends', 'admin-subscribers', 'confirm', 'console-audience', 'console-release', 'deliver-webhooks', 'fan-out', 'mail-events', 'post-social', 'preferences', 'send-email', 'unsubscribe',
    ]);
  });

  it('lets the send worker, the sign-up queue\'s worker, imports, test sends (admin and console compose) and console sign-in links send email, and only the send worker read the quota it paces by', () => {
    const senders = [...stack.functions.keys()].filter((h) => actionsOf(h).includes('ses:SendRawEmail'));
    // Not subscribe: it only queues, so that its work is the same for every address. The console
    // emails sign-in links itself, to staff only, and answers no sooner than a fixed time instead.
    // bulk-jobs: imports without consent email each new address a confirmation, as admin-import does.
    // console-audience: the console's imports, as admin-import. console-release and console-compose:
    // test sends, to staff addresses only.
    expect(senders.sort()).toEqual(['admin-import', 'admin-releases', 'bulk-jobs', 'console', 'console-audience', 'console-compose', 'console-release', 'process-signup', 'send-email']);
    const quotaReaders = [...stack.functions.keys()].filter((h) => actionsOf(h).includes('ses:GetSendQuota'));
    expect(quotaReaders).toEqual(['send-email']);
    for (const handler of stack.functions.keys()) {
      expect(actionsOf(handler).filter((a) => a.startsWith('ses:') && a !== 'ses:SendRawEmail' && a !== 'ses:GetSendQuota'), handler).toEqual([]);
    }
  });

  it('lets only the file handlers reach the staff file bucket, each folder as declared: uploads and their import into imports/, exports out of exports/', () => {
    const s3 = (handler: string) =>
      statementsOf(handler)
        .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')))
        .flatMap((s) => [s.Action].flat().flatMap((a: string) => [s.Resource].flat().map((r) => `${a} ${JSON.stringify(r).match(/\/(\w+)\/\*/)?.[1]}`)))
        .sort();
    const withFiles = [...stack.functions.keys()].filter((h) => s3(h).length);
    expect(withFiles.sort()).toEqual(['admin-export', 'admin-import', 'bulk-jobs', 'console-audience']);
    expect(s3('admin-import')).toEqual(['s3:AbortMultipartUpload imports', 's3:GetObject imports', 's3:PutObject imports']);
    expect(s3('bulk-jobs')).toEqual(['s3:AbortMultipartUpload exports', 's3:GetObject imports', 's3:PutObject exports']);
    expect(s3('admin-export')).toEqual(['s3:GetObject exports']);
    // The console's upload form stores and imports as admin-import does, and links to exports as admin-export does.
    expect(s3('console-audience')).toEqual(['s3:AbortMultipartUpload imports', 's3:GetObject exports', 's3:GetObject imports', 's3:PutObject imports']);
    const [[, bucket]] = ofType('AWS::S3::Bucket');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: expect.arrayContaining([expect.objectContaining({ ExpirationInDays: 7, Status: 'Enabled' })]) },
    });
  });

  it('gives each function a role of its own that writes its own log group and no other, with no managed policy', () => {
    for (const handler of stack.functions.keys()) {
      const fn = resources[functionId(handler)].Properties;
      const role = resources[refId(fn.Role)];
      expect(role.Properties.ManagedPolicyArns, handler).toBeUndefined();
      const logs = statementsOf(handler).filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')));
      expect(logs, handler).toEqual([{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [refId(fn.LoggingConfig.LogGroup), 'Arn'] } }]);
    }
  });

  it('lets the pages and feeds only read the table, and the queue status touch it only for staff tokens and the audit log; every function reads the secret value', () => {
    const readOnly = ['archive', 'feeds', 'release-page'];
    for (const handler of stack.functions.keys()) {
      const table = actionsOf(handler).filter((a) => a.startsWith('dynamodb:')).sort();
      const reads = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
      // admin-queues keeps no data; its edge reads personal tokens and writes audit entries, by key.
      const expected = handler === 'admin-queues' ? ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] : readOnly.includes(handler) ? reads : [...reads, 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'].sort();
      expect(table, handler).toEqual(expected);
      expect(actionsOf(handler).filter((a) => a.startsWith('secretsmanager:')), handler).toEqual(['secretsmanager:GetSecretValue']);
    }
    // Items by key only: the staff edge's grant names the table, not its indexes.
    const queuesTable = statementsOf('admin-queues').filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    expect(queuesTable).toHaveLength(1);
    expect(JSON.stringify(queuesTable[0].Resource)).not.toContain('index');
  });
});

describe('queues', () => {
  const mappings = () => ofType('AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties);

  it('subscribes each consumer to its own queue with partial batch failures', () => {
    expect(mappings()).toHaveLength(queueConsumers.length);
    for (const { handler } of queueConsumers) {
      const mapping = mappings().find((m) => refId(m.FunctionName) === functionId(handler));
      // SES events come in larger batches, each counted in one write (infra/messaging.ts MAIL_EVENTS_BATCH).
      const batch = handler === 'mail-events' ? { BatchSize: 100, MaximumBatchingWindowInSeconds: 1 } : { BatchSize: 10 };
      expect(mapping, handler).toMatchObject({ ...batch, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    }
    expect(new Set(mappings().map((m) => refId(m.EventSourceArn))).size).toBe(queueConsumers.length);
  });

  it('caps the send consumer at the configured concurrency', () => {
    const send = mappings().find((m) => refId(m.FunctionName) === functionId('send-email'));
    expect(send?.ScalingConfig).toEqual({ MaximumConcurrency: SEND_MAX_CONCURRENCY });
    for (const m of mappings()) expect(m.ScalingConfig.MaximumConcurrency).toBeGreaterThanOrEqual(2);
  });

  it('keeps messages invisible for at least six times the consumer timeout', () => {
    for (const m of mappings()) {
      const queue = resources[refId(m.EventSourceArn)].Properties;
      const timeout = resources[refId(m.FunctionName)].Properties.Timeout as number;
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    }
  });

  it('gives each queue an encrypted DLQ after five receives, with an alarm on it', () => {
    for (const m of mappings()) {
      const queue = resources[refId(m.EventSourceArn)].Properties;
      expect(queue.RedrivePolicy.maxReceiveCount).toBe(5);
      expect(queue.SqsManagedSseEnabled).toBe(true);
      const dlqId = refId(queue.RedrivePolicy.deadLetterTargetArn);
      expect(resources[dlqId]).toMatchObject({ Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } });
      const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.Dimensions?.some((d: any) => refId(d.Value) === dlqId));
      expect(alarms).toHaveLength(1);
      expect(alarms[0][1].Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      // …and the alarm tells someone: it notifies the one alarm topic.
      expect(alarms[0][1].Properties.AlarmActions.map(refId)).toEqual([topicId()]);
    }
  });

  it('has one alarm topic, refusing plain HTTP, without subscribers unless alarmEmail is set, and outputs its ARN', () => {
    expect(ofType('AWS::SNS::Topic').filter(([id]) => id === topicId())).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId() }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    expect(ofType('AWS::SNS::Subscription').filter(([, sub]) => refId(sub.Properties.TopicArn) === topicId())).toHaveLength(0);
    template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId() } });

    const app = newApp({ context: {} });
    const messaging = new Messaging(new Stack(app, 'AlarmsOnly'), 'Messaging', { sendMaxConcurrency: 2, alarmEmail: 'ops@example.org' });
    const alone = Template.fromStack(Stack.of(messaging));
    alone.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  });

  it('refuses plain HTTP on every queue', () => {
    // Each work queue and its DLQ, the DLQ of the SES events' SNS subscription, and failed scheduled runs'.
    template.resourceCountIs('AWS::SQS::QueuePolicy', queueConsumers.length * 2 + 2);
    template.allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });
});

describe('schedules', () => {
  it('invokes each scheduled handler at its rate', () => {
    const found = ofType('AWS::Scheduler::Schedule').map(([, s]) => s.Properties);
    expect(found).toHaveLength(schedules.length);
    for (const entry of schedules) {
      const schedule = found.find((s) => refId(s.Target.Arn) === functionId(entry.handler));
      expect(schedule?.ScheduleExpression).toBe(entry.rate);
    }
    expect(found.map((s) => s.ScheduleExpression)).toContain('rate(1 minute)');
  });

  // Scheduler invokes Lambda asynchronously: Lambda's own retries (two by default) apply.
  const failedRunsQueueId = () => stack.getLogicalId(stack.node.findChild('Schedules').node.findChild('FailedRunsQueue').node.defaultChild as any);
  const expectedRetries = (rate: string) => (rate === 'rate(1 minute)' ? { attempts: 0, age: 60 } : { attempts: 2, age: 1800 });

  it('retries no every-minute run (the next tick does the same work) and hourly runs twice within half an hour, at both Lambda and Scheduler', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);
    expect(configs).toHaveLength(new Set(schedules.map((e) => e.handler)).size);
    const found = ofType('AWS::Scheduler::Schedule').map(([, s]) => s.Properties);
    for (const entry of schedules) {
      const { attempts, age } = expectedRetries(entry.rate);
      const config = configs.find((c) => refId(c.FunctionName) === functionId(entry.handler));
      expect(config, entry.handler).toMatchObject({ MaximumRetryAttempts: attempts, MaximumEventAgeInSeconds: age, Qualifier: '$LATEST' });
      const target = found.find((s) => refId(s.Target.Arn) === functionId(entry.handler))!.Target;
      expect(target.RetryPolicy, entry.name).toEqual({ MaximumRetryAttempts: attempts, MaximumEventAgeInSeconds: age });
    }
    expect(schedules.map((e) => expectedRetries(e.rate).attempts)).toEqual(expect.arrayContaining([0, 2]));
  });

  it('sends runs that failed their last attempt, and events Scheduler could not deliver, to one encrypted queue with an alarm', () => {
    const queueId = failedRunsQueueId();
    expect(resources[queueId].Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    for (const [, config] of ofType('AWS::Lambda::EventInvokeConfig')) {
      expect(refId(config.Properties.DestinationConfig.OnFailure.Destination)).toBe(queueId);
    }
    for (const [, schedule] of ofType('AWS::Scheduler::Schedule')) {
      expect(refId(schedule.Properties.Target.DeadLetterConfig.Arn)).toBe(queueId);
    }
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.Dimensions?.some((d: any) => refId(d.Value) === queueId));
    expect(alarms.map(([, a]) => a.Properties)).toEqual([
      expect.objectContaining({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [{ Ref: topicId() }] }),
    ]);
  });
});

describe('storage, secret and email', () => {
  it('has the single table with its keys, GSI, TTL and point-in-time recovery, retained and protected from deletion', () => {
    const [[, table], ...others] = ofType('AWS::DynamoDB::Table');
    expect(others).toHaveLength(0);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
    );
  });

  it('generates the admin token and leaves the other secret keys as placeholders', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const [[, secret]] = ofType('AWS::SecretsManager::Secret');
    const generate = secret.Properties.GenerateSecretString;
    expect(generate.GenerateStringKey).toBe('adminToken');
    // Exactly this string: any change makes CloudFormation generate a new value for the deployed
    // secret, replacing the signing keys and addressHashKey staff stored (see infra/secrets.ts).
    expect(generate.SecretStringTemplate).toBe(
      '{"webhookSecret":"REPLACE_ME","signingKeys":"REPLACE_ME","addressHashKey":"REPLACE_ME","mastodonAccessToken":"REPLACE_ME"}',
    );
  });

  it('has one SES configuration set, which every function is told, and the From domain\'s identity (tests/infra/sending-domain.test.ts)', () => {
    template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    template.resourceCountIs('AWS::SES::EmailIdentity', 1);
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.org' });
    const [configSetId] = ofType('AWS::SES::ConfigurationSet')[0];
    expect(resources[functionId('send-email')].Properties.Environment.Variables.PRESSROOM_SES_CONFIGURATION_SET).toEqual({ Ref: configSetId });
  });
});

describe('configuration from context', () => {
  const configWith = (overrides: Record<string, unknown>) =>
    configFromContext(newApp({ context: { ...cdkJson.context, ...overrides } }).node);

  it('treats empty strings as unset and strips a trailing slash from publicUrl', () => {
    expect(configWith({}).publicUrl).toBeUndefined();
    expect(configWith({}).optional).toEqual({});
    expect(configWith({ publicUrl: 'https://news.example.org/' }).publicUrl).toBe('https://news.example.org');
    expect(configWith({ orgName: 'Example Org' }).optional).toEqual({ orgName: 'Example Org' });
    expect(configWith({ socialChannels: '' }).socialChannels).toBe('');
    expect(() => configWith({ from: '' })).toThrow(/Missing context value "from"/);
  });

  it('reads every channel setting from the context key of the same name, empty when unset', () => {
    const config = configWith({ blueskyIdentifier: 'press.example.com', linkedinAuthor: 'urn:li:organization:5515715', threadsUserId: '' });
    expect(Object.keys(config.channelSettings).sort()).toEqual(Object.keys(CHANNEL_SETTING_VARIABLES).sort());
    expect(config.channelSettings).toMatchObject({
      mastodonUrl: cdkJson.context.mastodonUrl,
      blueskyIdentifier: 'press.example.com',
      linkedinAuthor: 'urn:li:organization:5515715',
      linkedinApiVersion: '',
      threadsUserId: '',
    });
  });

  it('takes one alarm email address, or none, and refuses anything else', () => {
    expect(configWith({}).alarmEmail).toBeUndefined();
    expect(configWith({ alarmEmail: ' ops@example.org ' }).alarmEmail).toBe('ops@example.org');
    expect(() => configWith({ alarmEmail: 'ops@example' })).toThrow(/alarmEmail must be one email address/);
    expect(() => configWith({ alarmEmail: 'a@example.org, b@example.org' })).toThrow(/alarmEmail/);
  });

  it('refuses a send concurrency outside what SQS event sources accept', () => {
    expect(() => configWith({ sendMaxConcurrency: 1 })).toThrow(/2 to 1000/);
    expect(configWith({ sendMaxConcurrency: '5' }).sendMaxConcurrency).toBe(5);
  });

  it('refuses to synthesize without a From address or a postal address, rather than send a placeholder', () => {
    expect(() => configWith({ postalAddress: '' })).toThrow(/Missing context value "postalAddress" \(set it in cdk.json or with -c postalAddress=/);
    expect(() => configWith({ postalAddress: undefined })).toThrow(/postalAddress/);
    expect(() => configWith({ from: '  ' })).toThrow(/Missing context value "from"/);
    expect(() => configFromContext(newApp({ context: cdkJson.context }).node)).not.toThrow();
    // cdk.json itself carries neither: a deploy has to say them (npm run synth passes examples).
    const { from, postalAddress } = cdkContext();
    expect([from, postalAddress]).toEqual(['', '']);
  });

  it('gives npm run synth the same example from and postalAddress as the tests', () => {
    const script = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts.synth;
    const given = Object.fromEntries([...script.matchAll(/-c '([^=']+)=([^']*)'/g)].map(([, key, value]) => [key, value]));
    expect(given).toEqual(EXAMPLE_CONTEXT);
  });

  it('refuses a send concurrency that cannot reach the configured sending rate (N ≥ 1 + rate × 0.3 s / 10)', () => {
    expect([14, 33, 34, 100, 200].map(minSendConcurrency)).toEqual([2, 2, 3, 4, 7]);
    expect(() => configWith({ maxSendRate: 100, sendMaxConcurrency: 3 })).toThrow(/sendMaxConcurrency 3 cannot reach maxSendRate 100\/s.*at least 4/);
    expect(configWith({ maxSendRate: '100', sendMaxConcurrency: 4 })).toMatchObject({ sendMaxConcurrency: 4, optional: { maxSendRate: '100' } });
    expect(() => configWith({ maxSendRate: 'fast' })).toThrow(/maxSendRate must be a whole number/);
    // Unset: SES's own quota is known only at run time, so nothing is checked.
    expect(configWith({ maxSendRate: '', sendMaxConcurrency: 2 }).optional).toEqual({});
  });

  it('warns at synth time when the configured rate cannot keep that many send workers busy', () => {
    expect([1, 14].map((rate) => maxUsefulSendConcurrency(rate, 30))).toEqual([2, 40]);
    Annotations.fromStack(stack).hasNoWarning('/PressroomTest', Match.stringLikeRegexp('sendMaxConcurrency'));
    const slow = newApp({ context: { ...cdkJson.context, maxSendRate: 1, sendMaxConcurrency: 7, 'aws:cdk:bundling-stacks': [] } });
    const overstaffed = new PressroomStack(slow, 'Overstaffed', { env: { region: 'us-east-1' }, config: configFromContext(slow.node) });
    Annotations.fromStack(overstaffed).hasWarning('/Overstaffed', Match.stringLikeRegexp('sendMaxConcurrency 7 is more than maxSendRate 1/s keeps busy \\(2\\)'));
  });
});

describe('monitoring', () => {
  const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const alarmOn = (metricName: string, functionHandler?: string) =>
    alarms().filter((a) => a.MetricName === metricName && (!functionHandler || a.Dimensions?.some((d: any) => refId(d.Value) === functionId(functionHandler))));

  it('alarms on errors and throttles of the send path and every public HTTP function, each notifying the alarm topic', () => {
    const watched = ['send-email', 'fan-out', 'mail-events', ...PUBLIC_FUNCTIONS];
    expect(PUBLIC_FUNCTIONS).toEqual(expect.arrayContaining(['subscribe', 'unsubscribe', 'confirm', 'preferences', 'feeds', 'archive', 'release-page']));
    expect(PUBLIC_FUNCTIONS).not.toContain('admin-lists');
    expect(PUBLIC_FUNCTIONS).not.toContain('publish-release');
    for (const handler of watched) {
      for (const metric of ['Errors', 'Throttles']) {
        const [alarm, ...more] = alarmOn(metric, handler).filter((a) => a.Period === 300);
        expect(more, `${metric} ${handler}`).toEqual([]);
        expect(alarm, `${metric} ${handler}`).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
        expect(alarm.AlarmActions.map(refId)).toEqual([topicId()]);
      }
    }
  });

  it('alarms when an every-minute job fails three runs in a row (a secret still holding placeholders)', () => {
    for (const handler of ['post-social', 'release-embargoed']) {
      expect(alarmOn('Errors', handler).filter((a) => a.Period === 60)).toEqual([expect.objectContaining({ EvaluationPeriods: 3, Threshold: 1 })]);
    }
  });

  it('alarms on the send queue\'s oldest message, API 5xx and SES reputation at SES\'s own review thresholds', () => {
    const sendQueueId = stack.getLogicalId(stack.node.findChild('Messaging').node.findChild('SendQueue').node.defaultChild as any);
    const ages = alarmOn('ApproximateAgeOfOldestMessage');
    expect(ages.map((a) => a.Dimensions.map((d: any) => refId(d.Value)))).toEqual([[sendQueueId]]);
    expect(ages).toEqual([
      expect.objectContaining({ Threshold: 900, Statistic: 'Maximum' }),
    ]);
    expect(alarmOn('5xx')).toEqual([expect.objectContaining({ Namespace: 'AWS/ApiGateway', Threshold: 5 })]);
    // Staff are told when Pressroom disables an outgoing webhook endpoint.
    expect(alarmOn('WebhookEndpointsDisabled')).toEqual([expect.objectContaining({ Namespace: 'Pressroom', Threshold: 1, Dimensions: [{ Name: 'service', Value: 'pressroom' }] })]);
    // CloudFormation takes a metric name with a dot as a one-metric `Metrics` list.
    const reputation = (name: string) => alarms().filter((a) => a.Metrics?.[0]?.MetricStat?.Metric?.MetricName === name);
    expect(reputation('Reputation.BounceRate')).toEqual([expect.objectContaining({ Threshold: 0.05, ComparisonOperator: 'GreaterThanOrEqualToThreshold' })]);
    expect(reputation('Reputation.ComplaintRate')).toEqual([expect.objectContaining({ Threshold: 0.001 })]);
    expect(reputation('Reputation.BounceRate')[0].Metrics[0].MetricStat.Metric.Namespace).toBe('AWS/SES');
    for (const alarm of alarms()) expect(alarm.AlarmActions.map(refId), alarm.AlarmDescription).toEqual([topicId()]);
  });

  it('has one dashboard with Pressroom\'s own metrics, SES, every queue and every function, and outputs its name', () => {
    const [[, dashboard], ...more] = ofType('AWS::CloudWatch::Dashboard');
    expect(more).toEqual([]);
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const name of ['EmailsSent', 'EmailsThrottled', 'Bounces', 'Complaints', 'Reputation.BounceRate', 'ApproximateAgeOfOldestMessage', 'ApproximateNumberOfMessagesVisible']) {
      expect(body, name).toContain(name);
    }
    expect(body).toMatch(/Pressroom\W+EmailsSent\W+service\W+pressroom/);
    expect(body).toContain("SEARCH('{Pressroom,channel,service} MetricName=");
    expect(body).toMatch(/MetricName=\W+PostsMade/);
    template.hasOutput('DashboardName', {});
  });
});
