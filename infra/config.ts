import type { Node } from 'constructs';
import { CHANNEL_SETTING_VARIABLES, type ChannelSettings } from '../functions/channels';
import { BATCH_SIZE } from './messaging';
import { minSendConcurrency, SEND_BATCH_OVERHEAD_MS } from './send-concurrency';
import { parseStaff } from '../functions/domain/staff/staff-member';

/** What `_dmarc.<From domain>` asks receivers to do with mail that fails DMARC (RFC 7489 §6.3). */
export const DMARC_POLICIES = ['none', 'quarantine', 'reject'] as const;
export type DmarcPolicy = (typeof DMARC_POLICIES)[number];

/** Deploy-time configuration, read from CDK context (defaults in cdk.json; see infra/README.md). */
export interface PressroomStackConfig {
  /** Base URL for links in emails: `https://<publicDomain>`, else `publicUrl`, else the HTTP API's own endpoint. */
  publicUrl?: string;
  /** The `From` header, e.g. `Pressroom <news@example.org>`: its domain is the SES identity. */
  from: string;
  /** The domain of the From address, lower-cased: the SES identity and the DMARC domain. */
  fromDomain: string;
  /** The custom MAIL FROM (envelope sender) domain, `<mailFromSubdomain>.<fromDomain>`: SPF checks it, and it aligns with From. */
  mailFromDomain: string;
  /** The DMARC policy to publish (or suggest); `undefined` when the domain's DMARC record is managed elsewhere. */
  dmarc?: { policy: DmarcPolicy; reportEmail?: string };
  /** A Route 53 public hosted zone (lookup-free: id and name) where the stack creates the DNS records itself. */
  hostedZone?: { id: string; name: string };
  /** The organisation's own domain for links in emails, mapped to the HTTP API, with its certificate. */
  publicDomain?: { name: string; certificateArn?: string };
  /** The postal address every email footer carries (CAN-SPAM). */
  postalAddress: string;
  lists: string;
  /**
   * The first staff of the console, `admin@example.org=admin,editor@example.org=editor` (context
   * `staff`); the functions that sign staff in add those missing at cold start. Empty for none.
   */
  staff: string;
  /** Comma-separated channel names; empty for none. */
  socialChannels: string;
  /**
   * The channels' plain settings (`mastodonUrl`, `blueskyIdentifier`, …), each from the context key
   * of the same name; empty when unset. Each is read only when its channel is among the channels.
   */
  channelSettings: Record<keyof ChannelSettings, string>;
  sendMaxConcurrency: number;
  /** Steady rate (requests per second) and burst of each route of the HTTP API, by route group (infra/api.ts). */
  apiThrottle: Record<ThrottleGroup, Throttle>;
  /**
   * Reserved concurrency of each public HTTP function (monitoring.ts PUBLIC_FUNCTIONS): both the
   * most it may run at once and what it keeps for itself; `undefined` for no reservation.
   */
  publicReservedConcurrency?: number;
  /** Where dead-letter alarms are emailed; unset, they only reach the alarm topic. */
  alarmEmail?: string;
  /** Optional branding and sender details the runtime reads when present (see OPTIONAL_VARIABLES). */
  optional: Partial<Record<OptionalKey, string>>;
}

/**
 * The HTTP API's routes by who calls them, each group with its own throttle (infra/api.ts):
 * `public` pages, feeds and token links; `signup`, the sign-up form's POST; the publishing side's
 * `webhook`; staff's `admin`.
 */
export const THROTTLE_GROUPS = ['public', 'signup', 'webhook', 'admin'] as const;
export type ThrottleGroup = (typeof THROTTLE_GROUPS)[number];
/** API Gateway's route throttle: a token bucket refilled at `rate` per second, holding `burst`. */
export interface Throttle {
  rate: number;
  burst: number;
}
/** The context key of each group's throttle, `rate/burst` (e.g. `throttlePublic=50/100`). */
export const THROTTLE_CONTEXT_KEYS: Record<ThrottleGroup, string> = {
  public: 'throttlePublic',
  signup: 'throttleSignup',
  webhook: 'throttleWebhook',
  admin: 'throttleAdmin',
};

/** Context keys passed to the functions only when set; the runtime falls back to its own defaults. */
export const OPTIONAL_VARIABLES = {
  orgName: 'PRESSROOM_ORG_NAME',
  replyTo: 'PRESSROOM_REPLY_TO',
  logoUrl: 'PRESSROOM_LOGO_URL',
  accentColour: 'PRESSROOM_ACCENT_COLOUR',
  // Pages on the organisation's own site that may post the sign-up form (an embedded form).
  signupOrigins: 'PRESSROOM_SIGNUP_ORIGINS',
  // A sending rate below SES's own; it also sizes the send workers (checkSendConcurrency).
  maxSendRate: 'PRESSROOM_MAX_SEND_RATE',
  // `true` switches on open and click tracking (the configuration set publishes those events too).
  engagementTracking: 'PRESSROOM_ENGAGEMENT_TRACKING',
  // `true` makes SES publish delivery events: `delivered` counts, for about twice Pressroom's own cost per email.
  deliveryEvents: 'PRESSROOM_DELIVERY_EVENTS',
} as const;
export type OptionalKey = keyof typeof OPTIONAL_VARIABLES;

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const LABELS = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** `Name <a@b>` → `a@b`; a bare address is returned as is. */
export function addressOf(from: string): string {
  const match = /<([^>]+)>/.exec(from);
  return (match ? match[1] : from).trim();
}

/** Whether `name` is `zone` itself or a name under it (both without a trailing dot). */
const inZone = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);

/**
 * Reads the configuration from context. cdk.json is the one place that holds the defaults, so the
 * keys without a meaningful empty value are required; an empty string counts as "not set". `from`
 * and `postalAddress` have no default: a deploy that forgot them would send from, or print in every
 * footer, a placeholder.
 */
export function configFromContext(node: Node): PressroomStackConfig {
  const optional = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    return value === undefined || value === null || String(value).trim() === '' ? undefined : String(value).trim();
  };
  const required = (key: string, example = '…'): string => {
    const value = optional(key);
    if (value === undefined) throw new Error(`Missing context value "${key}" (set it in cdk.json or with -c ${key}=${example})`);
    return value;
  };
  const hostname = (key: string): string | undefined => {
    const value = optional(key)?.toLowerCase().replace(/\.$/, '');
    if (value !== undefined && !HOSTNAME.test(value)) throw new Error(`${key} must be a domain name (e.g. example.org), got "${value}"`);
    return value;
  };

  const sendMaxConcurrency = Number(required('sendMaxConcurrency'));
  if (!Number.isInteger(sendMaxConcurrency) || sendMaxConcurrency < 2 || sendMaxConcurrency > 1000) {
    throw new Error(`sendMaxConcurrency must be an integer from 2 to 1000 (SQS event source limit), got ${sendMaxConcurrency}`);
  }
  const maxSendRate = optional('maxSendRate');
  if (maxSendRate !== undefined) checkSendConcurrency(Number(maxSendRate), sendMaxConcurrency);
  for (const key of ['engagementTracking', 'deliveryEvents']) {
    const value = optional(key);
    if (value !== undefined && value !== 'true' && value !== 'false') throw new Error(`${key} must be true or false, got "${value}"`);
  }

  const apiThrottle = Object.fromEntries(
    THROTTLE_GROUPS.map((group) => {
      const key = THROTTLE_CONTEXT_KEYS[group];
      const value = required(key, '50/100');
      const match = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(value);
      // A zero rate or burst would refuse every request of the group: never what a throttle means.
      if (!match || Number(match[1]) <= 0 || Number(match[2]) < 1) {
        throw new Error(`${key} must be rate/burst, a rate above 0 requests per second and a whole burst of at least 1 (e.g. 50/100), got "${value}"`);
      }
      return [group, { rate: Number(match[1]), burst: Number(match[2]) }];
    }),
  ) as Record<ThrottleGroup, Throttle>;
  const reserved = Number(required('publicReservedConcurrency', '10'));
  if (!Number.isInteger(reserved) || reserved < 0) {
    throw new Error(`publicReservedConcurrency must be a whole number, 0 for no reservation, got ${optional('publicReservedConcurrency')}`);
  }

  const alarmEmail = optional('alarmEmail');
  // Checked here, not left to SNS: a typo would otherwise surface only as alarms that reach nobody.
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) {
    throw new Error(`alarmEmail must be one email address (e.g. ops@example.org), got "${alarmEmail}"`);
  }

  const from = required('from', '"Example News <news@example.org>"');
  const fromAddress = addressOf(from);
  const fromDomain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase();
  if (!EMAIL.test(fromAddress) || !HOSTNAME.test(fromDomain)) throw new Error(`from must be an address at a domain (e.g. "Example News <news@example.org>"), got "${from}"`);
  // The identity is the From domain, always: SES signs with the identity's DKIM key, and DMARC only
  // passes when the signing domain (or the MAIL FROM domain) aligns with From.
  const sesIdentityDomain = hostname('sesIdentityDomain');
  if (sesIdentityDomain !== undefined && sesIdentityDomain !== fromDomain) {
    throw new Error(
      `sesIdentityDomain "${sesIdentityDomain}" is not the domain of from "${from}" (${fromDomain}): the SES identity must be the From domain for DKIM to align with From (DMARC). Leave sesIdentityDomain unset or make the two agree.`,
    );
  }
  const mailFromSubdomain = required('mailFromSubdomain', 'mail').toLowerCase();
  if (!LABELS.test(mailFromSubdomain)) throw new Error(`mailFromSubdomain must be one or more DNS labels (e.g. mail), got "${mailFromSubdomain}"`);

  const dmarcPolicy = required('dmarcPolicy', 'none');
  if (dmarcPolicy !== 'unmanaged' && !(DMARC_POLICIES as readonly string[]).includes(dmarcPolicy)) {
    throw new Error(`dmarcPolicy must be one of ${DMARC_POLICIES.join(', ')} or unmanaged (the domain publishes its own DMARC record), got "${dmarcPolicy}"`);
  }
  const dmarcReportEmail = optional('dmarcReportEmail');
  if (dmarcReportEmail !== undefined && !EMAIL.test(dmarcReportEmail)) {
    throw new Error(`dmarcReportEmail must be one email address (e.g. dmarc-reports@example.org), got "${dmarcReportEmail}"`);
  }

  const [hostedZoneId, hostedZoneName] = [optional('hostedZoneId'), hostname('hostedZoneName')];
  if ((hostedZoneId === undefined) !== (hostedZoneName === undefined)) {
    throw new Error('hostedZoneId and hostedZoneName go together: give both (the Route 53 zone\'s id and its domain) or neither');
  }
  const hostedZone = hostedZoneId && hostedZoneName ? { id: hostedZoneId, name: hostedZoneName } : undefined;
  if (hostedZone && !inZone(fromDomain, hostedZone.name)) {
    throw new Error(`The From domain ${fromDomain} is not in the hosted zone ${hostedZone.name}: its DNS records cannot be created there`);
  }

  const publicDomainName = hostname('publicDomain');
  const certificateArn = optional('certificateArn');
  if (certificateArn !== undefined && publicDomainName === undefined) throw new Error('certificateArn is only used with publicDomain: set publicDomain too, or leave certificateArn unset');
  if (publicDomainName !== undefined && certificateArn === undefined && !hostedZone) {
    throw new Error(`publicDomain ${publicDomainName} needs a certificate: give certificateArn (ACM, in the stack's region) or a hosted zone (hostedZoneId, hostedZoneName) to validate a new one in`);
  }
  if (publicDomainName !== undefined && hostedZone && !inZone(publicDomainName, hostedZone.name)) {
    throw new Error(`publicDomain ${publicDomainName} is not in the hosted zone ${hostedZone.name}`);
  }
  let publicUrl = optional('publicUrl')?.replace(/\/+$/, '');
  if (publicDomainName !== undefined) {
    if (publicUrl !== undefined && publicUrl !== `https://${publicDomainName}`) {
      throw new Error(`publicUrl "${publicUrl}" and publicDomain "${publicDomainName}" disagree: links would point elsewhere than the domain mapped to the API. Set one of them.`);
    }
    publicUrl = `https://${publicDomainName}`;
  }

  return {
    publicUrl,
    from,
    fromDomain,
    mailFromDomain: `${mailFromSubdomain}.${fromDomain}`,
    dmarc: dmarcPolicy === 'unmanaged' ? undefined : { policy: dmarcPolicy as DmarcPolicy, reportEmail: dmarcReportEmail },
    hostedZone,
    publicDomain: publicDomainName === undefined ? undefined : { name: publicDomainName, certificateArn },
    postalAddress: required('postalAddress', '"Example Org, 1 Main Street, Springfield, IL 62701, USA"'),
    lists: required('lists'),
    // Checked here too, so that a typo stops synth rather than every cold start.
    staff: (parseStaff(optional('staff') ?? ''), optional('staff') ?? ''),
    socialChannels: optional('socialChannels') ?? '',
    channelSettings: Object.fromEntries(
      (Object.keys(CHANNEL_SETTING_VARIABLES) as Array<keyof ChannelSettings>).map((key) => [key, optional(key) ?? '']),
    ) as Record<keyof ChannelSettings, string>,
    sendMaxConcurrency,
    apiThrottle,
    // 0 is "none": a reservation of 0 would stop the functions altogether.
    publicReservedConcurrency: reserved === 0 ? undefined : reserved,
    alarmEmail,
    optional: Object.fromEntries(
      (Object.keys(OPTIONAL_VARIABLES) as OptionalKey[]).flatMap((key) => {
        const value = optional(key);
        return value === undefined ? [] : [[key, value]];
      }),
    ),
  };
}

/**
 * Refuses a send concurrency that cannot reach the configured rate (infra/send-concurrency.ts has
 * the formula). SES's own quota is known only at run time (GetSendQuota), so without `maxSendRate`
 * there is nothing to check here; infra/README.md gives the formula to size it by hand.
 */
function checkSendConcurrency(maxSendRate: number, sendMaxConcurrency: number): void {
  if (!Number.isInteger(maxSendRate) || maxSendRate < 1) throw new Error(`maxSendRate must be a whole number of messages per second, 1 or more, got ${maxSendRate}`);
  const needed = minSendConcurrency(maxSendRate);
  if (sendMaxConcurrency < needed) {
    throw new Error(
      `sendMaxConcurrency ${sendMaxConcurrency} cannot reach maxSendRate ${maxSendRate}/s: each send worker spends time outside its rate slots with every batch, ` +
        `so ${maxSendRate}/s needs at least ${needed} (1 + rate × ${SEND_BATCH_OVERHEAD_MS / 1000} s / ${BATCH_SIZE} messages; see infra/README.md)`,
    );
  }
}
