import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeMessageVisibilityCommand, DeleteMessageBatchCommand, DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand,
  PurgeQueueCommand, QueueDoesNotExist, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_CLIENT_CONFIG } from '../../functions/local/dynamo';
import { startLocalSqs, type LocalSqs } from '../../functions/local/sqs-server';

/** The local SQS endpoint through the real SQSClient (JSON protocol, MD5 checks and all). */

const quiet = { info() {}, warn() {}, error() {} };
const started: { sqs: LocalSqs; client: SQSClient }[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const { sqs, client } of started.splice(0)) {
    client.destroy();
    await sqs.close();
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function givenEndpoint(options: { dataDir?: string; visibilityTimeoutMs?: number; maxReceiveCount?: number } = {}) {
  const sqs = await startLocalSqs({
    queues: [{ name: 'send', visibilityTimeoutMs: options.visibilityTimeoutMs ?? 30_000, maxReceiveCount: options.maxReceiveCount ?? 2 }],
    dataDir: options.dataDir,
    logger: quiet,
  });
  const client = new SQSClient({ ...LOCAL_CLIENT_CONFIG, endpoint: sqs.endpoint });
  started.push({ sqs, client });
  return { sqs, client, url: sqs.queue('send').url };
}

const receive = (client: SQSClient, QueueUrl: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
  client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], ...extra })).then((r) => r.Messages ?? []);

const depth = async (client: SQSClient, QueueUrl: string) => {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
  return Attributes!;
};

describe('local SQS endpoint', () => {
  it('sends, receives with system attributes and the body MD5, and deletes', async () => {
    const { client, url, sqs } = await givenEndpoint();
    expect((await client.send(new GetQueueUrlCommand({ QueueName: 'send' }))).QueueUrl).toBe(url);
    expect(url).toBe(`${sqs.endpoint}/000000000000/send`);

    const sent = await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'grüße ✉' }));
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('grüße ✉').digest('hex'));

    const [message] = await receive(client, url);
    expect(message).toMatchObject({ MessageId: sent.MessageId, Body: 'grüße ✉', MD5OfBody: sent.MD5OfMessageBody });
    expect(message.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: '000000000000' });
    expect(Number(message.Attributes!.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(Number(message.Attributes!.SentTimestamp));
    expect(await depth(client, url)).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
      QueueArn: 'arn:aws:sqs:local:000000000000:send',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:local:000000000000:send-dlq', maxReceiveCount: 2 }),
    });

    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
    expect(await depth(client, url)).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('returns a received message after its visibility timeout, or at once when its visibility is set to 0', async () => {
    const { client, url } = await givenEndpoint({ maxReceiveCount: 5 });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));

    const [first] = await receive(client, url, { VisibilityTimeout: 1 });
    expect(await receive(client, url)).toEqual([]);
    const [second] = await receive(client, url, { WaitTimeSeconds: 3 }); // long polling waits out the second
    expect(second.Attributes!.ApproximateReceiveCount).toBe('2');
    expect(second.ReceiptHandle).not.toBe(first.ReceiptHandle);

    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: second.ReceiptHandle, VisibilityTimeout: 0 }));
    const [third] = await receive(client, url);
    expect(third.Attributes!.ApproximateReceiveCount).toBe('3');
  });

  it('answers a batch entry by entry: a malformed receipt handle fails alone, the others are deleted', async () => {
    const { client, url } = await givenEndpoint();
    const batch = await client.send(
      new SendMessageBatchCommand({ QueueUrl: url, Entries: ['a', 'b', 'c'].map((body) => ({ Id: body, MessageBody: body })) }),
    );
    expect(batch.Successful!.map((s) => s.Id)).toEqual(['a', 'b', 'c']);
    const messages = await receive(client, url);

    const deleted = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [...messages.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle })), { Id: 'bad', ReceiptHandle: 'not-a-handle' }],
      }),
    );

    expect(deleted.Successful!.map((s) => s.Id)).toEqual(['m0', 'm1', 'm2']);
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid', SenderFault: true })]);
    expect((await depth(client, url)).ApproximateNumberOfMessagesNotVisible).toBe('0');
  });

  it('moves a message to the DLQ on the receive after maxReceiveCount, and a move task without a destination returns it to its source', async () => {
    const { client, url, sqs } = await givenEndpoint({ maxReceiveCount: 2 });
    const { deadLetter } = sqs.queue('send');
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    for (let receiveCount = 1; receiveCount <= 2; receiveCount++) {
      const [message] = await receive(client, url, { VisibilityTimeout: 0 });
      expect(message.Attributes!.ApproximateReceiveCount).toBe(String(receiveCount));
    }

    expect(await receive(client, url)).toEqual([]); // the third receive moved it instead
    expect((await depth(client, deadLetter.url)).ApproximateNumberOfMessages).toBe('1');
    const [dead] = await receive(client, deadLetter.url, { VisibilityTimeout: 0 });
    expect(dead.Attributes).toMatchObject({ DeadLetterQueueSourceArn: sqs.queue('send').arn, ApproximateReceiveCount: '3' });

    const { TaskHandle } = await client.send(new StartMessageMoveTaskCommand({ SourceArn: deadLetter.arn }));
    expect(TaskHandle).toEqual(expect.any(String));
    expect((await depth(client, deadLetter.url)).ApproximateNumberOfMessages).toBe('0');
    const [back] = await receive(client, url);
    expect(back).toMatchObject({ Body: 'poison', Attributes: expect.objectContaining({ ApproximateReceiveCount: '1' }) });
  });

  it('holds a delayed message back for DelaySeconds and refuses delays over 900', async () => {
    const { client, url } = await givenEndpoint();
    const sentAt = Date.now();
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 1 }));
    expect((await depth(client, url)).ApproximateNumberOfMessagesDelayed).toBe('1');
    expect(await receive(client, url)).toEqual([]);
    const [message] = await receive(client, url, { WaitTimeSeconds: 2 });
    expect(message.Body).toBe('later');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(1_000);

    await expect(client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('answers QueueDoesNotExist (AWS.SimpleQueueService.NonExistentQueue) for an unknown queue', async () => {
    const { client, sqs } = await givenEndpoint();
    const error = await client.send(new SendMessageCommand({ QueueUrl: `${sqs.endpoint}/000000000000/nope`, MessageBody: 'x' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueDoesNotExist);
    expect(error).toMatchObject({ Code: 'AWS.SimpleQueueService.NonExistentQueue', $metadata: { httpStatusCode: 400 } });
    await expect(client.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('purges a queue', async () => {
    const { client, url } = await givenEndpoint();
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    await client.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(await receive(client, url)).toEqual([]);
  });

  it('keeps every message sent and not deleted across a restart, in-flight ones visible again, and compacts the journal', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pressroom-sqs-'));
    dirs.push(dataDir);
    const before = await givenEndpoint({ dataDir, maxReceiveCount: 5 });
    await before.client.send(
      new SendMessageBatchCommand({ QueueUrl: before.url, Entries: ['kept', 'deleted', 'in flight'].map((b, i) => ({ Id: String(i), MessageBody: b })) }),
    );
    await before.client.send(new SendMessageCommand({ QueueUrl: before.url, MessageBody: 'delayed', DelaySeconds: 60 }));
    const received = await receive(before.client, before.url, { MaxNumberOfMessages: 3 });
    const byBody = new Map(received.map((m) => [m.Body, m]));
    await before.client.send(new DeleteMessageCommand({ QueueUrl: before.url, ReceiptHandle: byBody.get('deleted')!.ReceiptHandle }));
    await before.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: before.url, ReceiptHandle: byBody.get('kept')!.ReceiptHandle, VisibilityTimeout: 0 }));
    // No close: what a killed process leaves is what was written, not what a shutdown would flush.
    started.splice(started.findIndex((s) => s.sqs === before.sqs), 1);
    before.client.destroy();
    const journalBefore = readFileSync(join(dataDir, 'send.jsonl'), 'utf8').trim().split('\n').length;

    const after = await givenEndpoint({ dataDir, maxReceiveCount: 5 });
    const messages = await receive(after.client, after.url);
    expect(messages.map((m) => [m.Body, m.Attributes!.ApproximateReceiveCount]).sort()).toEqual([
      ['in flight', '2'],
      ['kept', '2'],
    ]);
    expect((await depth(after.client, after.url)).ApproximateNumberOfMessagesDelayed).toBe('1');
    // Compacted on open: one line per live message, then this run's receive.
    expect(journalBefore).toBeGreaterThan(4);
    expect(readFileSync(join(dataDir, 'send.jsonl'), 'utf8').trim().split('\n').length).toBe(3 + 2);
    await before.sqs.close();
  });
});
