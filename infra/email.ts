import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { ConfigurationSet, EmailIdentity, Identity, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface EmailProps {
  /** The `From` header, e.g. `Pressroom <news@example.org>`. */
  from: string;
  /** When set, a domain identity is created for it (DKIM records to publish are in the console). */
  identityDomain?: string;
}

/**
 * SES for outgoing mail: a configuration set (reputation metrics, account suppression list for
 * bounces and complaints) and, optionally, the sending domain's identity.
 */
export class Email extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly identity?: EmailIdentity;
  private readonly fromAddress: string;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.fromAddress = addressOf(props.from);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    if (props.identityDomain) {
      this.identity = new EmailIdentity(this, 'Identity', {
        identity: Identity.domain(props.identityDomain),
        configurationSet: this.configurationSet,
      });
    }
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
}

/** `Name <a@b>` → `a@b`; a bare address is returned as is. */
function addressOf(from: string): string {
  const match = /<([^>]+)>/.exec(from);
  return (match ? match[1] : from).trim();
}
