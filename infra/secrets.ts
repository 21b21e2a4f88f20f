import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
// Defined beside the runtime code that refuses it, so no Lambda bundle imports CDK code for it.
import { SECRET_PLACEHOLDER } from '../functions/runtime/config';

/**
 * The one Secrets Manager secret, a JSON object with `webhookSecret`, `adminToken`, `signingKeys`,
 * `addressHashKey` and one token or webhook URL per configured social channel (each channel's `secret` in
 * functions/channels/: `mastodonAccessToken`, `blueskyAppPassword`, …).
 *
 * CloudFormation generates `adminToken`; the other keys start as placeholders that staff replace
 * after the first deploy (see infra/README.md). Secret values never appear in the template, and
 * later deploys leave whatever staff stored untouched.
 *
 * The template below is frozen: CloudFormation generates a whole new secret value whenever
 * `GenerateSecretString` changes (aws/aws-cdk#19985), which on a deployed stack would replace the
 * stored signing keys and `addressHashKey` with placeholders. So the other channels' keys are not
 * listed here; staff add the ones they use, and a configured channel whose key is absent (or still
 * `REPLACE_ME`) stops the functions with a message naming the key.
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

  /**
   * Lets a function read the secret's value, the one call the runtime makes (Powertools'
   * SecretsProvider: GetSecretValue). IAM grants a secret whole: every function that reads it reads
   * every key in it (README: "Secrets").
   */
  grantReadValue(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }));
  }
}
