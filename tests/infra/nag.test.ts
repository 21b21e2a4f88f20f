import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromContext, PressroomStack } from '../../infra/pressroom-stack';
import { nagPacks } from '../../infra/nag';
import { exampleContext } from '../helpers/template';

/**
 * cdk-nag's AWS Solutions and Serverless packs over the synthesized stack (bundling skipped), in
 * the example configuration and with every optional part on (hosted zone, public domain and its
 * certificate, alarm email). A finding is either fixed or acknowledged in infra/nag.ts with its
 * reason; this suite fails on any other, naming the rule and the construct.
 */
const outRoot = mkdtempSync(join(tmpdir(), 'pressroom-nag-'));
let apps = 0;
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

const CONFIGURATIONS: Record<string, Record<string, unknown>> = {
  'the example configuration': {},
  'every optional part on': {
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    hostedZoneName: 'example.org',
    publicDomain: 'news.example.org',
    alarmEmail: 'ops@example.org',
    dmarcReportEmail: 'dmarc-reports@example.org',
    socialChannels: 'mastodon',
  },
};

function synth(overrides: Record<string, unknown>, withPlugins = false) {
  const app = new App({ outdir: join(outRoot, `app-${apps++}`), context: { ...exampleContext(), ...overrides, 'aws:cdk:bundling-stacks': [] } });
  const stack = new PressroomStack(app, 'PressroomNag', { env: { region: 'us-east-1' }, config: configFromContext(app.node) });
  if (withPlugins) Validations.of(app).addPlugins(...nagPacks());
  return { app, stack };
}

describe.each(Object.entries(CONFIGURATIONS))('cdk-nag, %s', (_, overrides) => {
  it('reports no unacknowledged error or warning from the AWS Solutions and Serverless packs', () => {
    const { app, stack } = synth(overrides);
    app.synth();
    const findings = nagPacks().flatMap((pack) =>
      pack.validateScope(stack).violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}: ${v.description}`)),
    );
    expect(findings).toEqual([]);
    // Nor has CDK itself annotated anything (a deprecated API, a setting it had to ignore).
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  }, 120_000);
});

describe('acknowledgements', () => {
  it('are made on resources, not on the whole stack, each with a reason', () => {
    const { stack } = synth({});
    const key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;
    expect(stack.node.metadata.filter((m) => m.type === key)).toEqual([]);
    const acknowledged = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === key).flatMap((m) => Object.entries(m.data as Record<string, string>)));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
  }, 120_000);
});

describe('the synth gate (infra/app.ts)', () => {
  it('lets the stack through and stops an app with a finding nobody acknowledged', () => {
    const { app } = synth({}, true);
    expect(() => app.synth()).not.toThrow();

    const bad = new App({ outdir: join(outRoot, `app-${apps++}`) });
    // A queue without TLS enforcement or a dead-letter queue: several rules of both packs.
    new Queue(new Stack(bad, 'Bad'), 'Queue');
    Validations.of(bad).addPlugins(...nagPacks());
    expect(() => bad.synth()).toThrow(/AwsSolutions-SQS4/);
  }, 120_000);
});
