import { createHash } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalQueue, type DeadLetter, type LocalLogger, type LocalQueueOptions } from '../../functions/local/local-queue';

interface Job {
  id: string;
}

interface Delivery {
  id: string;
  receiveCount: number;
}

const queues: LocalQueue<Job>[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.stop()));
});

function recordingLogger() {
  const lines: { level: string; message: string; attributes?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) => lines.push({ level, message, attributes });
  const logger: LocalLogger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

/** A queue with fast timings; the handler records every delivery before deciding what to answer. */
function givenQueue(
  respond: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>,
  options: Partial<LocalQueueOptions<Job>> = {},
) {
  const deliveries: Delivery[][] = [];
  const { logger, lines } = recordingLogger();
  const queue = new LocalQueue<Job>({
    name: 'send',
    // Long enough that a stalled handler (GC, a loaded machine) is not redelivered behind a test's
    // back; tests of redelivery while a handler still runs set their own.
    visibilityTimeoutMs: 200,
    maxReceiveCount: 3,
    pollIntervalMs: 5,
    logger,
    ...options,
    handler: async (event, context) => {
      deliveries.push(
        event.Records.map((r) => ({ id: (JSON.parse(r.body) as Job).id, receiveCount: Number(r.attributes.ApproximateReceiveCount) })),
      );
      return respond(event, context);
    },
  });
  queues.push(queue);
  return { queue, deliveries, lines };
}

const failIds = (event: SQSEvent, ids: string[]): SQSBatchResponse => ({
  batchItemFailures: event.Records.filter((r) => ids.includes((JSON.parse(r.body) as Job).id)).map((r) => ({
    itemIdentifier: r.messageId,
  })),
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('LocalQueue', () => {
  it('delivers an SQS-shaped event and a Lambda context, then deletes the message', async () => {
    let seen: { event: SQSEvent; context: Context; remainingMs: number } | undefined;
    const { queue } = givenQueue(
      async (event, context) => {
        seen = { event, context, remainingMs: context.getRemainingTimeInMillis() };
      },
      { visibilityTimeoutMs: 5_000 },
    );

    await queue.send([{ id: 'a' }]);
    queue.start();
    await queue.drain();

    const record = seen!.event.Records[0]!;
    expect(seen!.event.Records).toHaveLength(1);
    expect(record).toMatchObject({
      body: '{"id":"a"}',
      md5OfBody: createHash('md5').update('{"id":"a"}').digest('hex'),
      messageAttributes: {},
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:send',
      awsRegion: 'local',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(record.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.receiptHandle).not.toBe('');
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(Number(record.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(
      Number(record.attributes.SentTimestamp),
    );
    expect(seen!.context.functionName).toBe('send');
    expect(seen!.context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    // The context's deadline is the visibility timeout: past it the message comes back anyway.
    expect(seen!.remainingMs).toBeGreaterThan(0);
    expect(seen!.remainingMs).toBeLessThanOrEqual(5_000);
    expect(queue.stats()).toEqual({ visible: 0, inFlight: 0, deadLetters: 0, delivered: 1, runningBatches: 0 });
  });

  it('redelivers only the messages a partial batch failure names, with ApproximateReceiveCount 2', async () => {
    let calls = 0;
    const { queue, deliveries } = givenQueue(async (event) => (++calls === 1 ? failIds(event, ['b']) : undefined));

    await queue.send([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    queue.start();
    await queue.drain();

    expect(deliveries).toEqual([
      [
        { id: 'a', receiveCount: 1 },
        { id: 'b', receiveCount: 1 },
        { id: 'c', receiveCount: 1 },
      ],
      [{ id: 'b', receiveCount: 2 }],
    ]);
    expect(queue.stats().delivered).toBe(3);
  });

  it('redelivers the whole batch when the handler throws', async () => {
    let calls = 0;
    const { queue, deliveries } = givenQueue(async () => {
      if (++calls === 1) throw new Error('database unavailable');
    });

    await queue.send([{ id: 'a' }, { id: 'b' }]);
    queue.start();
    await queue.drain();

    expect(deliveries).toEqual([
      [
        { id: 'a', receiveCount: 1 },
        { id: 'b', receiveCount: 1 },
      ],
      [
        { id: 'a', receiveCount: 2 },
        { id: 'b', receiveCount: 2 },
      ],
    ]);
  });

  it('treats batchItemFailures naming an unknown message as a failure of the whole batch', async () => {
    let calls = 0;
    const { queue, deliveries, lines } = givenQueue(async () =>
      ++calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] } : undefined,
    );

    await queue.send([{ id: 'a' }, { id: 'b' }]);
    queue.start();
    await queue.drain();

    expect(deliveries.map((batch) => batch.map((d) => d.receiveCount))).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(lines.some((l) => l.level === 'error' && /not in the batch/.test(l.message))).toBe(true);
  });

  it('moves a poison message to the dead letters after maxReceiveCount, and redrive brings it back', async () => {
    let poisonFixed = false;
    const notified: DeadLetter<Job>[] = [];
    const { queue, deliveries } = givenQueue(async (event) => (poisonFixed ? undefined : failIds(event, ['poison'])), {
      onDeadLetter: (message) => notified.push(message),
    });

    await queue.send([{ id: 'ok' }, { id: 'poison' }]);
    queue.start();
    await queue.drain();

    expect(deliveries.flat().filter((d) => d.id === 'poison').map((d) => d.receiveCount)).toEqual([1, 2, 3]);
    expect(queue.deadLetters()).toEqual([
      expect.objectContaining({ body: { id: 'poison' }, receiveCount: 3, deadLetteredAt: expect.any(Date) }),
    ]);
    expect(notified.map((m) => m.body)).toEqual([{ id: 'poison' }]);
    expect(queue.stats()).toMatchObject({ deadLetters: 1, delivered: 1, visible: 0, inFlight: 0 });

    poisonFixed = true;
    expect(queue.redrive()).toBe(1);
    await queue.drain();

    expect(deliveries.at(-1)).toEqual([{ id: 'poison', receiveCount: 1 }]);
    expect(queue.deadLetters()).toEqual([]);
    expect(queue.stats()).toMatchObject({ deadLetters: 0, delivered: 2 });
  });

  it('does not deliver a message twice while its handler runs within the visibility timeout', async () => {
    const { queue, deliveries } = givenQueue(() => sleep(40), { visibilityTimeoutMs: 500, maxConcurrency: 2 });

    await queue.send([{ id: 'slow' }]);
    queue.start();
    await queue.drain();

    expect(deliveries).toEqual([[{ id: 'slow', receiveCount: 1 }]]);
  });

  it('redelivers a message whose handler outlives the visibility timeout (at-least-once)', async () => {
    let secondDeliveryStarted!: () => void;
    const redelivered = new Promise<void>((resolve) => (secondDeliveryStarted = resolve));
    let firstReturned!: () => void;
    const firstDone = new Promise<void>((resolve) => (firstReturned = resolve));
    const { queue, deliveries, lines } = givenQueue(
      async (event) => {
        if (event.Records[0]!.attributes.ApproximateReceiveCount === '1') {
          // The first invocation only finishes once the same message has been delivered again.
          await Promise.race([redelivered, sleep(2_000)]);
          firstReturned();
        } else {
          secondDeliveryStarted();
          // Let the first invocation settle (and try its delete) before this one succeeds.
          await firstDone;
          await sleep(0);
        }
      },
      { visibilityTimeoutMs: 20, maxConcurrency: 2 },
    );

    await queue.send([{ id: 'slow' }]);
    queue.start();
    await queue.drain();

    expect(deliveries).toEqual([[{ id: 'slow', receiveCount: 1 }], [{ id: 'slow', receiveCount: 2 }]]);
    // The first invocation's delete carries an outdated receipt handle and does not count.
    expect(queue.stats().delivered).toBe(1);
    expect(lines.some((l) => /stale receipt handle/.test(l.message))).toBe(true);
  });

  it.each([1, 2, 3])('runs at most maxConcurrency=%i batches at once', async (maxConcurrency) => {
    let current = 0;
    let peak = 0;
    const { queue, deliveries } = givenQueue(
      async () => {
        peak = Math.max(peak, ++current);
        await sleep(15);
        current--;
      },
      { batchSize: 1, maxConcurrency, visibilityTimeoutMs: 5_000 },
    );

    await queue.send(['1', '2', '3', '4', '5', '6', '7'].map((id) => ({ id })));
    queue.start();
    await queue.drain();

    expect(peak).toBe(maxConcurrency);
    expect(deliveries).toHaveLength(7);
  });

  it('groups up to batchSize messages per invocation', async () => {
    const { queue, deliveries } = givenQueue(async () => undefined, { batchSize: 2, maxConcurrency: 1 });

    await queue.send([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    queue.start();
    await queue.drain();

    expect(deliveries.map((batch) => batch.map((d) => d.id))).toEqual([['a', 'b'], ['c']]);
  });

  it('drain rejects on timeout, naming what is left', async () => {
    const { queue } = givenQueue(
      async () => {
        throw new Error('always');
      },
      { visibilityTimeoutMs: 5_000 },
    );

    await queue.send([{ id: 'stuck' }]);
    queue.start();

    await expect(queue.drain(50)).rejects.toThrow(/drain timed out after 50 ms; 1 message\(s\) left.*in flight, received 1x.*"stuck"/);
  });

  it('drain rejects right away on a stopped queue that still holds messages', async () => {
    const { queue } = givenQueue(async () => undefined);

    await queue.send([{ id: 'waiting' }]);

    await expect(queue.drain()).rejects.toThrow(/cannot drain a stopped queue; 1 message\(s\) left/);
    expect(queue.stats()).toMatchObject({ visible: 1, inFlight: 0 });
  });

  it('stop waits for the running invocation and still deletes its messages', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const { queue } = givenQueue(
      async () => {
        started();
        await gate;
      },
      { visibilityTimeoutMs: 5_000 },
    );

    await queue.send([{ id: 'a' }]);
    queue.start();
    await running;
    let stopped = false;
    const stopping = queue.stop().then(() => (stopped = true));
    await sleep(10);
    expect(stopped).toBe(false);

    release();
    await stopping;

    expect(queue.stats()).toMatchObject({ delivered: 1, visible: 0, inFlight: 0, runningBatches: 0 });
  });
});
