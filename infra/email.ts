import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { ConfigurationSet, EmailIdentity, EmailSendingEvent, EventDestination, Identity, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface EmailProps {
  /** The `From` header, e.g. `Pressroom <news@example.org>`. */
  from: string;
  /** When set, a domain identity is created for it (DKIM records to publish are in the console). */
  identityDomain?: string;
}

/** What SES publishes for Pressroom to act on (functions/handlers/mail-events.ts); opens and clicks stay off. */
export const PUBLISHED_EVENTS = [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT, EmailSendingEvent.DELIVERY, EmailSendingEvent.REJECT];

/**
 * SES for outgoing mail: a configuration set (reputation metrics, account suppression list for
 * bounces and complaints) whose bounce, complaint, delivery and reject events go to an SNS topic,
 * and, optionally, the sending domain's identity.
 */
export class Email extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly identity?: EmailIdentity;
  /**
   * Receives the configuration set's events. Not KMS-encrypted: SES can only publish to an
   * encrypted topic through a customer managed key whose policy admits it, and the messages only
   * pass through (the queue behind it is encrypted).
   */
  readonly eventsTopic: Topic;
  private readonly fromAddress: string;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.fromAddress = addressOf(props.from);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.eventsTopic = new Topic(this, 'EventsTopic', { enforceSSL: true });
    // Also adds the topic policy that lets SES publish, limited to this configuration set.
    this.configurationSet.addEventDestination('EventsToTopic', {
      destination: EventDestination.snsTopic(this.eventsTopic),
      events: PUBLISHED_EVENTS,
    });
    if (props.identityDomain) {
      this.identity = new EmailIdentity(this, 'Identity', {
        identity: Identity.domain(props.identityDomain),
        configurationSet: this.configurationSet,
      });
    }
  }

  /**
   * Subscribes `queue` to the events with raw message delivery, so each SQS body is the SES JSON
   * itself rather than an SNS envelope (the subscription also grants SNS SendMessage on the queue).
   */
  deliverEventsTo(queue: IQueue): void {
    this.eventsTopic.addSubscription(new SqsSubscription(queue, { rawMessageDelivery: true }));
  }

  /**
   * Lets `grantee` send raw email from the configured sender only: SES authorizes SendRawEmail
   * against the sender's identity (address or domain) and the configuration set.
   */
  grantSendRawEmail(grantee: IGrantable): void {
    const stack = Stack.of(this);
    const identity = (name: string) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    const domain = this.fromAddress.slice(this.fromAddress.lastIndexOf('@') + 1);
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

/** `Name <a@b>` → `a@b`; a bare address is returned as is. */
function addressOf(from: string): string {
  const match = /<([^>]+)>/.exec(from);
  return (match ? match[1] : from).trim();
}
