import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { SqsQueue } from '../../functions/adapters/sqs/sqs-queue';

/** The SQS adapter's requests, recorded by a stand-in client. */
describe('SqsQueue', () => {
  const recording = () => {
    const inputs: SendMessageBatchCommand['input'][] = [];
    const client = {
      send: async (command: SendMessageBatchCommand) => {
        inputs.push(command.input);
        return {};
      },
    } as unknown as SQSClient;
    return { inputs, client };
  };

  it('sends batches of ten, with DelaySeconds only when asked, clamped to what SQS allows', async () => {
    const { inputs, client } = recording();
    const queue = new SqsQueue<{ n: number }>(client, 'https://sqs.example/send');
    await queue.send(Array.from({ length: 12 }, (_, n) => ({ n })));
    expect(inputs.map((i) => i.Entries!.length)).toEqual([10, 2]);
    expect(inputs[0].Entries![0]).toEqual({ Id: '0', MessageBody: '{"n":0}' });

    await queue.send([{ n: 1 }], { delaySeconds: 120 });
    await queue.send([{ n: 2 }], { delaySeconds: 5000 });
    expect(inputs.slice(2).map((i) => i.Entries![0].DelaySeconds)).toEqual([120, 900]);
  });

  it('sends the batch calls of one send together, not one round trip after another, and still throws when one fails', async () => {
    let inFlight = 0;
    let most = 0;
    const client = {
      send: async (command: SendMessageBatchCommand) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        if (command.input.Entries![0].MessageBody === '{"n":20}') throw new Error('SQS unavailable');
        return {};
      },
    } as unknown as SQSClient;
    const queue = new SqsQueue<{ n: number }>(client, 'https://sqs.example/send');
    await queue.send(Array.from({ length: 20 }, (_, n) => ({ n })));
    expect(most).toBe(2);
    await expect(queue.send(Array.from({ length: 30 }, (_, n) => ({ n })))).rejects.toThrow('SQS unavailable');
  });

  it('throws when SQS takes only part of a batch, naming how many it refused and why, so the caller retries the lot', async () => {
    // SQS answers a batch with per-entry failures that no local stand-in produces: injected here.
    const client = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const sqs = mockClient(client);
    sqs.on(SendMessageBatchCommand).resolvesOnce({ Successful: [], Failed: [] }).resolves({
      Successful: [{ Id: '0', MessageId: 'm0', MD5OfMessageBody: '' }],
      Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false, Message: 'try again' }],
    });
    const queue = new SqsQueue<{ n: number }>(client, 'https://sqs.example/send');
    await queue.send(Array.from({ length: 10 }, (_, n) => ({ n })));
    await expect(queue.send([{ n: 10 }, { n: 11 }])).rejects.toThrow('SQS rejected 1 of 2 messages: try again');
  });
});
