import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterEnvNames } from '../../functions/runtime/config';
import { MAX_RECEIVE_COUNT, queueConsumers } from '../../functions/runtime/routes';
import { configFromContext, PressroomStack } from '../../infra/pressroom-stack';
import { exampleContext } from '../helpers/template';

/**
 * Dead letters in CDK: every queue's redrive policy uses MAX_RECEIVE_COUNT (which the send worker
 * also gets), and only the admin-queues function can see the DLQs and start move tasks back to the
 * source queues. Bundling is skipped: these checks are about wiring, not code.
 */
type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Action: string | string[]; Resource: any; Effect: string };

let stack: PressroomStack;
let resources: Record<string, Resource>;
const outdir = mkdtempSync(join(tmpdir(), 'pressroom-dead-letters-'));

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const refId = (value: any): string => value?.Ref ?? value?.['Fn::GetAtt']?.[0];
const functionOf = (handler: string) => {
  const id = stack.getLogicalId(stack.functions.get(handler)!.node.defaultChild as CfnFunction);
  return { id, fn: resources[id] };
};
const statementsOf = (handler: string): Statement[] => {
  const roleId = refId(functionOf(handler).fn.Properties.Role);
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => refId(r) === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
};
/** Logical ids of the resources a statement names (ARNs come as GetAtt). */
const resourceIds = (s: Statement) => [s.Resource].flat().map(refId);
/** The work queue and DLQ logical ids, by queue name, from the redrive policies. */
const queuesByName = () => {
  const eventSources = ofType('AWS::Lambda::EventSourceMapping');
  return new Map(
    queueConsumers.map(({ queue, handler }) => {
      const fnId = functionOf(handler).id;
      const [, mapping] = eventSources.find(([, m]) => refId(m.Properties.FunctionName) === fnId)!;
      const queueId = refId(mapping.Properties.EventSourceArn);
      const dlqId = refId(resources[queueId].Properties.RedrivePolicy.deadLetterTargetArn);
      return [queue, { queueId, dlqId }];
    }),
  );
};

beforeAll(() => {
  const app = new App({ outdir, context: { ...exampleContext(), 'aws:cdk:bundling-stacks': [] } });
  stack = new PressroomStack(app, 'DeadLettersTest', { env: { region: 'us-east-1', account: '123456789012' }, config: configFromContext(app.node) });
  resources = Template.fromStack(stack).toJSON().Resources;
}, 240_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('dead-letter queues in the stack', () => {
  it('every work queue dead-letters after MAX_RECEIVE_COUNT receives, and the send worker is told the same number', () => {
    const queues = queuesByName();
    for (const { queueId } of queues.values()) expect(resources[queueId].Properties.RedrivePolicy.maxReceiveCount).toBe(MAX_RECEIVE_COUNT);
    expect(functionOf('send-email').fn.Properties.Environment.Variables.PRESSROOM_MAX_RECEIVE_COUNT).toBe(String(MAX_RECEIVE_COUNT));
  });

  it('GET /admin/queues and POST /admin/queues/{queue}/redrive are routed to the admin-queues function', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(routes).toEqual(expect.arrayContaining(['GET /admin/queues', 'POST /admin/queues/{queue}/redrive']));
  });

  it('the admin-queues function has each DLQ URL and ARN and its source queue ARN in its environment', () => {
    const variables = functionOf('admin-queues').fn.Properties.Environment.Variables;
    for (const [name, { queueId, dlqId }] of queuesByName()) {
      const env = deadLetterEnvNames(name);
      expect(refId(variables[env.url])).toBe(dlqId);
      expect(variables[env.arn]).toEqual({ 'Fn::GetAtt': [dlqId, 'Arn'] });
      expect(variables[env.sourceArn]).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    }
    // Other functions do not learn where the DLQs are.
    expect(functionOf('send-email').fn.Properties.Environment.Variables[deadLetterEnvNames('send').url]).toBeUndefined();
  });

  it('the admin-queues role may start move tasks and read, receive and delete on the DLQs, and send to the source queues only', () => {
    const queues = [...queuesByName().values()];
    const statements = statementsOf('admin-queues');
    const onDlqs = statements.find((s) => [s.Action].flat().includes('sqs:StartMessageMoveTask'))!;
    expect([onDlqs.Action].flat().sort()).toEqual(['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:StartMessageMoveTask']);
    expect(resourceIds(onDlqs).sort()).toEqual(queues.map((q) => q.dlqId).sort());
    const send = statements.find((s) => [s.Action].flat().includes('sqs:SendMessage'))!;
    expect(resourceIds(send).sort()).toEqual(queues.map((q) => q.queueId).sort());
    // Every SQS grant is scoped to named queues (X-Ray's tracing grant is the only `*`).
    const sqsStatements = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')));
    expect(sqsStatements.flatMap((s) => [s.Resource].flat())).not.toContain('*');
  });

  it('no other function may start move tasks but the console\'s dead-letters page, which declares it too', () => {
    for (const handler of stack.functions.keys()) {
      if (handler === 'admin-queues' || handler === 'console-audience') continue;
      expect(statementsOf(handler).flatMap((s) => [s.Action].flat())).not.toContain('sqs:StartMessageMoveTask');
    }
  });

  it('the fan-out function may queue its own continuation', () => {
    const fanOutQueueId = queuesByName().get('fan-out')!.queueId;
    const sends = statementsOf('fan-out').filter((s) => [s.Action].flat().includes('sqs:SendMessage'));
    expect(sends.flatMap(resourceIds)).toContain(fanOutQueueId);
  });
});
