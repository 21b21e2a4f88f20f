import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dmarcRecord } from '../../infra/dns';
import { configFromContext, PressroomStack } from '../../infra/pressroom-stack';
import { exampleContext, resolveIntrinsics } from '../helpers/template';

/**
 * The sending domain, set up for the Gmail and Yahoo bulk-sender rules (SPF and DKIM aligned with
 * From, DMARC published), and links on the organisation's own domain: three stacks synthesized
 * from context (bundling skipped) — the example context alone, with a Route 53 zone and a public
 * domain validated there, and with a public domain whose certificate is given by ARN.
 */
type Resource = { Type: string; Properties: Record<string, any> };
type Synthesized = { stack: PressroomStack; resources: Record<string, Resource>; outputs: Record<string, { Value: unknown; Description?: string }> };

const outRoot = mkdtempSync(join(tmpdir(), 'pressroom-sending-domain-'));
let apps = 0;
const ZONE = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.org' };
const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/0b9f5a7c-1111-2222-3333-444455556666';

function synth(context: Record<string, unknown>, region = 'us-east-1'): Synthesized {
  const app = new App({ outdir: join(outRoot, `app-${apps++}`), context: { ...exampleContext(), ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new PressroomStack(app, `SendingDomain${apps}`, { env: { region, account: '123456789012' }, config: configFromContext(app.node) });
  const json = Template.fromStack(stack).toJSON();
  return { stack, resources: json.Resources, outputs: json.Outputs };
}
const configWith = (context: Record<string, unknown>) => configFromContext(new App({ context: { ...exampleContext(), ...context } }).node);

const ofType = ({ resources }: Synthesized, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const only = (s: Synthesized, type: string) => {
  const found = ofType(s, type);
  expect(found, type).toHaveLength(1);
  return found[0];
};
const refId = (value: any): string => value?.Ref ?? value?.['Fn::GetAtt']?.[0];
/** An output's value with a resource's attributes shown as `<logicalId.Attribute>` and refs as `<logicalId>`. */
const shown = (value: unknown) =>
  resolveIntrinsics(value, { ref: (id) => `<${id}>`, att: (id, attribute) => `<${id}.${attribute}>`, pseudo: { partition: 'aws', region: 'us-east-1', account: '123456789012' } }) as string;
/** The Dns* outputs: the records to publish, by output key. */
const dnsOutputs = (s: Synthesized) => Object.fromEntries(Object.entries(s.outputs).filter(([key]) => key.startsWith('Dns')).map(([key, o]) => [key, shown(o.Value)]));

let plain: Synthesized;
let zoned: Synthesized;
let byArn: Synthesized;

beforeAll(() => {
  plain = synth({});
  zoned = synth({
    ...ZONE,
    from: 'Example News <News@Example.org>',
    sesIdentityDomain: 'example.org',
    mailFromSubdomain: 'bounce',
    dmarcPolicy: 'quarantine',
    dmarcReportEmail: 'dmarc-reports@example.org',
    publicDomain: 'news.example.org',
  });
  byArn = synth({ publicDomain: 'news.example.org', certificateArn: CERTIFICATE_ARN, dmarcPolicy: 'unmanaged' }, 'eu-west-1');
}, 240_000);

afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

describe('the SES identity', () => {
  it('is the From domain, with Easy DKIM (2048-bit keys) and the custom MAIL FROM domain, in the configuration set', () => {
    const [, identity] = only(plain, 'AWS::SES::EmailIdentity');
    const [configSetId] = only(plain, 'AWS::SES::ConfigurationSet');
    expect(identity.Properties).toEqual({
      EmailIdentity: 'example.org',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: configSetId } },
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      MailFromAttributes: { MailFromDomain: 'mail.example.org', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
    });
    expect(shown(plain.outputs.SesIdentity.Value)).toBe(`<${only(plain, 'AWS::SES::EmailIdentity')[0]}>`);
  });

  it('follows the From address (lower-cased) and the configured MAIL FROM subdomain', () => {
    const [, identity] = only(zoned, 'AWS::SES::EmailIdentity');
    expect(identity.Properties).toMatchObject({ EmailIdentity: 'example.org', MailFromAttributes: { MailFromDomain: 'bounce.example.org' } });
  });

  it('refuses an sesIdentityDomain other than the From domain, naming both', () => {
    expect(() => configWith({ sesIdentityDomain: 'example.com' })).toThrow(/sesIdentityDomain "example\.com" is not the domain of from "Pressroom <news@example\.org>" \(example\.org\)/);
    expect(() => configWith({ from: 'News <news@mail.example.org>', sesIdentityDomain: 'example.org' })).toThrow(/"example\.org".*mail\.example\.org/);
    expect(configWith({ sesIdentityDomain: 'Example.ORG' }).fromDomain).toBe('example.org');
  });

  it('refuses a From without an address at a domain, and a MAIL FROM subdomain that is not DNS labels', () => {
    expect(() => configWith({ from: 'Pressroom' })).toThrow(/from must be an address at a domain/);
    expect(() => configWith({ from: 'Pressroom <news@localhost>' })).toThrow(/from must be an address at a domain/);
    expect(() => configWith({ mailFromSubdomain: 'mail_from' })).toThrow(/mailFromSubdomain/);
    expect(() => configWith({ mailFromSubdomain: '' })).toThrow(/Missing context value "mailFromSubdomain"/);
    expect(configWith({ mailFromSubdomain: 'bounces.news' }).mailFromDomain).toBe('bounces.news.example.org');
  });
});

describe('the configuration set', () => {
  it('requires TLS for delivery', () => {
    for (const s of [plain, zoned]) expect(only(s, 'AWS::SES::ConfigurationSet')[1].Properties.DeliveryOptions).toEqual({ TlsPolicy: 'REQUIRE' });
  });
});

describe('DNS records to publish (stack outputs)', () => {
  it('outputs the three DKIM CNAMEs, the MAIL FROM MX and SPF TXT, and a DMARC TXT at p=none', () => {
    const [identityId] = only(plain, 'AWS::SES::EmailIdentity');
    expect(dnsOutputs(plain)).toEqual({
      DnsDkim1: `<${identityId}.DkimDNSTokenName1> CNAME <${identityId}.DkimDNSTokenValue1>`,
      DnsDkim2: `<${identityId}.DkimDNSTokenName2> CNAME <${identityId}.DkimDNSTokenValue2>`,
      DnsDkim3: `<${identityId}.DkimDNSTokenName3> CNAME <${identityId}.DkimDNSTokenValue3>`,
      DnsMailFromMx: 'mail.example.org MX 10 feedback-smtp.us-east-1.amazonses.com',
      DnsMailFromSpf: 'mail.example.org TXT "v=spf1 include:amazonses.com ~all"',
      DnsDmarc: '_dmarc.example.org TXT "v=DMARC1; p=none"',
    });
    expect(plain.outputs.DnsDmarc.Description).toMatch(/none → quarantine → reject/);
    expect(plain.outputs.DnsDkim1.Description).toMatch(/publish it in your DNS/);
    expect(ofType(plain, 'AWS::Route53::RecordSet')).toHaveLength(0);
  });

  it('points the MAIL FROM MX at the feedback endpoint of the stack\'s region, and leaves DMARC out when it is managed elsewhere', () => {
    const outputs = dnsOutputs(byArn);
    expect(outputs.DnsMailFromMx).toBe('mail.example.org MX 10 feedback-smtp.eu-west-1.amazonses.com');
    expect(outputs.DnsDmarc).toBeUndefined();
    expect(configWith({ dmarcPolicy: 'unmanaged' }).dmarc).toBeUndefined();
    expect(() => configWith({ dmarcPolicy: 'strict' })).toThrow(/dmarcPolicy must be one of none, quarantine, reject or unmanaged/);
    expect(() => configWith({ dmarcReportEmail: 'reports' })).toThrow(/dmarcReportEmail/);
  });

  it('suggests relaxed alignment (MAIL FROM is a subdomain of From) and adds the report address when given', () => {
    expect(dmarcRecord('example.org', 'reject', 'dmarc@example.org')).toMatchObject({ name: '_dmarc.example.org', type: 'TXT', value: 'v=DMARC1; p=reject; rua=mailto:dmarc@example.org' });
    expect(dnsOutputs(zoned).DnsDmarc).toBe('_dmarc.example.org TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@example.org"');
  });
});

describe('with a Route 53 hosted zone', () => {
  const recordSets = () => ofType(zoned, 'AWS::Route53::RecordSet').map(([, r]) => r.Properties);

  it('creates every record in the zone, named as the outputs name them', () => {
    const [identityId] = only(zoned, 'AWS::SES::EmailIdentity');
    const records = recordSets().filter((r) => r.Type !== 'A');
    for (const r of records) expect(r).toMatchObject({ HostedZoneId: ZONE.hostedZoneId, TTL: '1800' });
    const simple = records.map((r) => `${shown(r.Name)} ${r.Type} ${shown(r.ResourceRecords).toString()}`).sort();
    expect(simple).toEqual(
      [
        `<${identityId}.DkimDNSTokenName1> CNAME <${identityId}.DkimDNSTokenValue1>`,
        `<${identityId}.DkimDNSTokenName2> CNAME <${identityId}.DkimDNSTokenValue2>`,
        `<${identityId}.DkimDNSTokenName3> CNAME <${identityId}.DkimDNSTokenValue3>`,
        'bounce.example.org MX 10 feedback-smtp.us-east-1.amazonses.com',
        'bounce.example.org TXT "v=spf1 include:amazonses.com ~all"',
        '_dmarc.example.org TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@example.org"',
      ].sort(),
    );
    // …and still outputs them, saying where they are.
    expect(zoned.outputs.DnsMailFromMx.Description).toMatch(/created in the hosted zone example\.org/);
  });

  it('needs both the zone\'s id and name, and the From domain inside it', () => {
    expect(() => configWith({ hostedZoneId: ZONE.hostedZoneId })).toThrow(/hostedZoneId and hostedZoneName go together/);
    expect(() => configWith({ hostedZoneName: 'example.org' })).toThrow(/hostedZoneId and hostedZoneName go together/);
    expect(() => configWith({ ...ZONE, hostedZoneName: 'example.com' })).toThrow(/From domain example\.org is not in the hosted zone example\.com/);
    expect(configWith({ ...ZONE, from: 'News <news@press.example.org>' }).hostedZone).toEqual({ id: ZONE.hostedZoneId, name: 'example.org' });
    // A lookup-free zone: synth needs no account lookups or cdk.context.json.
    expect(ofType(zoned, 'AWS::Route53::HostedZone')).toHaveLength(0);
  });
});

describe('links on the organisation\'s own domain', () => {
  const apiId = (s: Synthesized) => only(s, 'AWS::ApiGatewayV2::Api')[0];

  it('maps the domain to the HTTP API, with a certificate validated by DNS in the zone and an alias record', () => {
    const [domainId, domain] = only(zoned, 'AWS::ApiGatewayV2::DomainName');
    const [certificateId, certificate] = only(zoned, 'AWS::CertificateManager::Certificate');
    expect(certificate.Properties).toMatchObject({
      DomainName: 'news.example.org',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'news.example.org', HostedZoneId: ZONE.hostedZoneId }],
    });
    expect(domain.Properties).toMatchObject({ DomainName: 'news.example.org', DomainNameConfigurations: [{ CertificateArn: { Ref: certificateId }, EndpointType: 'REGIONAL' }] });
    const [, mapping] = only(zoned, 'AWS::ApiGatewayV2::ApiMapping');
    expect(refId(mapping.Properties.ApiId)).toBe(apiId(zoned));
    expect(refId(mapping.Properties.DomainName)).toBe(domainId);
    expect(mapping.Properties.ApiMappingKey).toBeUndefined();

    const alias = ofType(zoned, 'AWS::Route53::RecordSet').map(([, r]) => r.Properties).filter((r) => r.Type === 'A');
    expect(alias).toHaveLength(1);
    expect(alias[0]).toMatchObject({ Name: 'news.example.org.', HostedZoneId: ZONE.hostedZoneId });
    expect(shown(alias[0].AliasTarget)).toEqual({ DNSName: `<${domainId}.RegionalDomainName>`, HostedZoneId: `<${domainId}.RegionalHostedZoneId>` });
  });

  it('makes the domain the public URL of every function and the PublicUrl output', () => {
    for (const fn of zoned.stack.functions.values()) {
      const id = zoned.stack.getLogicalId(fn.node.defaultChild as CfnResource);
      expect(zoned.resources[id].Properties.Environment.Variables.PRESSROOM_PUBLIC_URL).toBe('https://news.example.org');
    }
    expect(zoned.outputs.PublicUrl.Value).toBe('https://news.example.org');
    expect(shown(plain.outputs.PublicUrl.Value)).toBe(`<${apiId(plain)}.ApiEndpoint>`);
  });

  it('takes a certificate by ARN, and without a zone outputs the CNAME to publish', () => {
    expect(ofType(byArn, 'AWS::CertificateManager::Certificate')).toHaveLength(0);
    expect(ofType(byArn, 'AWS::Route53::RecordSet')).toHaveLength(0);
    const [domainId, domain] = only(byArn, 'AWS::ApiGatewayV2::DomainName');
    expect(domain.Properties.DomainNameConfigurations).toEqual([expect.objectContaining({ CertificateArn: CERTIFICATE_ARN })]);
    expect(dnsOutputs(byArn).DnsPublicDomain).toBe(`news.example.org CNAME <${domainId}.RegionalDomainName>`);
    expect(byArn.outputs.PublicUrl.Value).toBe('https://news.example.org');
  });

  it('refuses a domain it cannot get a certificate for, outside the zone, or disagreeing with publicUrl', () => {
    expect(() => configWith({ publicDomain: 'news.example.org' })).toThrow(/needs a certificate: give certificateArn .* or a hosted zone/);
    expect(() => configWith({ ...ZONE, publicDomain: 'news.example.com' })).toThrow(/publicDomain news\.example\.com is not in the hosted zone example\.org/);
    expect(() => configWith({ certificateArn: CERTIFICATE_ARN })).toThrow(/certificateArn is only used with publicDomain/);
    expect(() => configWith({ publicDomain: 'news.example.org', certificateArn: CERTIFICATE_ARN, publicUrl: 'https://www.example.org/news' })).toThrow(
      /publicUrl "https:\/\/www\.example\.org\/news" and publicDomain "news\.example\.org" disagree/,
    );
    expect(configWith({ publicDomain: 'news.example.org', certificateArn: CERTIFICATE_ARN, publicUrl: 'https://news.example.org/' }).publicUrl).toBe('https://news.example.org');
    expect(() => configWith({ publicDomain: 'https://news.example.org', certificateArn: CERTIFICATE_ARN })).toThrow(/publicDomain must be a domain name/);
  });
});
