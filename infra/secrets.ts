import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Stands in for a real value until staff set one; each consumer rejects it instead of running with it. */
export const SECRET_PLACEHOLDER = 'REPLACE_ME';

/**
 * The one Secrets Manager secret, a JSON object with `webhookSecret`, `adminToken`, `signingKeys`,
 * `addressHashKey` and `mastodonAccessToken`.
 *
 * CloudFormation generates `adminToken`; the other keys start as placeholders that staff replace
 * after the first deploy (see infra/README.md). Secret values never appear in the template, and
 * later deploys leave whatever staff stored untouched.
 */
export class Secrets extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'Pressroom: webhook secret, admin token, link signing keys, social tokens (JSON)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          webhookSecret: SECRET_PLACEHOLDER,
          signingKeys: SECRET_PLACEHOLDER,
          addressHashKey: SECRET_PLACEHOLDER,
          mastodonAccessToken: SECRET_PLACEHOLDER,
        }),
        generateStringKey: 'adminToken',
        passwordLength: 48,
        excludePunctuation: true,
      },
      // The signing keys verify links already sitting in inboxes; losing them breaks every unsubscribe link.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
