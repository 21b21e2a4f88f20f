import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, ValidationError } from '../errors';

/**
 * Verification of webhook deliveries signed per the Standard Webhooks specification:
 * `webhook-signature` holds space-separated `v1,<base64 HMAC-SHA256>` entries over
 * `${webhook-id}.${webhook-timestamp}.${body}`, keyed with the base64 part of a `whsec_` secret.
 * Several entries (and several configured secrets) let the sender and we rotate keys without downtime.
 */

/** Replay window either side of now; the spec recommends five minutes. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/**
 * The webhook id becomes part of a DynamoDB key (at most 2 KB) and of log lines; senders use short
 * ids (`msg_` and 27 characters), so 256 visible ASCII characters leave them ample room.
 */
export const MAX_WEBHOOK_ID_LENGTH = 256;
/** A signature entry is ~47 characters; this allows dozens while a sender rotates keys. */
export const MAX_WEBHOOK_SIGNATURE_LENGTH = 2048;

export interface WebhookHeaders {
  id?: string;
  timestamp?: string;
  signature?: string;
}

/** Decodes `whsec_…` secrets; a secret without the prefix is taken as base64 all the same. */
export function decodeWebhookSecret(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  if (key.length < 24) throw new Error('Webhook secret is too short: use at least 24 random bytes, base64, prefixed whsec_');
  return key;
}

/** Signs a payload the way a sender does. Used by the CLI and by tests. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const sig = createHmac('sha256', decodeWebhookSecret(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${sig}`;
}

/**
 * Verifies a delivery and returns its webhook id.
 *
 * @throws AuthenticationError when a header is missing, the timestamp is outside the tolerance, or
 *   no signature matches any of the secrets; ValidationError for a webhook-id or signature header
 *   too long to be one.
 * @example
 * const id = verifyWebhook({ id, timestamp, signature }, rawBody, ['whsec_…'], new Date());
 */
export function verifyWebhook(headers: WebhookHeaders, body: string, secrets: string[], now: Date): string {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) throw new AuthenticationError('Missing webhook-id, webhook-timestamp or webhook-signature');
  if (id.length > MAX_WEBHOOK_ID_LENGTH || !/^[\x21-\x7e]+$/.test(id)) {
    throw new ValidationError([{ field: 'webhook-id', message: `must be at most ${MAX_WEBHOOK_ID_LENGTH} visible ASCII characters` }], 'Invalid webhook');
  }
  if (signature.length > MAX_WEBHOOK_SIGNATURE_LENGTH) {
    throw new ValidationError([{ field: 'webhook-signature', message: `must be at most ${MAX_WEBHOOK_SIGNATURE_LENGTH} characters` }], 'Invalid webhook');
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw new AuthenticationError('Invalid webhook-timestamp');
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) {
    throw new AuthenticationError('webhook-timestamp is too far from the current time');
  }
  const offered = signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  for (const secret of secrets) {
    const expected = createHmac('sha256', decodeWebhookSecret(secret)).update(`${id}.${timestamp}.${body}`).digest();
    if (offered.some((sig) => sig.length === expected.length && timingSafeEqual(sig, expected))) return id;
  }
  throw new AuthenticationError('No matching webhook signature');
}
