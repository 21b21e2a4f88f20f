import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests, type RequestCounts } from '../../bench/instrument';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * DynamoDB requests per email on a small send, counted on the real client (every attempt), from the
 * publish to the last mail event: a regression in what each email costs fails here, without timing
 * anything. The figures are what the engine makes today (docs/benchmarks.md, figure 4, measured on
 * 10,000 emails: 2.42 reads and 5.22 writes); the budget below leaves room for the fixed work of
 * one publish spread over a small send (40 emails measured 2.73 reads and 5.40 writes here) and
 * no more. Issue 18 lowers them.
 */
const SUBSCRIBERS = 40;
const BUDGET = { reads: 3.0, writes: 5.75 };
const READS = new Set(['GetItem', 'Query', 'BatchGetItem', 'Scan']);

describe('what one email costs in DynamoDB requests (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_LISTS: 'counted=Counted' } });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it(`sends ${SUBSCRIBERS} emails within ${BUDGET.reads} reads and ${BUDGET.writes} writes each`, async () => {
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
  });
});
