import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests, type RequestCounts } from '../../bench/instrument';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * DynamoDB requests per email on a small send, counted on the real client (every attempt), from the
 * publish to the last mail event: a regression in what each email costs fails here, without timing
 * anything. The budgets are what the engine makes today plus room for the fixed work of one publish
 * spread over a small send, and no more (docs/benchmarks.md, figure 4). Per email the engine writes
 * the claim and the sent record, and with delivery events the delivery's report; counters and
 * tally receipts are per batch. Measured on 40 emails: 2.67 reads and 3.88 writes with delivery
 * events (2.73 and 5.40 before issue 18), 1.68 reads and 2.50 writes without.
 */
const SUBSCRIBERS = 40;
const READS = new Set(['GetItem', 'Query', 'BatchGetItem', 'Scan']);

describe.each([
  { deliveryEvents: 'on', env: { PRESSROOM_DELIVERY_EVENTS: 'true' }, budget: { reads: 3.0, writes: 4.25 } },
  { deliveryEvents: 'off (the default)', env: {}, budget: { reads: 2.0, writes: 2.75 } },
])('what one email costs in DynamoDB requests (local stand-ins), delivery events $deliveryEvents', ({ env, budget: BUDGET }) => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_LISTS: 'counted=Counted', ...env } });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it(`sends ${SUBSCRIBERS} emails within the budget of reads and writes each`, async () => {
    const people = Array.from({ length: SUBSCRIBERS }, (_, i) => ({ email: `counted-${i}@example.com`, lists: ['counted'] }));
    expect((await pressroom.client.addSubscribers(people)).status).toBe(200);
    await pressroom.settle();
    const counts: RequestCounts = new Map();
    countRequests(pressroom.clients.dynamo, 'dynamodb', counts);

    expect((await pressroom.client.publish(releaseBody({ id: 'counted-release', title: 'Counted', lists: ['counted'] }))).status).toBe(202);
    await pressroom.settle();
    const sent = (await pressroom.client.mail()).filter((m) => m.subject === 'Counted');
    expect(sent).toHaveLength(SUBSCRIBERS);

    let reads = 0;
    let writes = 0;
    for (const [key, n] of counts) {
      if (READS.has(key.split(':')[1])) reads += n;
      else writes += n;
    }
    const perEmail = { reads: reads / SUBSCRIBERS, writes: writes / SUBSCRIBERS };
    // Said in the test output, so a change that lowers them shows by how much.
    console.info(`DynamoDB requests per email: ${perEmail.reads.toFixed(2)} reads, ${perEmail.writes.toFixed(2)} writes (${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')})`);
    expect(perEmail.reads).toBeLessThanOrEqual(BUDGET.reads);
    expect(perEmail.writes).toBeLessThanOrEqual(BUDGET.writes);
    // Without delivery events nothing is counted as delivered (and that is what saved the writes).
    const delivered = (await pressroom.adapters.releaseStats.get('counted-release')).delivered;
    expect(delivered).toBe('PRESSROOM_DELIVERY_EVENTS' in env ? SUBSCRIBERS : 0);
  });
});
