import { CfnOutput, Stack } from 'aws-cdk-lib';
import { CfnRecordSet, type IHostedZone } from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { DmarcPolicy } from './config';

/** One DNS record the deployment needs published. Names are fully qualified, without the final dot. */
export interface DnsRecord {
  /** Short id, unique in the stack: the output is `Dns<id>`. */
  id: string;
  name: string;
  type: 'CNAME' | 'MX' | 'TXT';
  /** The record's data as a DNS console takes it: a TXT value unquoted, an MX value `priority host`. */
  value: string;
  /** What it is for, shown with the output. */
  purpose: string;
  /**
   * False for a record the stack creates in the zone in another form (the public domain, which
   * gets an alias A record there instead, valid at a zone apex too).
   */
  createInZone?: boolean;
}

/**
 * The suggested DMARC record for `domain`. Alignment stays relaxed (the default, no `adkim`/`aspf`):
 * the MAIL FROM domain is a subdomain of From, which only relaxed SPF alignment accepts.
 */
export function dmarcRecord(domain: string, policy: DmarcPolicy, reportEmail?: string): DnsRecord {
  const tags = ['v=DMARC1', `p=${policy}`, ...(reportEmail ? [`rua=mailto:${reportEmail}`] : [])];
  return {
    id: 'Dmarc',
    name: `_dmarc.${domain}`,
    type: 'TXT',
    value: tags.join('; '),
    purpose:
      `DMARC for the From domain, policy ${policy}. Tighten once aggregate reports show all your mail passing: none → quarantine → reject (context dmarcPolicy; see infra/README.md)` +
      (reportEmail ? '' : '. Set dmarcReportEmail to receive those reports'),
  };
}

/**
 * The DNS records a deployment needs: each is a stack output `Dns<id>` (`name TYPE value`), and,
 * given a hosted zone, also a record in it.
 */
export class DnsRecords extends Construct {
  private readonly zone?: IHostedZone;

  constructor(scope: Construct, id: string, props: { zone?: IHostedZone }) {
    super(scope, id);
    this.zone = props.zone;
  }

  add(record: DnsRecord): void {
    const shown = record.type === 'TXT' ? `"${record.value}"` : record.value;
    const where = this.zone ? `created in the hosted zone ${this.zone.zoneName}` : 'publish it in your DNS';
    // In the stack's own scope, so that the output keys read `DnsDkim1`, not a path with a hash.
    new CfnOutput(Stack.of(this), `Dns${record.id}`, { value: `${record.name} ${record.type} ${shown}`, description: `${record.purpose} (${where})` });
    if (this.zone && record.createInZone !== false) {
      new CfnRecordSet(this, record.id, {
        hostedZoneId: this.zone.hostedZoneId,
        name: record.name,
        type: record.type,
        // Route 53 wants TXT data quoted; every other type as is.
        resourceRecords: [shown],
        ttl: '1800',
      });
    }
  }
}
