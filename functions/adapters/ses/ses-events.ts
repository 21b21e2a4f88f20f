import { assertMailEvent, BounceType, MailEventType, MalformedMailEventError, type MailEvent } from '../../domain/delivery/mail-events';
import { decodeTagValue } from './ses-mailer';

/**
 * SES event records as the configuration set's SNS topic delivers them to SQS with raw message
 * delivery: the SQS body is the SES JSON itself. Only the fields Pressroom reads are typed; SES
 * reserves the right to add more.
 * See https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
 */
export interface SesEventRecord {
  /** Event publishing (configuration sets) says `eventType`; identity feedback notifications say `notificationType`. */
  eventType?: string;
  notificationType?: string;
  mail: {
    timestamp?: string;
    messageId: string;
    source?: string;
    destination?: string[];
    /** Message tags, each name with a list of values (SES adds its own `ses:*` tags). */
    tags?: Record<string, string[]>;
  };
  bounce?: {
    bounceType: 'Permanent' | 'Transient' | 'Undetermined';
    bounceSubType?: string;
    bouncedRecipients: { emailAddress: string; action?: string; status?: string; diagnosticCode?: string }[];
    timestamp?: string;
  };
  complaint?: { complainedRecipients: { emailAddress: string }[]; complaintFeedbackType?: string; timestamp?: string };
  delivery?: { recipients: string[]; timestamp?: string; smtpResponse?: string };
  reject?: { reason?: string };
  /** Only with open and click tracking on; the reader's IP address and user agent are never kept. */
  open?: { timestamp?: string; ipAddress?: string; userAgent?: string };
  click?: { timestamp?: string; link: string; linkTags?: Record<string, string[]>; ipAddress?: string; userAgent?: string };
}

const TYPES: Record<string, MailEvent['type']> = {
  Bounce: MailEventType.Bounce,
  Complaint: MailEventType.Complaint,
  Delivery: MailEventType.Delivery,
  Reject: MailEventType.Reject,
  Open: MailEventType.Open,
  Click: MailEventType.Click,
};
const BOUNCE_TYPES: Record<string, BounceType> = {
  Permanent: BounceType.Permanent,
  Transient: BounceType.Transient,
  Undetermined: BounceType.Undetermined,
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const malformed = (field: string, message: string) => new MalformedMailEventError([{ field, message }]);

function addresses(list: unknown, field: string): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw malformed(field, 'must be a list');
  return list.map((entry) => (isObject(entry) ? entry.emailAddress : entry)).filter((a): a is string => typeof a === 'string' && a.length > 0);
}

function tag(tags: unknown, name: string): string | undefined {
  const values = isObject(tags) ? tags[name] : undefined;
  const first = Array.isArray(values) ? values[0] : values;
  return typeof first === 'string' && first ? decodeTagValue(first) : undefined;
}

/**
 * Turns the body of one mail-events SQS message into a domain {@link MailEvent}.
 *
 * Returns `undefined` for well-formed events Pressroom does not act on (Send, DeliveryDelay, SES's
 * set-up notification, types SES adds later). Open and Click events arrive only when engagement
 * tracking is on; of them, only the link clicked is read (not the reader's IP address or agent). Accepts the SES JSON as an
 * object or a string, and also inside an SNS envelope in case raw delivery is ever turned off.
 *
 * @throws MalformedMailEventError when the body is not an SES event or lacks what handling needs.
 * @example
 * const event = parseSesEvent(JSON.parse(record.body));
 * if (event) await handleMailEvent(event, deps);
 */
export function parseSesEvent(body: unknown): MailEvent | undefined {
  let record: unknown = body;
  if (typeof record === 'string') {
    try {
      record = JSON.parse(record);
    } catch {
      throw malformed('body', 'is not JSON');
    }
  }
  if (isObject(record) && record.Type === 'Notification' && typeof record.Message === 'string') return parseSesEvent(record.Message);
  if (!isObject(record)) throw malformed('body', 'must be a JSON object');

  const kind = record.eventType ?? record.notificationType;
  if (typeof kind !== 'string') throw malformed('eventType', 'is required');
  const type = TYPES[kind];
  if (!type) return undefined;
  const mail = record.mail;
  if (!isObject(mail)) throw malformed('mail', 'is required');
  const messageId = typeof mail.messageId === 'string' ? mail.messageId : '';
  // One recipient per message is Pressroom's rule, so the destination stands in when SES could not
  // name the recipient (undetermined bounces may list none).
  const destination = addresses(mail.destination, 'mail.destination');

  const event: MailEvent = {
    type,
    messageId,
    recipients: destination,
    releaseId: tag(mail.tags, 'release'),
    subscriberId: tag(mail.tags, 'subscriber'),
    listId: tag(mail.tags, 'list'),
    occurredAt: typeof mail.timestamp === 'string' ? mail.timestamp : undefined,
  };
  const detail = record[kind.toLowerCase()];
  if (type !== MailEventType.Reject && !isObject(detail)) throw malformed(kind.toLowerCase(), `is required for a ${kind} event`);
  if (isObject(detail) && typeof detail.timestamp === 'string') event.occurredAt = detail.timestamp;

  if (type === MailEventType.Bounce) {
    const bounce = detail as Record<string, unknown>;
    event.bounceType = BOUNCE_TYPES[String(bounce.bounceType)] ?? (String(bounce.bounceType) as BounceType);
    event.bounceSubType = typeof bounce.bounceSubType === 'string' ? bounce.bounceSubType : undefined;
    const bounced = addresses(bounce.bouncedRecipients, 'bounce.bouncedRecipients');
    if (bounced.length) event.recipients = bounced;
  } else if (type === MailEventType.Complaint) {
    const complained = addresses((detail as Record<string, unknown>).complainedRecipients, 'complaint.complainedRecipients');
    if (complained.length) event.recipients = complained;
  } else if (type === MailEventType.Delivery) {
    const delivered = addresses((detail as Record<string, unknown>).recipients, 'delivery.recipients');
    if (delivered.length) event.recipients = delivered;
  } else if (type === MailEventType.Click) {
    const link = (detail as Record<string, unknown>).link;
    if (typeof link === 'string') event.link = link;
  }
  assertMailEvent(event);
  return event;
}
