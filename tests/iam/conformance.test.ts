import { beforeAll, describe, expect, it } from 'vitest';
import type { AwsCall } from '../../functions/local/aws-call-recorder';
import { functionNames, functionSpecs, QUEUE_NAMES, type FunctionSpec } from '../../functions/runtime/function-specs';
import { queueConsumers } from '../../functions/runtime/routes';
import { deniedCalls, describeCalls, distinctCalls, grantedActions, readRecordedCalls } from './evaluate';
import { policiesOf, synthStackPolicies, type StackPolicies } from './stack-policies';

/**
 * IAM conformance: every AWS call a handler made while the rest of the suite ran (recorded by
 * functions/local/aws-call-recorder.ts into PRESSROOM_AWS_CALL_LOG, see vitest.config.mts) must be
 * allowed by that function's own policies in the synthesized template. This project runs after
 * all the others (sequence.groupOrder), so every recording is in when it starts.
 *
 * Calls no local flow can make get a representative case below: what the AWS wiring and the Lambda
 * service do on a function's behalf.
 */
const callLog = process.env.PRESSROOM_AWS_CALL_LOG;
let stack: StackPolicies;
let recorded: AwsCall[];

/** The From domain the stack verifies (cdk.json's `from`), which the local runner sends from too. */
const FROM_DOMAIN = 'example.org';

/** Calls made on AWS that the local runtime cannot make, per function. */
function representativeCalls({ arns }: StackPolicies): AwsCall[] {
  const calls: AwsCall[] = [];
  for (const fn of functionNames) {
    const spec: FunctionSpec = functionSpecs[fn];
    // Cold start (runtime/aws.ts): the secret is read through Secrets Manager (locally the runner
    // generates development keys), and a function that may write seeds the configured lists (and,
    // if it signs staff in, the first staff).
    calls.push({ fn, action: 'secretsmanager:GetSecretValue', resource: arns.secret });
    if (spec.table === 'read-write') {
      calls.push({ fn, action: 'dynamodb:PutItem', resource: arns.table });
    }
    // The Lambda event source mapping polls with the function's own role.
    if (spec.queue) {
      for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes']) {
        calls.push({ fn, action, resource: arns.queue(spec.queue) });
      }
    }
    // Staff's redrive (adapters/sqs/dead-letter-queues.ts) on AWS: depth, then a message move task,
    // which runs with the caller's permissions on the DLQ and the queue it moves to.
    if (spec.redrivesDeadLetters) {
      for (const queue of QUEUE_NAMES) {
        for (const action of ['sqs:GetQueueAttributes', 'sqs:StartMessageMoveTask', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']) {
          calls.push({ fn, action, resource: arns.deadLetterQueue(queue) });
        }
        calls.push({ fn, action: 'sqs:SendMessage', resource: arns.queue(queue) });
      }
    }
  }
  return calls;
}

beforeAll(() => {
  stack = synthStackPolicies();
  recorded = callLog ? readRecordedCalls(callLog) : [];
}, 120_000);

describe('IAM conformance', () => {
  it('has recorded calls from the suite for every function', () => {
    // A function nothing in the suite invokes is a function whose policy nothing checks.
    const seen = new Set(recorded.map((call) => call.fn));
    const unseen = functionNames.filter((fn) => !seen.has(fn));
    expect(unseen, `no recorded AWS calls for: ${unseen.join(', ')} (run the whole suite: npm test; PRESSROOM_AWS_CALL_LOG=${callLog})`).toEqual([]);
  });

  it('allows every recorded call under the policies of the function that made it', async () => {
    const calls = distinctCalls(recorded);
    const denied = await deniedCalls(calls, stack.byFunction);
    expect(denied, `calls the deployed stack would deny:\n${describeCalls(denied)}`).toEqual([]);
  }, 120_000);

  it('allows the calls each function makes on AWS that no local flow makes', async () => {
    const denied = await deniedCalls(distinctCalls(representativeCalls(stack)), stack.byFunction);
    expect(denied, `representative calls the deployed stack would deny:\n${describeCalls(denied)}`).toEqual([]);
  }, 120_000);

  it('sends from the domain the stack grants', () => {
    const sends = recorded.filter((call) => call.action === 'ses:SendRawEmail' && call.resource.includes(':identity/'));
    expect(sends.length).toBeGreaterThan(0);
    for (const call of sends) expect(call.resource).toBe(stack.arns.identity(FROM_DOMAIN));
  });

  it('says which granted actions no call used', () => {
    const used = new Map<string, Set<string>>();
    for (const call of [...recorded, ...representativeCalls(stack)]) {
      if (!used.has(call.fn)) used.set(call.fn, new Set());
      used.get(call.fn)!.add(call.action);
    }
    const lines = functionNames.map((fn) => {
      const unused = grantedActions(stack.byFunction.get(fn) ?? []).filter((action) => !used.get(fn)?.has(action));
      return `  ${fn}: ${unused.length ? unused.join(', ') : '(none)'}`;
    });
    console.info(`IAM: granted actions no recorded or representative call used, per function\n${lines.join('\n')}`);
    // The consumers' actions come from the event source mapping: each consumer must be granted receive on its own queue.
    for (const { handler } of queueConsumers) expect(grantedActions(stack.byFunction.get(handler) ?? [])).toContain('sqs:ReceiveMessage');
  });
});

describe('IAM conformance, on a template with one grant removed', () => {
  it('names the function, the action and the resource of each call that grant allowed', async () => {
    // Take GetSendQuota away from the send worker, as the stack once did.
    const template = structuredClone(stack.template);
    let removed = 0;
    for (const resource of Object.values(template.Resources as Record<string, any>)) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      for (const statement of resource.Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat();
        if (actions.includes('ses:GetSendQuota')) {
          statement.Action = actions.filter((a: string) => a !== 'ses:GetSendQuota');
          if (statement.Action.length === 0) statement.Action = ['ses:ListIdentities'];
          removed++;
        }
      }
    }
    expect(removed).toBeGreaterThan(0);
    const withoutQuota = policiesOf(stack.stack, template);
    const call: AwsCall = { fn: 'send-email', action: 'ses:GetSendQuota', resource: '*' };
    const denied = await deniedCalls([call], withoutQuota.byFunction);
    expect(describeCalls(denied)).toBe('  send-email: ses:GetSendQuota on * (ImplicitlyDenied)');
    expect(await deniedCalls([call], stack.byFunction)).toEqual([]);
  });
});

