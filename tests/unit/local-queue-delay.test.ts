import { afterEach, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../functions/local/local-queue';

const quiet = { info() {}, warn() {}, error() {} };

/** SQS DelaySeconds locally: a delayed message stays invisible that long, then arrives like any other. */
describe('LocalQueue delayed messages', () => {
  let queue: LocalQueue<{ n: number }> | undefined;
  afterEach(async () => queue?.stop());

  it('holds a delayed message back for its delay and delivers the others at once', async () => {
    const received: { n: number; at: number }[] = [];
    queue = new LocalQueue<{ n: number }>({
      name: 'send',
      visibilityTimeoutMs: 1000,
      maxReceiveCount: 3,
      pollIntervalMs: 5,
      logger: quiet,
      handler: async (event) => {
        for (const record of event.Records) received.push({ ...(JSON.parse(record.body) as { n: number }), at: Date.now() });
      },
    });
    queue.start();
    const sentAt = Date.now();
    await queue.send([{ n: 1 }], { delaySeconds: 1 });
    await queue.send([{ n: 2 }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.map((r) => r.n)).toEqual([2]);
    expect(queue.stats()).toMatchObject({ visible: 0, inFlight: 1 }); // the delayed one, not yet visible
    await queue.drain(3000);
    expect(received.map((r) => r.n)).toEqual([2, 1]);
    expect(received[1].at - sentAt).toBeGreaterThanOrEqual(1000);
  });
});
