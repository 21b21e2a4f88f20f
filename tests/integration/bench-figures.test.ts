import { describe, expect, it } from 'vitest';
import { run as localSend, lastMeasurement } from '../../bench/local-send';
import { run as fanOutPlanning } from '../../bench/fan-out-planning';
import { run as engineSend } from '../../bench/engine-send';
import { priceRun } from '../../bench/cost-model';

// Only correctness, on small inputs: the benchmarks' timings are printed by `npm run bench`, never asserted.
describe('benchmarks of figures 2–4 on small inputs', () => {
  it('engine send (2b): every subscriber gets one email at the limit with two workers, warm-up mail left out of the record', async () => {
    const result = await engineSend({ subscribers: 120, rate: 60, workers: [2], warmUpRounds: 1 });

    expect(result.failures).toEqual([]);
    expect(result.values).toMatchObject({ accepted_w2: 120, lost_w2: 0, duplicated_w2: 0 });
    expect(result.values.busiestSecond_w2).toBeLessThanOrEqual(60);
  }, 120_000);


  it('local send: every seeded subscriber gets one email, no second over the limit, and the run is priced', async () => {
    const result = await localSend({ subscribers: 60, rate: 30, visibilityTimeoutMs: 3_000, control: 0 });

    expect(result.failures).toEqual([]);
    expect(result.values).toMatchObject({ accepted: 60, lost: 0, duplicated: 0 });
    expect(result.values.busiestSecond).toBeLessThanOrEqual(30);

    const cost = priceRun(lastMeasurement!);
    expect(cost.emails).toBe(60);
    // Each email is at least one SES call, some DynamoDB work and a share of SQS requests.
    expect(cost.perEmail.sesRequests).toBeGreaterThanOrEqual(1);
    expect(cost.perEmail.dynamoWrites).toBeGreaterThan(0);
    expect(cost.perEmail.sqsRequests).toBeGreaterThan(0);
    expect(cost.perThousand.ses).toBe(0.1);
  }, 120_000);

  it('fan-out planning: the real planner enqueues exactly one job per seeded member, for each size', async () => {
    const result = await fanOutPlanning({ sizes: [150, 600] });

    expect(result.failures).toEqual([]);
    expect(result.values).toMatchObject({ planned_150: 150, planned_600: 600 });
  }, 120_000);
});
