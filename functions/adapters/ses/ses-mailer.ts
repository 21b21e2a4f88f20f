import { SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import type { Mailer, OutgoingEmail } from '../../domain/delivery/ports';
import { MailerQuotaExceededError, MailerRejectedError, MailerThrottledError } from '../../domain/delivery/errors';

export interface SesMailerOptions {
  client: SESClient;
  /** Configuration set for event publishing (bounces, complaints); omitted when not set. */
  configurationSetName?: string;
}

// SES v1 answers an exceeded send rate and an exceeded daily quota alike, with the `Throttling` code
// (`ThrottlingException` in the SES docs); only the message tells them apart: "Maximum sending rate
// exceeded." or "Daily message quota exceeded." (docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html).
// Nothing was sent either way, so a later retry is right; but a rate frees within a second, the
// daily quota (a rolling 24 h window) only as the messages of a day ago age out.
const THROTTLED = new Set(['Throttling', 'ThrottlingException']);
const DAILY_QUOTA = /Daily message quota exceeded/i;
// Retrying the same message cannot help. The SDK names modelled errors by class
// (`ConfigurationSetDoesNotExistException`) and others by the wire code, so both spellings appear.
const REJECTED = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'ConfigurationSetDoesNotExist',
  'ConfigurationSetDoesNotExistException',
]);

/**
 * Sends complete MIME messages through SES v1 `SendRawEmail`, translating SES errors into the
 * domain's {@link MailerThrottledError}, {@link MailerQuotaExceededError} and {@link MailerRejectedError}.
 *
 * @example
 * const mailer = new SesMailer({ client: new SESClient({}), configurationSetName: 'pressroom' });
 * const { messageId } = await mailer.sendRaw({ from: 'news@example.com', to: 'ada@example.org', raw });
 */
export class SesMailer implements Mailer {
  constructor(private readonly options: SesMailerOptions) {}

  async sendRaw(email: OutgoingEmail): Promise<{ messageId: string }> {
    let messageId: string | undefined;
    try {
      const output = await this.options.client.send(
        new SendRawEmailCommand({
          RawMessage: { Data: email.raw },
          // Only this recipient gets the message, whatever the headers say.
          Destinations: [email.to],
          Source: email.from,
          ConfigurationSetName: this.options.configurationSetName,
          // Returned in `mail.tags` of every bounce, complaint and delivery event.
          Tags: email.tags ? toMessageTags(email.tags) : undefined,
        }),
      );
      messageId = output.MessageId;
    } catch (error) {
      throw translateSesError(error);
    }
    if (!messageId) throw new Error('SES accepted the message but returned no MessageId');
    return { messageId };
  }
}

/**
 * Maps an SES error to the domain's mailer errors; anything else (network, credentials, unknown
 * codes) is returned unchanged.
 *
 * @example
 * catch (error) { throw translateSesError(error); }
 */
export function translateSesError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  if (THROTTLED.has(error.name) && DAILY_QUOTA.test(error.message)) {
    return new MailerQuotaExceededError(`SES daily sending quota used up: ${error.message}`, { cause: error });
  }
  if (THROTTLED.has(error.name) || /Maximum sending rate exceeded/i.test(error.message)) {
    return new MailerThrottledError(`SES throttled the send: ${error.message}`, { cause: error });
  }
  if (REJECTED.has(error.name)) {
    return new MailerRejectedError(`SES rejected the message (${error.name}): ${error.message}`, { cause: error });
  }
  return error;
}

// SES message tags allow only ASCII letters, digits, `_` and `-`, at most 256 of them, in names and
// values. `_` is the escape character: any other byte becomes `_XX` (hex), so ids that already fit
// (most do) are sent unchanged and every value decodes back exactly, e.g. `v1.2` ⇄ `v1_2E2`.
const TAG_SAFE = /^[A-Za-z0-9-]$/;
const MAX_TAG_LENGTH = 256;

/**
 * Encodes a tag name or value into SES's allowed characters, reversibly (see {@link decodeTagValue}).
 *
 * @example
 * encodeTagValue('spring.update_2') // 'spring_2Eupdate_5F2'
 */
export function encodeTagValue(value: string): string {
  let out = '';
  for (const char of value) {
    if (TAG_SAFE.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Reverses {@link encodeTagValue}; text without escapes comes back unchanged.
 *
 * @example
 * decodeTagValue('spring_2Eupdate_5F2') // 'spring.update_2'
 */
export function decodeTagValue(encoded: string): string {
  if (!encoded.includes('_')) return encoded;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const escape = encoded[i] === '_' ? /^[0-9A-Fa-f]{2}$/.exec(encoded.slice(i + 1, i + 3)) : null;
    if (escape) {
      bytes.push(parseInt(escape[0], 16));
      i += 2;
    } else bytes.push(...Buffer.from(encoded[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * `{ release: 'r1' }` → SES `MessageTag`s. A tag that would not fit in 256 characters even encoded
 * is left out rather than failing the send: events then fall back to the recipient's address.
 */
export function toMessageTags(tags: Record<string, string>): { Name: string; Value: string }[] {
  return Object.entries(tags)
    .map(([name, value]) => ({ Name: encodeTagValue(name), Value: encodeTagValue(value) }))
    .filter((tag) => tag.Name && tag.Value && tag.Name.length <= MAX_TAG_LENGTH && tag.Value.length <= MAX_TAG_LENGTH);
}
