import { GetQueueAttributesCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { countDeadLetters, deadLetterDepths, isLastReceive, redriveDeadLetters } from '../../functions/domain/delivery/dead-letters';
import { UnknownQueueError } from '../../functions/domain/delivery/errors';
import { SqsDeadLetterQueues } from '../../functions/adapters/sqs/dead-letter-queues';
import { deadLetterEnvNames, readConfig } from '../../functions/runtime/config';
import { MAX_RECEIVE_COUNT } from '../../functions/runtime/routes';
import { MemoryReleaseStatsStore } from '../helpers/fakes';

const refs = [
  { queue: 'fan-out', url: 'https://sqs.example/1/fan-out-dlq', arn: 'arn:aws:sqs:us-east-1:1:fan-out-dlq', sourceArn: 'arn:aws:sqs:us-east-1:1:fan-out' },
  { queue: 'send', url: 'https://sqs.example/1/send-dlq', arn: 'arn:aws:sqs:us-east-1:1:send-dlq', sourceArn: 'arn:aws:sqs:us-east-1:1:send' },
];

describe('dead letters', () => {
  it('a failure on the last allowed receive is the one that dead-letters', () => {
    expect(isLastReceive(MAX_RECEIVE_COUNT - 1, MAX_RECEIVE_COUNT)).toBe(false);
    expect(isLastReceive(MAX_RECEIVE_COUNT, MAX_RECEIVE_COUNT)).toBe(true);
    expect(isLastReceive(Number(undefined), MAX_RECEIVE_COUNT)).toBe(false);
  });

  it('counts dying jobs per release and ignores those without one', async () => {
    const releaseStats = new MemoryReleaseStatsStore();
    await countDeadLetters(['a', undefined, 'a', 'b'], { releaseStats });
    expect((await releaseStats.get('a')).deadLettered).toBe(2);
    expect((await releaseStats.get('b')).deadLettered).toBe(1);
  });

  it('reads each DLQ depth from SQS and redrives with a move task back to the source queue', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(GetQueueAttributesCommand, { QueueUrl: refs[1].url }).resolves({ Attributes: { ApproximateNumberOfMessages: '3' } });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: refs[0].url }).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    const deadLetterQueues = new SqsDeadLetterQueues(refs, new SQSClient({ region: 'us-east-1' }));

    expect(await deadLetterDepths({ deadLetterQueues })).toEqual([
      { queue: 'fan-out', deadLetters: 0 },
      { queue: 'send', deadLetters: 3 },
    ]);
    expect(await redriveDeadLetters('send', { deadLetterQueues })).toEqual({ queue: 'send', taskHandle: 'task-1' });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0].args[0].input).toEqual({ SourceArn: refs[1].arn, DestinationArn: refs[1].sourceArn });
    await expect(redriveDeadLetters('nope', { deadLetterQueues })).rejects.toBeInstanceOf(UnknownQueueError);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(1);
    sqs.restore();
  });

  it('reads the DLQ locations and the receive count from the environment infra sets', () => {
    const env: Record<string, string> = { PRESSROOM_TABLE_NAME: 't', PRESSROOM_PUBLIC_URL: 'https://x.example' };
    expect(readConfig(env)).toMatchObject({ maxReceiveCount: MAX_RECEIVE_COUNT, deadLetterQueues: [] });
    const names = deadLetterEnvNames('send');
    expect(names).toEqual({ url: 'PRESSROOM_DLQ_SEND_URL', arn: 'PRESSROOM_DLQ_SEND_ARN', sourceArn: 'PRESSROOM_QUEUE_SEND_ARN' });
    const config = readConfig({ ...env, PRESSROOM_MAX_RECEIVE_COUNT: '3', [names.url]: refs[1].url, [names.arn]: refs[1].arn, [names.sourceArn]: refs[1].sourceArn });
    expect(config).toMatchObject({ maxReceiveCount: 3, deadLetterQueues: [refs[1]] });
  });
});
