import { describe, expect, it } from 'vitest';
import { startEmbargoedReleases } from '../../functions/domain/release/embargo';
import { newRelease } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { SendStatus } from '../../functions/domain/release/send-status';
import type { FanOutJob } from '../../functions/domain/delivery/ports';
import { FakeClock, MemoryQueue, MemoryReleaseStore } from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';

describe('startEmbargoedReleases', () => {
  const setup = async (embargoes: Record<string, number>) => {
    const clock = new FakeClock();
    const releases = new MemoryReleaseStore();
    const fanOutQueue = new MemoryQueue<FanOutJob>();
    for (const [id, inMs] of Object.entries(embargoes)) {
      const embargoUntil = new Date(clock.now().getTime() + inMs).toISOString();
      await releases.create(newRelease(parseReleaseInput(releaseBody({ id, embargoUntil }), new Set(['blog'])), clock.now()));
    }
    return { clock, releases, fanOutQueue };
  };

  it('starts each release once its embargo has ended, oldest first, and only once', async () => {
    const deps = await setup({ later: 120_000, sooner: 60_000 });
    expect(await startEmbargoedReleases(deps)).toEqual({ started: [], released: [] });
    deps.clock.advance(60_000);
    expect(await startEmbargoedReleases(deps)).toEqual({ started: ['sooner'], released: [] });
    deps.clock.advance(60_000);
    expect(await startEmbargoedReleases(deps)).toEqual({ started: ['later'], released: [] });
    expect(await startEmbargoedReleases(deps)).toEqual({ started: [], released: [] });
    expect(deps.fanOutQueue.jobs).toEqual([{ releaseId: 'sooner' }, { releaseId: 'later' }]);
  });

  it('leaves a send staff paused or cancelled during the embargo alone', async () => {
    const deps = await setup({ paused: 1_000, cancelled: 1_000 });
    await deps.releases.transition('paused', [SendStatus.Queued], SendStatus.Paused, deps.clock.now(), { pausedFrom: SendStatus.Queued });
    await deps.releases.transition('cancelled', [SendStatus.Queued], SendStatus.Cancelled, deps.clock.now());
    deps.clock.advance(1_000);
    const result = await startEmbargoedReleases(deps);
    expect(result.started).toEqual([]);
    expect(result.released.sort()).toEqual(['cancelled', 'paused']);
    expect(deps.fanOutQueue.jobs).toEqual([]);
  });

  it('a crash after enqueueing leaves the release listed, so the next run enqueues it again (the fan-out dedupes)', async () => {
    const deps = await setup({ crashy: 1_000 });
    deps.clock.advance(1_000);
    deps.releases.embargoEnded = async () => {
      throw new Error('crashed');
    };
    await expect(startEmbargoedReleases(deps)).rejects.toThrow('crashed');
    deps.releases.embargoEnded = MemoryReleaseStore.prototype.embargoEnded.bind(deps.releases);
    expect(await startEmbargoedReleases(deps)).toEqual({ started: ['crashy'], released: [] });
    expect(deps.fanOutQueue.jobs).toEqual([{ releaseId: 'crashy' }, { releaseId: 'crashy' }]);
  });
});
