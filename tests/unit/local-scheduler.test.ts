import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LocalLogger } from '../../functions/local/local-logger';
import { LocalScheduler } from '../../functions/local/local-scheduler';

const schedulers: LocalScheduler[] = [];
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
});

function givenScheduler() {
  const lines: { level: string; message: string; attributes?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) => lines.push({ level, message, attributes });
  const logger: LocalLogger = { info: at('info'), warn: at('warn'), error: at('error') };
  const scheduler = new LocalScheduler({ logger });
  schedulers.push(scheduler);
  return { scheduler, lines };
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('LocalScheduler', () => {
  it('invokes the handler on every tick with an EventBridge Scheduler event and a Lambda context', async () => {
    const { scheduler } = givenScheduler();
    const calls: { event: ScheduledEvent; context: Context }[] = [];
    scheduler.add({ name: 'post-social', intervalMs: 10, handler: async (event, context) => calls.push({ event, context }) });

    scheduler.start();
    await vi.waitFor(() => expect(calls.length).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
    await scheduler.stop();

    const { event, context } = calls[0]!;
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      account: '000000000000',
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      region: 'local',
      resources: ['arn:aws:scheduler:local:000000000000:schedule/default/post-social'],
      detail: {},
    });
    expect(new Set(calls.map((c) => c.event.id)).size).toBe(calls.length);
    expect(context.functionName).toBe('post-social');
  });

  it('skips and logs a tick while the previous run of the same schedule is still going', async () => {
    const { scheduler, lines } = givenScheduler();
    const slowRun = gate();
    let calls = 0;
    let current = 0;
    let peak = 0;
    scheduler.add({
      name: 'slow',
      intervalMs: 5,
      handler: async () => {
        calls++;
        peak = Math.max(peak, ++current);
        await slowRun.opened;
        current--;
      },
    });

    scheduler.start();
    await vi.waitFor(() => expect(lines.filter((l) => /skipped tick/.test(l.message)).length).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    expect(calls).toBe(1);

    slowRun.open();
    await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    await scheduler.stop();

    expect(peak).toBe(1);
    expect(lines.find((l) => /skipped tick/.test(l.message))?.attributes).toEqual({ schedule: 'slow' });
  });

  it('runNow runs once and resolves after the handler finished, without start()', async () => {
    const { scheduler } = givenScheduler();
    const finished: string[] = [];
    scheduler.add({
      name: 'digest',
      intervalMs: 60_000,
      handler: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        finished.push(event.resources[0]!);
      },
    });

    await scheduler.runNow('digest');

    expect(finished).toEqual(['arn:aws:scheduler:local:000000000000:schedule/default/digest']);
  });

  it('runNow waits for a run in progress instead of overlapping it', async () => {
    const { scheduler } = givenScheduler();
    const firstRun = gate();
    let calls = 0;
    let current = 0;
    let peak = 0;
    scheduler.add({
      name: 'social',
      intervalMs: 60_000,
      handler: async () => {
        peak = Math.max(peak, ++current);
        if (++calls === 1) await firstRun.opened;
        current--;
      },
    });

    const first = scheduler.runNow('social');
    const second = scheduler.runNow('social');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toBe(1);

    firstRun.open();
    await Promise.all([first, second]);

    expect(calls).toBe(2);
    expect(peak).toBe(1);
  });

  it('logs handler errors instead of throwing them, and keeps ticking', async () => {
    const { scheduler, lines } = givenScheduler();
    let calls = 0;
    scheduler.add({
      name: 'flaky',
      intervalMs: 5,
      handler: async () => {
        calls++;
        throw new Error('table not found');
      },
    });

    await expect(scheduler.runNow('flaky')).resolves.toBeUndefined();
    scheduler.start();
    await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(3), { timeout: 5_000 });

    expect(lines.find((l) => l.level === 'error')).toMatchObject({
      message: 'scheduled run failed',
      attributes: { schedule: 'flaky', error: 'table not found' },
    });
  });

  it('stop waits for the run in progress', async () => {
    const { scheduler } = givenScheduler();
    const run = gate();
    let finished = false;
    scheduler.add({
      name: 'cleanup',
      intervalMs: 60_000,
      handler: async () => {
        await run.opened;
        finished = true;
      },
    });

    void scheduler.runNow('cleanup');
    const stopping = scheduler.stop();
    run.open();
    await stopping;

    expect(finished).toBe(true);
  });

  it('rejects runNow for an unknown schedule and a duplicate add', async () => {
    const { scheduler } = givenScheduler();
    scheduler.add({ name: 'a', intervalMs: 10, handler: async () => undefined });

    await expect(scheduler.runNow('b')).rejects.toThrow('no schedule named b; known: a');
    expect(() => scheduler.add({ name: 'a', intervalMs: 10, handler: async () => undefined })).toThrow(/already added/);
  });
});
