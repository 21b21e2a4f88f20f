import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import {
  ConfigurationSetDoesNotExistException,
  GetSendQuotaCommand,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SESServiceException,
  GetSendStatisticsCommand,
  SendEmailCommand,
  SendRawEmailCommand,
  SESClient,
} from '@aws-sdk/client-ses';
import { startLocalSes, type LocalSes, type LocalSesOptions } from '../../functions/local/ses-server';
import { extractHtmlPart, renderMailboxPage } from '../../functions/local/mailbox-page';
import { SesMailer, translateSesError } from '../../functions/adapters/ses/ses-mailer';
import { MailerQuotaExceededError, MailerRejectedError, MailerThrottledError } from '../../functions/domain/delivery/errors';
import { buildMessageTemplate, personaliseMessage } from '../../functions/domain/mail/mime';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';

const UNSUB = RecipientPlaceholder.UnsubscribeUrl;

let dataDir: string;
const servers: LocalSes[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pressroom-ses-'));
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await rm(dataDir, { recursive: true, force: true });
});

async function start(options: Partial<LocalSesOptions> = {}) {
  const ses = await startLocalSes({ dataDir, ...options });
  servers.push(ses);
  // maxAttempts 1: the SDK retries Throttling by itself, which would hide what the server answered.
  const client = new SESClient({
    endpoint: ses.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return { ses, client };
}

function newsletter(to = 'ada@example.org', url = 'https://news.example.com/u/tok?l=blog&x=1') {
  const template = buildMessageTemplate({
    from: { name: 'Prensa Económica', address: 'news@example.com' },
    subject: 'Économie : 🚀 numéro 12',
    html: `<p>Bonjour</p><a href="${UNSUB}">Se désabonner</a>`,
    text: `Bonjour\n${UNSUB}`,
    placeholders: [UNSUB],
  });
  return personaliseMessage(template, {
    to,
    values: { [UNSUB]: url },
    messageId: `r1.${to}`.replace('@', '.') + '@news.example.com',
    date: new Date('2025-03-04T05:06:07Z'),
    headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  });
}

const rawSend = (raw: Uint8Array, to = 'ada@example.org') =>
  new SendRawEmailCommand({ RawMessage: { Data: raw }, Destinations: [to], Source: 'news@example.com' });

describe('local SES server with the real SESClient', () => {
  it('SendRawEmail keeps the raw message byte for byte, List-Unsubscribe included', async () => {
    const { ses, client } = await start();
    const raw = newsletter();

    const { MessageId } = await client.send(rawSend(raw));

    expect(MessageId).toMatch(/^[0-9a-f-]+$/);
    const stored = ses.mailbox.getRaw(MessageId!);
    expect(stored?.equals(raw)).toBe(true);
    expect(stored?.toString('latin1')).toContain('List-Unsubscribe: <https://news.example.com/u/tok?l=blog&x=1>\r\n');
    expect(stored?.toString('latin1')).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
    expect(ses.mailbox.get(MessageId!)).toMatchObject({
      id: MessageId,
      to: ['ada@example.org'],
      from: 'news@example.com',
      subject: 'Économie : 🚀 numéro 12',
    });
  });

  it('takes recipients and sender from the headers when the envelope has none', async () => {
    const { ses, client } = await start();
    const { MessageId } = await client.send(new SendRawEmailCommand({ RawMessage: { Data: newsletter('bob@example.org') } }));
    expect(ses.mailbox.get(MessageId!)).toMatchObject({ to: ['bob@example.org'], from: '"Prensa Económica" <news@example.com>' });
  });

  it('SendEmail builds a message with both parts and the given recipients', async () => {
    const { ses, client } = await start();
    const { MessageId } = await client.send(
      new SendEmailCommand({
        Source: 'Pressroom <news@example.com>',
        Destination: { ToAddresses: ['a@example.org', 'b@example.org'], CcAddresses: ['c@example.org'], BccAddresses: ['d@example.org'] },
        ReplyToAddresses: ['reply@example.com'],
        Message: { Subject: { Data: 'Héllo' }, Body: { Text: { Data: 'plain' }, Html: { Data: '<b>html</b>' } } },
      }),
    );
    const mail = await simpleParser(ses.mailbox.getRaw(MessageId!)!);
    expect(mail.subject).toBe('Héllo');
    expect(mail.text?.trim()).toBe('plain');
    expect(mail.html).toBe('<b>html</b>');
    expect(mail.headers.get('cc')).toBeTruthy();
    expect(mail.headers.get('bcc')).toBeUndefined();
    expect(ses.mailbox.get(MessageId!)?.to).toEqual(['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org']);
  });

  it('GetSendQuota reports the configured limits and what was sent', async () => {
    const { client } = await start({ maxSendRate: 14, max24HourSend: 50_000 });
    await client.send(rawSend(newsletter()));
    const quota = await client.send(new GetSendQuotaCommand({}));
    expect(quota).toMatchObject({ MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 1 });

    const stats = await client.send(new GetSendStatisticsCommand({}));
    expect(stats.SendDataPoints?.reduce((n, p) => n + (p.DeliveryAttempts ?? 0), 0)).toBe(1);
  });

  it('reports -1 for limits that are not configured', async () => {
    const { client } = await start();
    expect(await client.send(new GetSendQuotaCommand({}))).toMatchObject({ MaxSendRate: -1, Max24HourSend: -1, SentLast24Hours: 0 });
  });

  it('answers Throttling past the send rate within one second, and accepts again after it', async () => {
    const { ses, client } = await start({ maxSendRate: 2 });
    await client.send(rawSend(newsletter()));
    await client.send(rawSend(newsletter()));

    const error = await client.send(rawSend(newsletter())).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'Throttling', message: 'Maximum sending rate exceeded.', $metadata: { httpStatusCode: 400 } });
    expect(ses.mailbox.list()).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    await expect(client.send(rawSend(newsletter()))).resolves.toHaveProperty('MessageId');
  });

  it('answers Throttling once the daily quota is used', async () => {
    const { client } = await start({ max24HourSend: 1 });
    await client.send(rawSend(newsletter()));
    await expect(client.send(rawSend(newsletter()))).rejects.toMatchObject({ name: 'Throttling', message: 'Daily message quota exceeded.' });
  });

  it('counts exactly max24HourSend sends against the quota, in a rolling window that can be shortened, and reports them', async () => {
    const { client, ses } = await start({ max24HourSend: 3, quotaWindowMs: 1_500 });
    for (let i = 0; i < 3; i++) await client.send(rawSend(newsletter()));
    await expect(client.send(rawSend(newsletter()))).rejects.toMatchObject({ name: 'Throttling', message: 'Daily message quota exceeded.' });
    expect(await client.send(new GetSendQuotaCommand({}))).toMatchObject({ Max24HourSend: 3, SentLast24Hours: 3 });
    // The window rolls on: the first sends age out of it, and the quota frees.
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(await client.send(new GetSendQuotaCommand({}))).toMatchObject({ SentLast24Hours: 0 });
    await client.send(rawSend(newsletter()));
    expect(ses.stats()).toEqual({ accepted: 4, throttled: 1 });
  });

  it('keeps messages across a close and restart on the same folder', async () => {
    const first = await start();
    const rawA = newsletter('a@example.org');
    const a = await first.client.send(rawSend(rawA, 'a@example.org'));
    const b = await first.client.send(rawSend(newsletter('b@example.org'), 'b@example.org'));
    await first.ses.close();
    servers.splice(servers.indexOf(first.ses), 1);

    const second = await start();
    const c = await second.client.send(rawSend(newsletter('c@example.org'), 'c@example.org'));

    expect(second.ses.mailbox.list().map((m) => m.id)).toEqual([a.MessageId, b.MessageId, c.MessageId]);
    expect(second.ses.mailbox.getRaw(a.MessageId!)?.equals(rawA)).toBe(true);
    expect(second.ses.mailbox.get(b.MessageId!)?.to).toEqual(['b@example.org']);
  });

  it('rejects malformed requests with InvalidParameterValue', async () => {
    const { ses, client } = await start({ maxSendRate: 1 });
    const noRecipients = new SendRawEmailCommand({ RawMessage: { Data: Buffer.from('From: a@example.com\r\nSubject: x\r\n\r\nbody') } });
    await expect(client.send(noRecipients)).rejects.toMatchObject({ name: 'InvalidParameterValue', $fault: 'client' });
    const noSender = new SendRawEmailCommand({ RawMessage: { Data: Buffer.from('not a message') }, Destinations: ['a@example.org'] });
    await expect(client.send(noSender)).rejects.toMatchObject({ name: 'InvalidParameterValue', message: "Missing required header 'From'." });

    const response = await fetch(`${ses.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=SendRawEmail&Version=2010-12-01&RawMessage.Data=%%%not-base64',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>InvalidParameterValue<\/Code>/);

    const unknown = await fetch(`${ses.endpoint}/`, { method: 'POST', body: 'Action=DeleteEverything' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('<Code>InvalidAction</Code>');

    // Rejected requests do not use up the send rate.
    await expect(client.send(rawSend(newsletter()))).resolves.toHaveProperty('MessageId');
    expect(ses.mailbox.list()).toHaveLength(1);
  });

  it('renders the mailbox page and a message HTML part', async () => {
    const { ses, client } = await start();
    const { MessageId } = await client.send(rawSend(newsletter()));
    const page = renderMailboxPage(ses.mailbox.list());
    expect(page).toContain(`href="/local/mail/${MessageId}"`);
    expect(page).toContain(`href="/local/mail/${MessageId}/html"`);
    expect(page).toContain('Économie : 🚀 numéro 12');
    expect(renderMailboxPage([{ id: 'x', to: ['<script>'], subject: '<img src=x>', date: '2025-01-01T00:00:00.000Z' }])).not.toMatch(/<script>|<img/);
    expect(await extractHtmlPart(ses.mailbox.getRaw(MessageId!)!)).toBe(
      '<p>Bonjour</p><a href="https://news.example.com/u/tok?l=blog&amp;x=1">Se désabonner</a>',
    );
  });
});

describe('SesMailer against the local SES server', () => {
  it('sends a raw message to exactly the given recipient and returns the message id', async () => {
    const { ses, client } = await start();
    const mailer = new SesMailer({ client });
    const raw = newsletter();

    const { messageId } = await mailer.sendRaw({ from: 'news@example.com', to: 'ada@example.org', raw });

    expect(ses.mailbox.getRaw(messageId)?.equals(raw)).toBe(true);
    expect(ses.mailbox.get(messageId)).toMatchObject({ to: ['ada@example.org'], from: 'news@example.com' });
  });

  it('turns throttling into MailerThrottledError, keeping the SES error as cause', async () => {
    const { client } = await start({ maxSendRate: 1 });
    const mailer = new SesMailer({ client });
    await mailer.sendRaw({ from: 'news@example.com', to: 'ada@example.org', raw: newsletter() });

    const error = await mailer.sendRaw({ from: 'news@example.com', to: 'ada@example.org', raw: newsletter() }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MailerThrottledError);
    expect(error).toMatchObject({ name: 'MailerThrottledError', cause: { name: 'Throttling' } });
  });

  it('turns a rejected message into MailerRejectedError and rethrows other errors', async () => {
    const { client } = await start();
    const mailer = new SesMailer({ client });
    const tooBig = new Uint8Array(10 * 1024 * 1024 + 1).fill(65);
    await expect(mailer.sendRaw({ from: 'news@example.com', to: 'ada@example.org', raw: tooBig })).rejects.toBeInstanceOf(MailerRejectedError);

    const malformed = mailer.sendRaw({ from: 'news@example.com', to: 'ada@example.org', raw: new Uint8Array(0) });
    await expect(malformed).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});

describe('translateSesError', () => {
  const meta = { $metadata: {}, message: 'boom' };
  const serviceError = (name: string, message = 'boom') => new SESServiceException({ name, message, $fault: 'client', $metadata: {} });

  it.each([
    ['MessageRejected', new MessageRejected(meta)],
    ['MailFromDomainNotVerifiedException', new MailFromDomainNotVerifiedException(meta)],
    ['ConfigurationSetDoesNotExistException', new ConfigurationSetDoesNotExistException(meta)],
  ])('treats %s as a permanent rejection', (_, error) => {
    expect(translateSesError(error)).toBeInstanceOf(MailerRejectedError);
  });

  it.each([
    ['Throttling', serviceError('Throttling')],
    ['ThrottlingException', serviceError('ThrottlingException')],
    ['a rate message', serviceError('SomethingElse', 'Maximum sending rate exceeded.')],
  ])('treats %s as throttling', (_, error) => {
    expect(translateSesError(error)).toBeInstanceOf(MailerThrottledError);
  });

  it.each([
    ['Throttling', serviceError('Throttling', 'Daily message quota exceeded.')],
    ['ThrottlingException', serviceError('ThrottlingException', 'Daily message quota exceeded')],
  ])('tells the daily quota (%s) from a rate throttle', (_, error) => {
    const translated = translateSesError(error);
    expect(translated).toBeInstanceOf(MailerQuotaExceededError);
    expect(translated).not.toBeInstanceOf(MailerThrottledError);
  });

  it('returns other errors unchanged', () => {
    const other = serviceError('AccessDenied');
    expect(translateSesError(other)).toBe(other);
  });
});
