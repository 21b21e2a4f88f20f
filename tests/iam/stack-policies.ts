import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RECORDED_ARN_NAMING } from '../../functions/local/aws-call-recorder';
import { functionNames } from '../../functions/runtime/function-specs';
import { configFromContext, PressroomStack } from '../../infra/pressroom-stack';
import { exampleContext, logicalIdOf, queueNamesOf, resolveIntrinsics } from '../helpers/template';

/**
 * The IAM policies of every function as the synthesized template grants them, with every intrinsic
 * (Ref, Fn::GetAtt, Fn::Join, Fn::Sub…) resolved to the names the local runner's resources carry
 * on AWS: the table `pressroom`, the queues by their routes.ts names (dead-letter queues with a
 * `-dlq` suffix), the secret `pressroom`, the configuration set `pressroom`, in the account and
 * region of {@link RECORDED_ARN_NAMING}. Recorded calls name the same resources, so a policy and a
 * call can be compared as IAM compares them.
 */
export interface PolicyDocument {
  Version?: string;
  Statement: Array<{ Effect: string; Action?: string | string[]; NotAction?: string | string[]; Resource?: string | string[]; Condition?: unknown }>;
}

export interface StackPolicies {
  /** Each function's identity policies, by function name. */
  byFunction: Map<string, PolicyDocument[]>;
  /** Resource names used when resolving, for building representative calls. */
  arns: { table: string; secret: string; queue: (name: string) => string; deadLetterQueue: (name: string) => string; identity: (domain: string) => string; configurationSet: string };
  /** The raw template, for a test that removes a grant (read it again with {@link policiesOf}). */
  template: Record<string, any>;
  stack: PressroomStack;
}

const { partition, region, account } = RECORDED_ARN_NAMING;
export const LOCAL_NAMES = { table: 'pressroom', secret: 'pressroom', configurationSet: 'pressroom', filesBucket: 'pressroom-files' } as const;
const arn = (service: string, resource: string) => `arn:${partition}:${service}:${region}:${account}:${resource}`;

/** Synthesizes the stack with cdk.json's context and the example `from` and `postalAddress` (no bundling) and reads every function's policies. */
export function synthStackPolicies(context: Record<string, unknown> = {}): StackPolicies {
  const outdir = mkdtempSync(join(tmpdir(), 'pressroom-iam-'));
  try {
    const app = new App({ outdir, context: { ...exampleContext(), ...context, 'aws:cdk:bundling-stacks': [] } });
    const stack = new PressroomStack(app, 'PressroomIam', { env: { region, account }, config: configFromContext(app.node) });
    const template = Template.fromStack(stack).toJSON() as Record<string, any>;
    return { ...policiesOf(stack, template), template, stack };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Reads every function's policies from `template` (which may be a modified copy of the stack's own). */
export function policiesOf(stack: PressroomStack, template: Record<string, any>): Omit<StackPolicies, 'template' | 'stack'> {
  const resources = template.Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
  const queueNames = queueNamesOf(stack);

  const refOf = (id: string): string => {
    const resource = resources[id];
    switch (resource?.Type) {
      case 'AWS::DynamoDB::Table':
        return LOCAL_NAMES.table;
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${queueNames.get(id) ?? id}`;
      case 'AWS::SecretsManager::Secret':
        return arn('secretsmanager', `secret:${LOCAL_NAMES.secret}`);
      case 'AWS::SES::ConfigurationSet':
        return LOCAL_NAMES.configurationSet;
      case 'AWS::S3::Bucket':
        return LOCAL_NAMES.filesBucket;
      default:
        return id;
    }
  };
  const attOf = (id: string, attribute: string): string => {
    const resource = resources[id];
    if (attribute !== 'Arn') return `${id}.${attribute}`;
    switch (resource?.Type) {
      case 'AWS::DynamoDB::Table':
        return arn('dynamodb', `table/${LOCAL_NAMES.table}`);
      case 'AWS::SQS::Queue':
        return arn('sqs', queueNames.get(id) ?? id);
      case 'AWS::SecretsManager::Secret':
        return refOf(id);
      case 'AWS::S3::Bucket':
        return `arn:${partition}:s3:::${LOCAL_NAMES.filesBucket}`;
      default:
        return arn('unknown', id);
    }
  };
  const resolve = (value: unknown) => resolveIntrinsics(value, { ref: refOf, att: attOf, pseudo: { partition, region, account } });

  const byFunction = new Map<string, PolicyDocument[]>();
  for (const name of functionNames) {
    const fn = stack.functions.get(name);
    if (!fn) throw new Error(`The stack built no function for "${name}"`);
    const roleId = logicalIdOf(stack, fn.role as unknown as { node: { defaultChild?: unknown } });
    const documents = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as any[]).some((role) => role?.Ref === roleId))
      .map((r) => resolve(r.Properties.PolicyDocument) as PolicyDocument);
    byFunction.set(name, documents);
  }
  return {
    byFunction,
    arns: {
      table: arn('dynamodb', `table/${LOCAL_NAMES.table}`),
      secret: arn('secretsmanager', `secret:${LOCAL_NAMES.secret}`),
      queue: (name) => arn('sqs', name),
      deadLetterQueue: (name) => arn('sqs', `${name}-dlq`),
      identity: (domain) => arn('ses', `identity/${domain}`),
      configurationSet: arn('ses', `configuration-set/${LOCAL_NAMES.configurationSet}`),
    },
  };
}
