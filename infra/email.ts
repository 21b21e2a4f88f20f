import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  DkimIdentity,
  EasyDkimSigningKeyLength,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  MailFromBehaviorOnMxFailure,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { addressOf } from './config';
import type { DnsRecord } from './dns';

export interface EmailProps {
  /** The `From` header, e.g. `Pressroom <news@example.org>`: its domain becomes the SES identity. */
  from: string;
  /** The custom MAIL FROM domain under the From domain, e.g. `mail.example.org`. */
  mailFromDomain: string;
  /** Open and click tracking (context `engagementTracking`); off by default. */
  engagementTracking?: boolean;
  /** Delivery events (context `deliveryEvents`); off by default. On: one SNS publish and one write more per email. */
  deliveryEvents?: boolean;
}

/**
 * What SES publishes for Pressroom to act on (functions/handlers/mail-events.ts); opens and clicks
 * only with engagement tracking on ({@link ENGAGEMENT_EVENTS}). Delivery delays are published for
 * the record (they show a receiver deferring mail, e.g. for missing authentication); the consumer
 * leaves them alone.
 */
export const PUBLISHED_EVENTS = [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT, EmailSendingEvent.DELIVERY, EmailSendingEvent.DELIVERY_DELAY, EmailSendingEvent.REJECT];

/**
 * Publishing these is what makes SES track: it adds an image to every message and rewrites its
 * links (except those marked `ses:no-track`: the footer's unsubscribe and preference links).
 */
export const ENGAGEMENT_EVENTS = [EmailSendingEvent.OPEN, EmailSendingEvent.CLICK];

/**
 * SES for outgoing mail, set up for the Gmail and Yahoo bulk-sender rules: the From domain's
 * identity with Easy DKIM (so DKIM aligns with From) and a custom MAIL FROM subdomain (so SPF
 * aligns too), and a configuration set (TLS required, reputation metrics, account suppression list
 * for bounces and complaints) whose bounce, complaint, delivery, delay and reject events go to an
 * SNS topic.
 */
export class Email extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly identity: EmailIdentity;
  /** The records SES needs published for this identity: three DKIM CNAMEs, the MAIL FROM MX and SPF TXT. */
  readonly dnsRecords: readonly DnsRecord[];
  /** Where the SNS subscription parks an event it could not deliver to the mail-events queue. */
  readonly eventsDeadLetterQueue: Queue;
  /**
   * Receives the configuration set's events. Not KMS-encrypted: SES can only publish to an
   * encrypted topic through a customer managed key whose policy admits it, and the messages only
   * pass through (the queue behind it is encrypted).
   */
  readonly eventsTopic: Topic;
  private readonly fromAddress: string;
  /** The From domain, lower-cased as DNS and SES compare it. */
  private readonly domain: string;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.fromAddress = addressOf(props.from);
    this.domain = this.fromAddress.slice(this.fromAddress.lastIndexOf('@') + 1).toLowerCase();
    const domain = this.domain;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      // Subscribers' addresses and unsubscribe links never cross the internet in clear: a receiving
      // server that cannot do TLS gets no message rather than a plain-text copy.
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
    });
    this.eventsTopic = new Topic(this, 'EventsTopic', { enforceSSL: true });
    // Also adds the topic policy that lets SES publish, limited to this configuration set.
    this.configurationSet.addEventDestination('EventsToTopic', {
      destination: EventDestination.snsTopic(this.eventsTopic),
      events: [
        ...PUBLISHED_EVENTS.filter((event) => props.deliveryEvents === true || event !== EmailSendingEvent.DELIVERY),
        ...(props.engagementTracking ? ENGAGEMENT_EVENTS : []),
      ],
    });
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: Identity.domain(domain),
      configurationSet: this.configurationSet,
      dkimIdentity: DkimIdentity.easyDkim(EasyDkimSigningKeyLength.RSA_2048_BIT),
      mailFromDomain: props.mailFromDomain,
      // While the MX record is missing SES falls back to its own MAIL FROM domain: SPF then no
      // longer aligns, but DKIM still does and DMARC passes, so mail keeps flowing.
      mailFromBehaviorOnMxFailure: MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
    });
    this.eventsDeadLetterQueue = new Queue(this, 'EventsDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const region = Stack.of(this).region;
    const dkim = this.identity.dkimRecords.map(
      (record, i): DnsRecord => ({ id: `Dkim${i + 1}`, name: record.name, type: 'CNAME', value: record.value, purpose: `Easy DKIM key ${i + 1} of 3 for ${domain}` }),
    );
    this.dnsRecords = [
      ...dkim,
      { id: 'MailFromMx', name: props.mailFromDomain, type: 'MX', value: `10 feedback-smtp.${region}.amazonses.com`, purpose: 'MAIL FROM domain: where bounces go' },
      { id: 'MailFromSpf', name: props.mailFromDomain, type: 'TXT', value: 'v=spf1 include:amazonses.com ~all', purpose: 'SPF for the MAIL FROM domain, aligned with From' },
    ];
  }

  /**
   * Subscribes `queue` to the events with raw message delivery, so each SQS body is the SES JSON
   * itself rather than an SNS envelope (the subscription also grants SNS SendMessage on the queue).
   * An event SNS cannot deliver (the queue gone or refusing it) goes to `eventsDeadLetterQueue`
   * instead of being dropped after SNS's retries: it may be a bounce or complaint to act on.
   */
  deliverEventsTo(queue: IQueue): void {
    this.eventsTopic.addSubscription(new SqsSubscription(queue, { rawMessageDelivery: true, deadLetterQueue: this.eventsDeadLetterQueue }));
  }

  /**
   * Lets `grantee` send raw email from the configured sender only: SES authorizes SendRawEmail
   * against the sender's identity (address or domain) and the configuration set.
   */
  grantSendRawEmail(grantee: IGrantable): void {
    const stack = Stack.of(this);
    const identity = (name: string) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    const domain = this.domain;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [
          identity(domain),
          identity(this.fromAddress),
          stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }),
        ],
      }),
    );
  }

  /**
   * Lets `grantee` read the account's sending quota, which the send pacer paces by. GetSendQuota
   * has no resource-level permissions: IAM only accepts `*` for it.
   */
  grantReadSendQuota(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['ses:GetSendQuota'], resources: ['*'] }));
  }
}
