import { describe, expect, it } from 'vitest';
import { measurePlanning, run as runMillion, simulateSend } from '../../bench/million';
import { firstEmailSteps, run as runFirstEmail } from '../../bench/first-email';

// Only correctness: the figures' timings are printed by `npm run bench`, never asserted.
describe('million-subscriber benchmark', () => {
  it('plans exactly one job per unique subscriber of two overlapping lists', async () => {
    const { planning } = await measurePlanning(2_000);

    expect(planning.listSizes).toEqual([1_200, 1_200]);
    expect(planning.overlap).toBe(400);
    expect(planning.jobs).toBe(2_000);
    expect(planning.missing).toBe(0);
    expect(planning.duplicated).toBe(0);
  });

  it('simulates a send that mails each subscriber once and never exceeds the rate in a second', () => {
    const sim = simulateSend({ unique: 3_000, rate: 200, workers: 8, cpuMsPerEmail: 0.3, enqueue: 'sequential' });

    expect(sim.sent).toBe(3_000);
    expect(sim.missing).toBe(0);
    expect(sim.duplicated).toBe(0);
    expect(sim.busiestSecond).toBeLessThanOrEqual(200);
    // Every batch reserved its slots once, whatever conflicts it met on the way.
    expect(sim.pacer.reservations).toBe(300);
  });

  it('reports no failures on a small run', async () => {
    const result = await runMillion({ unique: 2_000, rate: 200, cpuSample: 200, pricedRun: 0, measureItems: false, workers: 6 });

    expect(result.failures).toEqual([]);
    expect(result.values.plannedJobs).toBe(2_000);
    expect(result.values.simSent).toBe(2_000);
  });
});

describe('first-email benchmark', () => {
  it("prints a total that is its steps' sum", async () => {
    const result = await runFirstEmail({ measureRender: false, measureRequests: false });
    const steps = result.rows.filter((r) => /^(measured|modelled|figure 5): /.test(r.metric) && !r.metric.includes('warm'));

    expect(result.failures).toEqual([]);
    expect(steps).toHaveLength(result.values.steps);
    expect(result.values.totalMs).toBe(result.values.stepsMs);
    expect(steps.reduce((sum, r) => sum + Number.parseFloat(r.value), 0)).toBeCloseTo(result.values.totalMs, -1);
  });

  it('counts each request it was given', () => {
    const steps = firstEmailSteps({ importMs: 0, coldMs: 100, warmMs: 10 }, { publish: { dynamodb: 2, sqs: 1 }, fanOut: { dynamodb: 3, sqs: 1 }, send: { dynamodb: 4, ses: 1 } });

    expect(steps.find((s) => s.step.startsWith('send-email: 4 DynamoDB'))?.ms).toBe(20);
    expect(steps.find((s) => s.step.startsWith('publish-release: MJML'))?.ms).toBe(100);
  });
});
