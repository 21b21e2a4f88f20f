import { SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import type { Mailer, OutgoingEmail } from '../../domain/ports';
import { MailerRejectedError, MailerThrottledError } from '../../domain/delivery/errors';

export interface SesMailerOptions {
  client: SESClient;
  /** Configuration set for event publishing (bounces, complaints); omitted when not set. */
  configurationSetName?: string;
}

// SES v1 answers an exceeded send rate or daily quota with the `Throttling` code ("Maximum sending
// rate exceeded." / "Daily message quota exceeded."); nothing was sent, so a later retry is right.
const THROTTLED = new Set(['Throttling', 'ThrottlingException']);
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
 * domain's {@link MailerThrottledError} and {@link MailerRejectedError}.
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
  if (THROTTLED.has(error.name) || /Maximum sending rate exceeded/i.test(error.message)) {
    return new MailerThrottledError(`SES throttled the send: ${error.message}`, { cause: error });
  }
  if (REJECTED.has(error.name)) {
    return new MailerRejectedError(`SES rejected the message (${error.name}): ${error.message}`, { cause: error });
  }
  return error;
}
