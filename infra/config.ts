import type { Node } from 'constructs';
import { CHANNEL_SETTING_VARIABLES, type ChannelSettings } from '../functions/channels';

/** Deploy-time configuration, read from CDK context (defaults in cdk.json; see infra/README.md). */
export interface PressroomStackConfig {
  /** Base URL for links in emails; the HTTP API's own endpoint when absent. */
  publicUrl?: string;
  /** The `From` header, e.g. `Pressroom <news@example.org>`. */
  from: string;
  /** Creates an SES domain identity when set. */
  sesIdentityDomain?: string;
  /** The postal address every email footer carries (CAN-SPAM). */
  postalAddress: string;
  lists: string;
  /** Comma-separated channel names; empty for none. */
  socialChannels: string;
  /**
   * The channels' plain settings (`mastodonUrl`, `blueskyIdentifier`, …), each from the context key
   * of the same name; empty when unset. Each is read only when its channel is among the channels.
   */
  channelSettings: Record<keyof ChannelSettings, string>;
  sendMaxConcurrency: number;
  /** Where dead-letter alarms are emailed; unset, they only reach the alarm topic. */
  alarmEmail?: string;
  /** Optional branding and sender details the runtime reads when present (see OPTIONAL_VARIABLES). */
  optional: Partial<Record<OptionalKey, string>>;
}

/** Context keys passed to the functions only when set; the runtime falls back to its own defaults. */
export const OPTIONAL_VARIABLES = {
  orgName: 'PRESSROOM_ORG_NAME',
  replyTo: 'PRESSROOM_REPLY_TO',
  logoUrl: 'PRESSROOM_LOGO_URL',
  accentColour: 'PRESSROOM_ACCENT_COLOUR',
  // Pages on the organisation's own site that may post the sign-up form (an embedded form).
  signupOrigins: 'PRESSROOM_SIGNUP_ORIGINS',
} as const;
export type OptionalKey = keyof typeof OPTIONAL_VARIABLES;

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

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
  const sendMaxConcurrency = Number(required('sendMaxConcurrency'));
  if (!Number.isInteger(sendMaxConcurrency) || sendMaxConcurrency < 2 || sendMaxConcurrency > 1000) {
    throw new Error(`sendMaxConcurrency must be an integer from 2 to 1000 (SQS event source limit), got ${sendMaxConcurrency}`);
  }
  const alarmEmail = optional('alarmEmail');
  // Checked here, not left to SNS: a typo would otherwise surface only as alarms that reach nobody.
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) {
    throw new Error(`alarmEmail must be one email address (e.g. ops@example.org), got "${alarmEmail}"`);
  }

  return {
    publicUrl: optional('publicUrl')?.replace(/\/+$/, ''),
    from: required('from', '"Example News <news@example.org>"'),
    sesIdentityDomain: optional('sesIdentityDomain'),
    postalAddress: required('postalAddress', '"Example Org, 1 Main Street, Springfield, IL 62701, USA"'),
    lists: required('lists'),
    socialChannels: optional('socialChannels') ?? '',
    channelSettings: Object.fromEntries(
      (Object.keys(CHANNEL_SETTING_VARIABLES) as Array<keyof ChannelSettings>).map((key) => [key, optional(key) ?? '']),
    ) as Record<keyof ChannelSettings, string>,
    sendMaxConcurrency,
    alarmEmail,
    optional: Object.fromEntries(
      (Object.keys(OPTIONAL_VARIABLES) as OptionalKey[]).flatMap((key) => {
        const value = optional(key);
        return value === undefined ? [] : [[key, value]];
      }),
    ),
  };
}
