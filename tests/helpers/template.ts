import { readFileSync } from 'node:fs';
import type { CfnResource, Stack } from 'aws-cdk-lib';
import type { Messaging } from '../../infra/messaging';

/**
 * Resolves the CloudFormation intrinsics a synthesized Pressroom template uses (Ref, Fn::GetAtt,
 * Fn::Join, Fn::Select, Fn::Split, Fn::Sub and the pseudo parameters) to concrete values, given
 * what each resource's Ref and attributes stand for. Tests use it to read a function's policies
 * and environment as they would be on a deployed stack, named after local resources.
 */
export interface IntrinsicValues {
  /** What `{ Ref: id }` stands for. */
  ref(id: string): string;
  /** What `{ 'Fn::GetAtt': [id, attribute] }` stands for. */
  att(id: string, attribute: string): string;
  pseudo: { partition: string; region: string; account: string };
}

export function resolveIntrinsics(value: unknown, values: IntrinsicValues): any {
  const pseudo: Record<string, string> = {
    'AWS::Partition': values.pseudo.partition,
    'AWS::Region': values.pseudo.region,
    'AWS::AccountId': values.pseudo.account,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const resolve = (v: any): any => {
    if (Array.isArray(v)) return v.map(resolve);
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const [key] = keys;
      const arg = v[key];
      if (key === 'Ref') return pseudo[arg] ?? values.ref(arg);
      if (key === 'Fn::GetAtt') {
        const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        return values.att(id, attribute);
      }
      if (key === 'Fn::Join') return (resolve(arg[1]) as string[]).join(arg[0]);
      if (key === 'Fn::Select') return (resolve(arg[1]) as string[])[Number(resolve(arg[0]))];
      if (key === 'Fn::Split') return String(resolve(arg[1])).split(arg[0]);
      if (key === 'Fn::Sub') {
        const [text, vars] = typeof arg === 'string' ? [arg, {}] : [arg[0], resolve(arg[1])];
        return (text as string).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (name in vars) return vars[name];
          if (pseudo[name]) return pseudo[name];
          const [id, attribute] = name.split('.');
          return attribute ? values.att(id, attribute) : values.ref(id);
        });
      }
    }
    return Object.fromEntries(keys.map((k) => [k, resolve(v[k])]));
  };
  return resolve(value);
}

/** The CDK context cdk.json gives the app (the defaults a deploy starts from). */
export function cdkContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;
}

/**
 * The context a deploy must add to cdk.json's, which has no default for it: example values, the
 * same that `npm run synth` passes (tests/infra/stack.test.ts checks they agree).
 */
export const EXAMPLE_CONTEXT = { from: 'Pressroom <news@example.org>', postalAddress: 'Example Org, 1 Example Street, Springfield, USA' } as const;

/** cdk.json's context with the example values of the required keys: what `npm run synth` synthesizes. */
export function exampleContext(): Record<string, unknown> {
  return { ...cdkContext(), ...EXAMPLE_CONTEXT };
}

/** The template's logical id of a construct's resource. */
export const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as CfnResource);

/**
 * Each SQS queue of the stack, by logical id, named as the local SQS endpoint names it: the work
 * queue by its name in function-specs.ts (`send`), its dead-letter queue with `-dlq` (`send-dlq`).
 */
export function queueNamesOf(stack: Stack): Map<string, string> {
  const messaging = stack.node.findChild('Messaging') as Messaging;
  const names = new Map<string, string>();
  for (const [name, queue] of messaging.queues) names.set(logicalIdOf(stack, queue), name);
  for (const [name, queue] of messaging.deadLetterQueues) names.set(logicalIdOf(stack, queue), `${name}-dlq`);
  return names;
}
