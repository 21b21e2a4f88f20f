import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayv2DomainProperties } from 'aws-cdk-lib/aws-route53-targets';
import type { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT, routes } from '../functions/runtime/routes';
import { functionNames, functionSpec, servesStaff } from '../functions/runtime/function-specs';
import { CHANNEL_SETTING_VARIABLES, type ChannelSettings } from '../functions/channels';
import { Api } from './api';
import { OPTIONAL_VARIABLES, type OptionalKey, type PressroomStackConfig } from './config';
import { dmarcRecord, DnsRecords } from './dns';
import { Email } from './email';
import { pressroomFunction } from './functions';
import { Messaging } from './messaging';
import { acknowledgeNagFindings } from './nag';
import { Schedules } from './schedules';
import { Monitoring, PUBLIC_FUNCTIONS } from './monitoring';
import { Secrets } from './secrets';
import { maxUsefulSendConcurrency } from './send-concurrency';
import { Storage } from './storage';
import { Files } from './files';

export { configFromContext, type PressroomStackConfig } from './config';

export interface PressroomStackProps extends StackProps {
  config: PressroomStackConfig;
}

/**
 * The whole service. Each function declared in functions/runtime/function-specs.ts becomes one
 * Lambda function with its triggers and the access it declares, and nothing more.
 */
export class PressroomStack extends Stack {
  /** The function of each handler module, by handler name. */
  readonly functions: ReadonlyMap<string, NodejsFunction>;

  constructor(scope: Construct, id: string, props: PressroomStackProps) {
    super(scope, id, props);
    const { config } = props;

    const storage = new Storage(this, 'Storage');
    const secrets = new Secrets(this, 'Secrets');
    const email = new Email(this, 'Email', { from: config.from, mailFromDomain: config.mailFromDomain, engagementTracking: config.optional.engagementTracking === 'true', deliveryEvents: config.optional.deliveryEvents === 'true' });
    const messaging = new Messaging(this, 'Messaging', { sendMaxConcurrency: config.sendMaxConcurrency, alarmEmail: config.alarmEmail });
    const api = new Api(this, 'Api', { throttle: config.apiThrottle });
    // The console uploads and downloads from its own pages: the public URL's origin (the API's own
    // endpoint, an origin already, when no public URL is configured).
    const files = new Files(this, 'Files', { browserOrigins: [config.publicUrl ? new URL(config.publicUrl).origin : api.endpoint] });

    // Lookup-free: the zone's id and name come from context, so synth needs no AWS account.
    const zone = config.hostedZone && HostedZone.fromHostedZoneAttributes(this, 'HostedZone', { hostedZoneId: config.hostedZone.id, zoneName: config.hostedZone.name });
    const dns = new DnsRecords(this, 'Dns', { zone });
    for (const record of email.dnsRecords) dns.add(record);
    if (config.dmarc) dns.add(dmarcRecord(config.fromDomain, config.dmarc.policy, config.dmarc.reportEmail));
    if (config.publicDomain) {
      const { name, certificateArn } = config.publicDomain;
      const certificate: ICertificate = certificateArn
        ? Certificate.fromCertificateArn(this, 'Certificate', certificateArn)
        : new Certificate(this, 'Certificate', { domainName: name, validation: CertificateValidation.fromDns(zone) });
      const domain = api.addCustomDomain(name, certificate);
      // An alias, not a CNAME, in the zone: valid at the zone's apex too.
      if (zone) new ARecord(this, 'PublicDomainAlias', { zone, recordName: name, target: RecordTarget.fromAlias(new ApiGatewayv2DomainProperties(domain.regionalDomainName, domain.regionalHostedZoneId)) });
      dns.add({ id: 'PublicDomain', name, type: 'CNAME', value: domain.regionalDomainName, purpose: 'Links in emails: the public domain, served by the HTTP API (in a hosted zone: an alias A record)', createInZone: false });
    }

    const environment = {
      PRESSROOM_TABLE_NAME: storage.table.tableName,
      PRESSROOM_FANOUT_QUEUE_URL: messaging.queue('fan-out').queueUrl,
      PRESSROOM_SEND_QUEUE_URL: messaging.queue('send').queueUrl,
      PRESSROOM_SIGNUPS_QUEUE_URL: messaging.queue('signups').queueUrl,
      PRESSROOM_BULK_QUEUE_URL: messaging.queue('bulk').queueUrl,
      PRESSROOM_WEBHOOKS_QUEUE_URL: messaging.queue('webhooks').queueUrl,
      PRESSROOM_FILES_BUCKET: files.bucket.bucketName,
      PRESSROOM_SECRET_ARN: secrets.secret.secretArn,
      PRESSROOM_PUBLIC_URL: config.publicUrl ?? api.endpoint,
      PRESSROOM_FROM: config.from,
      PRESSROOM_POSTAL_ADDRESS: config.postalAddress,
      PRESSROOM_SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
      PRESSROOM_LISTS: config.lists,
      PRESSROOM_STAFF: config.staff,
      PRESSROOM_SOCIAL_CHANNELS: config.socialChannels,
      // Every channel setting, set or empty: the runtime applies its defaults and checks them at start-up.
      ...Object.fromEntries(Object.entries(config.channelSettings).map(([key, value]) => [CHANNEL_SETTING_VARIABLES[key as keyof ChannelSettings], value])),
      // The send worker counts a job failing on its last receive as dead-lettered: same value as the redrive policy.
      PRESSROOM_MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
      ...Object.fromEntries(Object.entries(config.optional).map(([key, value]) => [OPTIONAL_VARIABLES[key as OptionalKey], value])),
    };
    const maxSendRate = Number(config.optional.maxSendRate);
    if (maxSendRate && config.sendMaxConcurrency > maxUsefulSendConcurrency(maxSendRate)) {
      Annotations.of(this).addWarningV2(
        'pressroom:sendMaxConcurrency',
        `sendMaxConcurrency ${config.sendMaxConcurrency} is more than maxSendRate ${maxSendRate}/s keeps busy (${maxUsefulSendConcurrency(maxSendRate)}): ` +
          'the pacer would be booked further ahead than an invocation may wait, and the extra workers would only poll and requeue (see infra/README.md).',
      );
    }

    // One function per declaration, with exactly the access it declares (function-specs.ts).
    const functions = new Map<string, NodejsFunction>();
    for (const handlerName of functionNames) {
      const spec = functionSpec(handlerName);
      // A flood on public pages may use up their own reservation, and no more: the send path,
      // the webhook and staff keep the rest of the account's concurrency.
      const reservedConcurrency = PUBLIC_FUNCTIONS.includes(handlerName) ? config.publicReservedConcurrency : undefined;
      const fn = pressroomFunction(this, handlerName, { environment, reservedConcurrency });
      if (spec.table) storage.grant(fn, spec.table);
      // A read-write function has these already.
      if (servesStaff(handlerName) && spec.table !== 'read-write') storage.grantStaffEdge(fn);
      if (spec.files) files.grant(fn, spec.files);
      secrets.grantReadValue(fn);
      for (const queue of spec.sendsTo ?? []) messaging.grantSend(queue, fn);
      if (spec.sendsEmail) email.grantSendRawEmail(fn);
      if (spec.readsSendQuota) email.grantReadSendQuota(fn);
      if (spec.redrivesDeadLetters) messaging.grantDeadLetterAdmin(fn);
      functions.set(handlerName, fn);
    }
    this.functions = functions;
    const functionFor = (handlerName: string): NodejsFunction => {
      const fn = functions.get(handlerName);
      if (!fn) throw new Error(`No function for handler "${handlerName}"`);
      return fn;
    };

    api.addRoutes(routes, functionFor);
    messaging.connect(functionFor);
    email.deliverEventsTo(messaging.queue('mail-events'));
    messaging.alarmOnDeadLetters(
      'MailEventsSubscriptionDeadLetterAlarm',
      email.eventsDeadLetterQueue,
      'SES events SNS could not deliver to the mail-events queue are parked in its subscription DLQ: fix the queue, then send them to it again (they may be bounces or complaints).',
    );
    new Schedules(this, 'Schedules', {
      functionFor,
      alarmOnDeadLetters: (alarmId, queue, description) => messaging.alarmOnDeadLetters(alarmId, queue, description),
    });
    const monitoring = new Monitoring(this, 'Monitoring', {
      alarmTopic: messaging.alarmTopic,
      functionFor,
      sendQueue: messaging.queue('send'),
      queues: new Map([...messaging.queues].map(([name, queue]) => [name, { queue, deadLetterQueue: messaging.deadLetterQueues.get(name)! }])),
      httpApi: api.httpApi,
    });

    // Last, once every resource exists: what cdk-nag reports and the design accepts, with reasons.
    acknowledgeNagFindings({ stack: this, functions });

    new CfnOutput(this, 'ApiUrl', { value: api.endpoint, description: 'HTTP API endpoint (webhook: POST /webhooks/releases)' });
    new CfnOutput(this, 'PublicUrl', { value: environment.PRESSROOM_PUBLIC_URL, description: 'Base URL of links in emails' });
    new CfnOutput(this, 'SesIdentity', { value: email.identity.emailIdentityName, description: `The SES identity (the From domain), DKIM-signed, MAIL FROM ${config.mailFromDomain}: publish the Dns* records` });
    new CfnOutput(this, 'SecretArn', { value: secrets.secret.secretArn, description: 'Set webhookSecret, signingKeys, addressHashKey and the social channel tokens here' });
    new CfnOutput(this, 'TableName', { value: storage.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: messaging.alarmTopic.topicArn, description: 'Every alarm is sent here: subscribe ops email or chat' });
    new CfnOutput(this, 'DashboardName', { value: monitoring.dashboard.dashboardName, description: 'The CloudWatch dashboard: sends, SES feedback, queues, errors' });
  }
}
