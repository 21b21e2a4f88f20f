import type { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
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
});
