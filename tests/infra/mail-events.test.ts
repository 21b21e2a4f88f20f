import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnTopic } from 'aws-cdk-lib/aws-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromContext, PressroomStack } from '../../infra/pressroom-stack';
import { exampleContext } from '../helpers/template';

/**
 * SES events reach the mail-events consumer: configuration set → event destination → SNS topic →
 * SQS subscription (raw delivery) → the mail-events queue the consumer reads.
 * Bundling is skipped (`aws:cdk:bundling-stacks`): these checks are about wiring, not code.
 */

type Resource = { Type: string; Properties: Record<string, any> };
let resources: Record<string, Resource>;
let mailEventsQueueId: string;
/** The SES events topic (the stack has others, e.g. the alarm topic). */
let topicId: string;
const outdir = mkdtempSync(join(tmpdir(), 'pressroom-mail-events-'));

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const refId = (value: any): string => value?.Ref ?? value?.['Fn::GetAtt']?.[0];
const only = (type: string) => {
  const found = ofType(type);
  expect(found, type).toHaveLength(1);
  return found[0];
};

beforeAll(() => {
  const app = new App({ outdir, context: { ...exampleContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new PressroomStack(app, 'MailEventsTest', { env: { region: 'us-east-1', account: '123456789012' }, config: configFromContext(app.node) });
  resources = Template.fromStack(stack).toJSON().Resources;
  const fnId = stack.getLogicalId(stack.functions.get('mail-events')!.node.defaultChild as CfnFunction);
  const [, mapping] = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) => refId(m.Properties.FunctionName) === fnId)!;
  mailEventsQueueId = refId(mapping.Properties.EventSourceArn);
  topicId = stack.getLogicalId(stack.node.findChild('Email').node.findChild('EventsTopic').node.defaultChild as CfnTopic);
  expect(resources[topicId]?.Type).toBe('AWS::SNS::Topic');
  // Skipping bundling still fingerprints each function's project folder, which takes a while.
}, 240_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('SES event publishing', () => {
  it('sends bounce, complaint, delivery-delay and reject events of the configuration set to one SNS topic (delivery events only when switched on)', () => {
    const [configSetId] = only('AWS::SES::ConfigurationSet');
    const [, destination] = only('AWS::SES::ConfigurationSetEventDestination');
    expect(refId(destination.Properties.ConfigurationSetName)).toBe(configSetId);
    const { EventDestination } = destination.Properties;
    expect(EventDestination.Enabled).toBe(true);
    expect([...EventDestination.MatchingEventTypes].sort()).toEqual(['bounce', 'complaint', 'deliveryDelay', 'reject']);
    expect(refId(EventDestination.SnsDestination.TopicARN)).toBe(topicId);
  });

  it('lets only SES, for this configuration set, publish to the topic, and only over TLS', () => {
    const policies = ofType('AWS::SNS::TopicPolicy').filter(([, p]) => p.Properties.Topics.some((t: any) => refId(t) === topicId));
    expect(policies).toHaveLength(1);
    const [, policy] = policies[0];
    expect(policy.Properties.Topics.map(refId)).toEqual([topicId]);
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    const ses = statements.find((s) => s.Principal?.Service === 'ses.amazonaws.com');
    expect(ses).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish' });
    expect(ses.Condition.StringEquals['AWS:SourceAccount']).toBe('123456789012');
    expect(JSON.stringify(ses.Condition.StringEquals['AWS:SourceArn'])).toContain('configuration-set/');
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('subscribes the mail-events queue to the topic with raw message delivery', () => {
    const subscriptions = ofType('AWS::SNS::Subscription').filter(([, sub]) => refId(sub.Properties.TopicArn) === topicId);
    expect(subscriptions).toHaveLength(1);
    const [, subscription] = subscriptions[0];
    expect(subscription.Properties).toMatchObject({ Protocol: 'sqs', RawMessageDelivery: true });
    expect(refId(subscription.Properties.TopicArn)).toBe(topicId);
    expect(refId(subscription.Properties.Endpoint)).toBe(mailEventsQueueId);
  });

  it('parks events SNS cannot deliver in the subscription\'s own encrypted DLQ, which only the topic may fill, with an alarm', () => {
    const [, subscription] = ofType('AWS::SNS::Subscription').find(([, sub]) => refId(sub.Properties.TopicArn) === topicId)!;
    const dlqId = refId(subscription.Properties.RedrivePolicy.deadLetterTargetArn);
    expect(dlqId).not.toBe(mailEventsQueueId);
    expect(resources[dlqId]).toMatchObject({ Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 } });
    // Not one of the consumers' DLQs: no queue redrives into it.
    expect(ofType('AWS::SQS::Queue').filter(([, q]) => refId(q.Properties.RedrivePolicy?.deadLetterTargetArn) === dlqId)).toHaveLength(0);

    const statements = ofType('AWS::SQS::QueuePolicy')
      .filter(([, p]) => p.Properties.Queues.some((q: any) => refId(q) === dlqId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    const fromSns = statements.filter((s) => s.Principal?.Service === 'sns.amazonaws.com');
    expect(fromSns).toHaveLength(1);
    expect(fromSns[0]).toMatchObject({ Effect: 'Allow', Action: 'sqs:SendMessage' });
    expect(refId(fromSns[0].Condition.ArnEquals['aws:SourceArn'])).toBe(topicId);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));

    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.Dimensions?.some((d: any) => refId(d.Value) === dlqId));
    expect(alarms).toHaveLength(1);
    expect(alarms[0][1].Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(alarms[0][1].Properties.AlarmActions).toHaveLength(1);
  });

  it('lets the topic, and only it, send to the mail-events queue', () => {
    const policies = ofType('AWS::SQS::QueuePolicy').filter(([, p]) => p.Properties.Queues.some((q: any) => refId(q) === mailEventsQueueId));
    const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    const fromSns = statements.filter((s) => s.Principal?.Service === 'sns.amazonaws.com');
    expect(fromSns).toHaveLength(1);
    expect(fromSns[0]).toMatchObject({ Effect: 'Allow', Action: 'sqs:SendMessage' });
    expect(refId(fromSns[0].Condition.ArnEquals['aws:SourceArn'])).toBe(topicId);
  });
});

/** The event destination's event types and the functions' value of `variable`, synthesised with `context` added. */
function synthWith(context: Record<string, string>, variable: string) {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'pressroom-events-')), context: { ...exampleContext(), 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new PressroomStack(app, 'EventsTest', { env: { region: 'us-east-1', account: '123456789012' }, config: configFromContext(app.node) });
  const template = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  const [destination] = Object.values(template).filter((r) => r.Type === 'AWS::SES::ConfigurationSetEventDestination');
  const variables = Object.values(template).filter((r) => r.Type === 'AWS::Lambda::Function').map((r) => r.Properties.Environment.Variables[variable]);
  return { events: [...destination.Properties.EventDestination.MatchingEventTypes].sort(), variables: [...new Set(variables)] };
}

describe('engagement tracking (context engagementTracking)', () => {
  const synth = (engagementTracking?: string) => synthWith(engagementTracking === undefined ? {} : { engagementTracking }, 'PRESSROOM_ENGAGEMENT_TRACKING');

  it('is off unless switched on: no open or click events, and the functions are told', () => {
    expect(synth().events).not.toContain('open');
    expect(synth().variables).toEqual([undefined]);
    const on = synth('true');
    expect(on.events).toEqual(['bounce', 'click', 'complaint', 'deliveryDelay', 'open', 'reject']);
    expect(on.variables).toEqual(['true']);
  });

  it('refuses a value that is not true or false', () => {
    expect(() => synth('yes')).toThrow('engagementTracking must be true or false, got "yes"');
  });
});

describe('delivery events (context deliveryEvents)', () => {
  const synth = (deliveryEvents?: string) => synthWith(deliveryEvents === undefined ? {} : { deliveryEvents }, 'PRESSROOM_DELIVERY_EVENTS');

  it('are not published unless switched on (they would double what Pressroom adds per email); on, SES publishes them and the functions are told', () => {
    expect(synth().events).toEqual(['bounce', 'complaint', 'deliveryDelay', 'reject']);
    expect(synth().variables).toEqual([undefined]);
    expect(synth('false').events).toEqual(['bounce', 'complaint', 'deliveryDelay', 'reject']);
    const on = synth('true');
    expect(on.events).toEqual(['bounce', 'complaint', 'delivery', 'deliveryDelay', 'reject']);
    expect(on.variables).toEqual(['true']);
  });

  it('refuses a value that is not true or false', () => {
    expect(() => synth('no')).toThrow('deliveryEvents must be true or false, got "no"');
  });
});
