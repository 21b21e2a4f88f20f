/**
 * A local stand-in for SES v1 (the `2010-12-01` Query API) that the real `@aws-sdk/client-ses` talks to
 * over HTTP. Unlike aws-ses-v2-local it keeps every message's raw MIME byte for byte, so tests can
 * check headers such as List-Unsubscribe. Messages persist in a folder and survive a restart.
 *
 * Query protocol: the SDK POSTs `application/x-www-form-urlencoded` (`Action=SendRawEmail&Version=…`,
 * lists as `Name.member.N`, blobs base64) and reads `<ActionResponse><ActionResult>…` XML; errors are
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error>` with HTTP 400, and `Code` becomes the
 * SDK error's `name`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { buildMessageTemplate, personaliseMessage } from '../domain/mail/mime';

export interface LocalSesOptions {
  dataDir: string;
  /** 0 or omitted: an ephemeral port. */
  port?: number;
  /** Messages per second over a sliding 1 s window; omitted = unlimited. */
  maxSendRate?: number;
  /**
   * The `MaxSendRate` that GetSendQuota reports, when it should differ from the rate enforced: real
   * SES can throttle below its advertised quota (account-level protection, a quota just lowered), and
   * a sender must survive that. Omitted = report `maxSendRate`.
   */
  reportedMaxSendRate?: number;
  /** Messages per sliding 24 h (counted from the mailbox, so a restart keeps them); omitted = unlimited. */
  max24HourSend?: number;
  /**
   * The length of the quota's sliding window, 24 h unless a test shortens it to see the quota free
   * again. `SentLast24Hours` counts within it too.
   */
  quotaWindowMs?: number;
  /**
   * Receives the SES event records (Delivery, Bounce, Complaint) each accepted message causes, shaped
   * like the SQS body of SES → SNS → SQS with raw delivery. See {@link simulatedEvents} for which
   * addresses bounce or complain.
   */
  onEvent?: (event: object) => void;
}

export interface LocalSes {
  /** `http://127.0.0.1:PORT`, for `new SESClient({ endpoint })`. */
  endpoint: string;
  port: number;
  mailbox: LocalMailbox;
  /** Messages accepted and `Throttling` answers given since start. */
  stats(): LocalSesStats;
  /**
   * What SES publishes when a reader opens a message or follows one of its links, with engagement
   * tracking on: handed to `onEvent` like the other events. False for a message this process did not
   * accept (its tags are kept in memory only).
   */
  engage(messageId: string, engagement: { type: 'Open' } | { type: 'Click'; link: string }): boolean;
  close(): Promise<void>;
}

export interface LocalSesStats {
  accepted: number;
  throttled: number;
}

/** What the mailbox knows about a stored message; `date` is when it was accepted (ISO 8601). */
export interface StoredMessage {
  id: string;
  to: string[];
  from: string;
  subject: string;
  date: string;
  /**
   * When the send was admitted against the rate limit, epoch ms with sub-millisecond precision: the
   * instant the sliding window counted it, so windows computed from these match what was enforced.
   * Absent on messages stored before it was recorded.
   */
  acceptedAtMs?: number;
}

const XMLNS = 'http://ses.amazonaws.com/doc/2010-12-01/';
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024; // SES v1 limit for a raw message
const MAX_REQUEST_BYTES = 16 * 1024 * 1024; // base64 of 10 MB plus the other parameters
const DAY_MS = 24 * 60 * 60 * 1000;

type Envelope = Pick<StoredMessage, 'to' | 'from' | 'subject'>;

/** Epoch ms with the monotonic clock's resolution. */
const hiResNow = () => performance.timeOrigin + performance.now();

/** An error SES would answer with: becomes an `<ErrorResponse>` and, in the SDK, an error named `code`. */
class SesFault extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

/**
 * Stored messages: `<dataDir>/<id>.eml` (the raw MIME) and `<id>.json` ({@link StoredMessage}).
 * Ids start with the acceptance time in hex, so sorting ids sorts by time.
 *
 * @example
 * const mailbox = new LocalMailbox('.data/mail');
 * const last = mailbox.list().at(-1);
 * const raw = last && mailbox.getRaw(last.id);
 */
export class LocalMailbox {
  private readonly messages = new Map<string, StoredMessage>();
  private sequence = 0;

  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    const files = readdirSync(dataDir).filter((f) => f.endsWith('.json')).sort();
    for (const file of files) {
      const meta = JSON.parse(readFileSync(join(dataDir, file), 'utf8')) as StoredMessage;
      if (existsSync(this.rawPath(meta.id))) this.messages.set(meta.id, meta);
    }
  }

  /** All messages, oldest first, newest last. */
  list(): StoredMessage[] {
    return [...this.messages.values()];
  }

  get(id: string): StoredMessage | undefined {
    return this.messages.get(id);
  }

  getRaw(id: string): Buffer | undefined {
    return this.messages.has(id) ? readFileSync(this.rawPath(id)) : undefined;
  }

  /** Messages accepted at or after `since`. */
  countSince(since: Date): number {
    return this.list().filter((m) => new Date(m.date) >= since).length;
  }

  /** Stores a raw message exactly as received, with its envelope from {@link readEnvelope}. */
  async add(raw: Buffer, envelope: Envelope, now = new Date(), acceptedAtMs?: number): Promise<StoredMessage> {
    const id = `${now.getTime().toString(16).padStart(12, '0')}${(this.sequence++ & 0xffff).toString(16).padStart(4, '0')}-${randomUUID()}-000000`;
    const meta: StoredMessage = { id, ...envelope, date: now.toISOString(), ...(acceptedAtMs === undefined ? {} : { acceptedAtMs }) };
    await writeFile(this.rawPath(id), raw);
    // Metadata last, via rename: a reload never sees metadata without its message.
    await writeFile(join(this.dataDir, `${id}.json.tmp`), JSON.stringify(meta));
    await rename(join(this.dataDir, `${id}.json.tmp`), join(this.dataDir, `${id}.json`));
    this.messages.set(id, meta);
    return meta;
  }

  async clear(): Promise<void> {
    const ids = [...this.messages.keys()];
    this.messages.clear();
    await Promise.all(ids.flatMap((id) => [rm(this.rawPath(id), { force: true }), rm(join(this.dataDir, `${id}.json`), { force: true })]));
  }

  private rawPath(id: string): string {
    return join(this.dataDir, `${id}.eml`);
  }
}

/**
 * Starts the local SES endpoint on 127.0.0.1.
 *
 * @example
 * const ses = await startLocalSes({ dataDir: '.data/ses', maxSendRate: 14 });
 * const client = new SESClient({ endpoint: ses.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
 * // … later
 * await ses.close();
 */
export async function startLocalSes(options: LocalSesOptions): Promise<LocalSes> {
  const mailbox = new LocalMailbox(options.dataDir);
  const recentSends: number[] = [];
  const counts: LocalSesStats = { accepted: 0, throttled: 0 };
  const quotaWindowMs = options.quotaWindowMs ?? DAY_MS;
  // Admission times within the quota's window, from the mailbox at start (so a restart keeps them).
  let quotaSends = mailbox.list().map((m) => m.acceptedAtMs ?? Date.parse(m.date));
  const sentInQuotaWindow = (now: number) => (quotaSends = quotaSends.filter((t) => t > now - quotaWindowMs)).length;

  // Sliding window: a send is refused when maxSendRate sends were accepted in the last 1000 ms.
  function admit(now: number): void {
    while (recentSends.length && recentSends[0] <= now - 1000) recentSends.shift();
    if (options.maxSendRate !== undefined && recentSends.length >= options.maxSendRate) {
      counts.throttled++;
      throw new SesFault('Throttling', 'Maximum sending rate exceeded.');
    }
    if (options.max24HourSend !== undefined && sentInQuotaWindow(now) >= options.max24HourSend) {
      counts.throttled++;
      throw new SesFault('Throttling', 'Daily message quota exceeded.');
    }
    recentSends.push(now); // counted before the async store, so concurrent requests see it
    quotaSends.push(now);
    counts.accepted++;
  }

  // What engage() needs to build an open or click event as SES would: the message's tags.
  const sentMessages = new Map<string, SimulatedMessage>();

  async function store(raw: Buffer, envelope: { destinations?: string[]; source?: string }, params: URLSearchParams): Promise<string> {
    if (raw.length > MAX_MESSAGE_BYTES) throw new SesFault('MessageRejected', `Message length is more than ${MAX_MESSAGE_BYTES} bytes long: '${raw.length}'.`);
    const tags = messageTags(params);
    const described = await readEnvelope(raw, envelope);
    const acceptedAtMs = hiResNow();
    admit(acceptedAtMs);
    const stored = await mailbox.add(raw, described, new Date(acceptedAtMs), acceptedAtMs);
    const simulated: SimulatedMessage = {
      messageId: stored.id,
      source: stored.from,
      destinations: stored.to,
      tags,
      configurationSet: params.get('ConfigurationSetName') ?? undefined,
      timestamp: new Date(stored.date),
    };
    sentMessages.set(stored.id, simulated);
    if (options.onEvent) {
      const events = simulatedEvents(simulated);
      for (const event of events) {
        try {
          options.onEvent(event);
        } catch {
          // A notification hook: its failure must not fail a send SES already accepted.
        }
      }
    }
    return stored.id;
  }

  const actions: Record<string, (params: URLSearchParams) => Promise<string>> = {
    async SendRawEmail(params) {
      const data = params.get('RawMessage.Data');
      if (!data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) throw new SesFault('InvalidParameterValue', 'RawMessage.Data must be non-empty base64.');
      const destinations = members(params, 'Destinations');
      const id = await store(Buffer.from(data, 'base64'), { destinations, source: params.get('Source') ?? undefined }, params);
      return `<MessageId>${id}</MessageId>`;
    },
    async SendEmail(params) {
      const source = params.get('Source');
      if (!source) throw new SesFault('InvalidParameterValue', 'Source is required.');
      const [to, cc, bcc] = ['To', 'Cc', 'Bcc'].map((kind) => members(params, `Destination.${kind}Addresses`));
      const id = await store(composeSimpleEmail(params, source, to, cc), { destinations: [...to, ...cc, ...bcc], source }, params);
      return `<MessageId>${id}</MessageId>`;
    },
    async GetSendQuota() {
      // -1 means unlimited, as SES reports for Max24HourSend.
      const sent = sentInQuotaWindow(hiResNow());
      return `<Max24HourSend>${num(options.max24HourSend ?? -1)}</Max24HourSend><MaxSendRate>${num(options.reportedMaxSendRate ?? options.maxSendRate ?? -1)}</MaxSendRate><SentLast24Hours>${num(sent)}</SentLast24Hours>`;
    },
    async GetSendStatistics() {
      // SES reports 15-minute buckets over the last two weeks.
      const buckets = new Map<number, number>();
      for (const m of mailbox.list()) {
        const bucket = Math.floor(Date.parse(m.date) / 900_000) * 900_000;
        if (bucket >= Date.now() - 14 * DAY_MS) buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
      }
      const points = [...buckets].map(
        ([t, n]) => `<member><Timestamp>${new Date(t).toISOString()}</Timestamp><DeliveryAttempts>${n}</DeliveryAttempts><Bounces>0</Bounces><Complaints>0</Complaints><Rejects>0</Rejects></member>`,
      );
      return `<SendDataPoints>${points.join('')}</SendDataPoints>`;
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      if (req.method !== 'POST') throw new SesFault('InvalidAction', 'Only POST is supported.', 405);
      const params = new URLSearchParams((await readBody(req)).toString('utf8'));
      const action = params.get('Action');
      if (!action) throw new SesFault('MissingAction', 'Action is required.');
      const run = Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!run) throw new SesFault('InvalidAction', `Could not find operation ${action} for version 2010-12-01.`);
      const result = await run(params);
      send(res, 200, requestId, `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`);
    } catch (error) {
      const fault = error instanceof SesFault ? error : new SesFault('InternalFailure', error instanceof Error ? error.message : String(error), 500);
      const type = fault.status >= 500 ? 'Receiver' : 'Sender';
      send(res, fault.status, requestId, `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${fault.code}</Code><Message>${xml(fault.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    mailbox,
    stats: () => ({ ...counts }),
    engage(messageId, engagement) {
      const message = sentMessages.get(messageId);
      if (!message) return false;
      for (const event of engagementEvents(message, engagement, new Date())) options.onEvent?.(event);
      return true;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

/**
 * The most acceptances in any window of `windowMs`, judged the way the server enforces its rate:
 * a send at `t` shares the window `(t - windowMs, t]` with the sends before it.
 *
 * @example
 * busiestWindow(ses.mailbox.list().map((m) => m.acceptedAtMs!)) // ≤ maxSendRate, always
 */
export function busiestWindow(acceptedAtMs: readonly number[], windowMs = 1000): number {
  const times = [...acceptedAtMs].sort((x, y) => x - y);
  let busiest = 0;
  for (let last = 0, first = 0; last < times.length; last++) {
    while (times[first] <= times[last] - windowMs) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

const TAG_TEXT = /^[A-Za-z0-9_-]{1,256}$/;

/** `Tags.member.N.Name` / `.Value`, checked against SES's rules (ASCII letters, digits, `_`, `-`; ≤ 256). */
function messageTags(params: URLSearchParams): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let n = 1; params.has(`Tags.member.${n}.Name`); n++) {
    const name = params.get(`Tags.member.${n}.Name`)!;
    const value = params.get(`Tags.member.${n}.Value`) ?? '';
    if (!TAG_TEXT.test(name)) throw new SesFault('InvalidParameterValue', `Invalid tag name <${name}>: only ASCII letters, digits, underscores and dashes, at most 256.`);
    if (!TAG_TEXT.test(value)) throw new SesFault('InvalidParameterValue', `Invalid tag value <${value}>: only ASCII letters, digits, underscores and dashes, at most 256.`);
    tags[name] = value;
  }
  return tags;
}

/** Addresses at this domain bounce transiently (mailbox full), for trying the transient-bounce limit locally. */
export const LOCAL_TRANSIENT_BOUNCE_DOMAIN = 'transient.pressroom.test';
const SIMULATOR_DOMAIN = 'simulator.amazonses.com';

export interface SimulatedMessage {
  messageId: string;
  source: string;
  destinations: string[];
  tags: Record<string, string>;
  configurationSet?: string;
  timestamp: Date;
}

/**
 * The SES event records a real send would cause, following SES's mailbox simulator (labels such
 * as `bounce+1@` work too):
 *
 * | recipient                                   | events                                        |
 * | ------------------------------------------- | --------------------------------------------- |
 * | `bounce@simulator.amazonses.com`            | Bounce, Permanent / General                   |
 * | `complaint@simulator.amazonses.com`         | Delivery, then Complaint                      |
 * | `suppressionlist@simulator.amazonses.com`   | Bounce, Permanent / OnAccountSuppressionList  |
 * | `ooto@simulator.amazonses.com`, any other   | Delivery                                      |
 * | anything `@transient.pressroom.test`        | Bounce, Transient / MailboxFull               |
 *
 * Events go out whether or not a configuration set was named (locally there is none); tags come
 * back in `mail.tags` as SES returns them, each a list of values.
 *
 * @example
 * simulatedEvents({ messageId, source: 'news@example.org', destinations: ['bounce@simulator.amazonses.com'], tags: {}, timestamp: new Date() })
 */
export function simulatedEvents(message: SimulatedMessage): object[] {
  const at = message.timestamp;
  const later = (ms: number) => new Date(at.getTime() + ms).toISOString();
  const tags: Record<string, string[]> = Object.fromEntries(Object.entries(message.tags).map(([k, v]) => [k, [v]]));
  if (message.configurationSet) tags['ses:configuration-set'] = [message.configurationSet];
  tags['ses:source-ip'] = ['127.0.0.1'];
  tags['ses:from-domain'] = [message.source.slice(message.source.lastIndexOf('@') + 1).replace(/>$/, '')];
  const mail = (recipient: string) => ({
    timestamp: at.toISOString(),
    source: message.source,
    sourceArn: `arn:aws:ses:us-east-1:000000000000:identity/${message.source.replace(/^.*<|>$/g, '')}`,
    sendingAccountId: '000000000000',
    messageId: message.messageId,
    destination: [recipient],
    headersTruncated: false,
    tags,
  });
  const delivery = (recipient: string) => ({
    eventType: 'Delivery',
    mail: mail(recipient),
    delivery: { timestamp: later(500), processingTimeMillis: 500, recipients: [recipient], smtpResponse: '250 2.6.0 Message received', reportingMTA: 'a1-2.smtp-out.local' },
  });
  const bounce = (recipient: string, bounceType: string, bounceSubType: string, status: string, diagnosticCode: string) => ({
    eventType: 'Bounce',
    mail: mail(recipient),
    bounce: {
      bounceType,
      bounceSubType,
      bouncedRecipients: [{ emailAddress: recipient, action: 'failed', status, diagnosticCode }],
      timestamp: later(700),
      feedbackId: `${message.messageId}-bounce`,
      reportingMTA: 'dsn; a1-2.smtp-out.local',
    },
  });
  return message.destinations.flatMap((recipient): object[] => {
    const split = recipient.lastIndexOf('@');
    const domain = recipient.slice(split + 1).toLowerCase();
    const box = recipient.slice(0, split).toLowerCase().split('+')[0];
    if (domain === LOCAL_TRANSIENT_BOUNCE_DOMAIN) return [bounce(recipient, 'Transient', 'MailboxFull', '4.2.2', 'smtp; 452 4.2.2 Mailbox full')];
    if (domain !== SIMULATOR_DOMAIN) return [delivery(recipient)];
    if (box === 'bounce') return [bounce(recipient, 'Permanent', 'General', '5.1.1', 'smtp; 550 5.1.1 user unknown')];
    if (box === 'suppressionlist') {
      return [bounce(recipient, 'Permanent', 'OnAccountSuppressionList', '5.1.1', 'Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.')];
    }
    if (box === 'complaint') {
      return [
        delivery(recipient),
        {
          eventType: 'Complaint',
          mail: mail(recipient),
          complaint: {
            complainedRecipients: [{ emailAddress: recipient }],
            timestamp: later(1000),
            feedbackId: `${message.messageId}-complaint`,
            userAgent: 'Pressroom local SES',
            complaintFeedbackType: 'abuse',
            arrivalDate: later(600),
          },
        },
      ];
    }
    return [delivery(recipient)];
  });
}

/**
 * The Open or Click event SES publishes for each recipient of a message when tracking is on (the
 * reader's IP address and agent are made up: Pressroom never reads them).
 *
 * @example
 * engagementEvents(message, { type: 'Click', link: 'https://example.org/post' }, new Date())
 */
export function engagementEvents(message: SimulatedMessage, engagement: { type: 'Open' } | { type: 'Click'; link: string }, at: Date): object[] {
  const [sample] = simulatedEvents({ ...message, destinations: ['reader@example.com'] }) as { mail: Record<string, unknown> }[];
  return message.destinations.map((recipient) => ({
    eventType: engagement.type,
    mail: { ...sample.mail, destination: [recipient] },
    ...(engagement.type === 'Open'
      ? { open: { timestamp: at.toISOString(), ipAddress: '192.0.2.1', userAgent: 'Pressroom local mail app' } }
      : { click: { timestamp: at.toISOString(), link: engagement.link, linkTags: {}, ipAddress: '192.0.2.1', userAgent: 'Pressroom local mail app' } }),
  }));
}

/** SendEmail's message, built with the same MIME code the service uses for raw sends. */
function composeSimpleEmail(params: URLSearchParams, source: string, to: string[], cc: string[]): Buffer {
  const text = params.get('Message.Body.Text.Data') ?? '';
  const html = params.get('Message.Body.Html.Data') ?? `<pre>${xml(text)}</pre>`;
  const named = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(source);
  const replyTo = members(params, 'ReplyToAddresses');
  try {
    const template = buildMessageTemplate({
      from: named ? { name: named[1], address: named[2] } : { address: source.trim() },
      replyTo: replyTo.length ? replyTo.join(', ') : undefined,
      subject: params.get('Message.Subject.Data') ?? '',
      html,
      text,
      headers: cc.length ? { Cc: cc.join(', ') } : {},
      placeholders: [],
    });
    const id = `${randomUUID()}@email.amazonses.com`;
    return personaliseMessage(template, { to: to.length ? to.join(', ') : 'undisclosed-recipients:;', values: {}, messageId: id, date: new Date() });
  } catch (error) {
    throw new SesFault('InvalidParameterValue', error instanceof Error ? error.message : String(error));
  }
}

/**
 * Recipients, sender and subject of a raw message. As in SES, `destinations` win over To/Cc/Bcc and
 * `source` over From.
 */
async function readEnvelope(raw: Buffer, envelope: { destinations?: string[]; source?: string }): Promise<Envelope> {
  const headers = await simpleParser(headerBlock(raw));
  const to = envelope.destinations?.length ? envelope.destinations : [headers.to, headers.cc, headers.bcc].flatMap(addresses);
  const from = envelope.source ?? headers.from?.text;
  if (!from) throw new SesFault('InvalidParameterValue', "Missing required header 'From'.");
  if (!to.length) throw new SesFault('InvalidParameterValue', 'Missing recipients: give Destinations or a To, Cc or Bcc header.');
  return { to, from, subject: headers.subject ?? '' };
}

/** Query-protocol list `Name.member.1`, `Name.member.2`, … in order. */
function members(params: URLSearchParams, name: string): string[] {
  const prefix = `${name}.member.`;
  return [...params]
    .filter(([key]) => key.startsWith(prefix))
    .sort(([a], [b]) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map(([, value]) => value);
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return [field ?? []].flat().flatMap((group) => group.value.flatMap((a) => (a.group ?? [a]).map((m) => m.address ?? '').filter(Boolean)));
}

/** The header section only: enough for the metadata, and cheap on large messages. */
function headerBlock(raw: Buffer): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  const lfEnd = raw.indexOf('\n\n');
  const cut = end >= 0 ? end + 4 : lfEnd >= 0 ? lfEnd + 2 : raw.length;
  return raw.subarray(0, cut);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) throw new SesFault('InvalidParameterValue', 'Request too large.', 413);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, requestId: string, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', 'x-amzn-requestid': requestId });
  res.end(body);
}

function num(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
