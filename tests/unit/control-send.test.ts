import { beforeEach, describe, expect, it } from 'vitest';
import {
  cancelSend, completeSendIfDone, failSend, getSendProgress, pauseOnThresholds, pauseSend, resumeSend, type ControlSendDeps,
} from '../../functions/domain/delivery/control-send';
import { SendTransitionError } from '../../functions/domain/delivery/errors';
import { DEFAULT_PAUSE_THRESHOLDS } from '../../functions/domain/delivery/send-progress';
import { NotFoundError } from '../../functions/domain/errors';
import { newRelease, type Release } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { SendStatus } from '../../functions/domain/release/send-status';
import type { FanOutJob } from '../../functions/domain/delivery/ports';
import { FakeClock, MemoryQueue, MemoryReleaseStatsStore, MemoryReleaseStore } from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';

describe('pause, resume, cancel and completion (fakes)', () => {
  let clock: FakeClock;
  let releases: MemoryReleaseStore;
  let releaseStats: MemoryReleaseStatsStore;
  let fanOutQueue: MemoryQueue<FanOutJob>;
  let deps: ControlSendDeps;

  const given = async (fields: Partial<Release>) => {
    const release = { ...newRelease(parseReleaseInput(releaseBody(), new Set(['blog'])), clock.now()), ...fields };
    releases.releases.set(release.id, release);
    return release;
  };
  const stored = () => releases.releases.get('spring-update')!;

  beforeEach(() => {
    clock = new FakeClock();
    releases = new MemoryReleaseStore();
    releaseStats = new MemoryReleaseStatsStore();
    fanOutQueue = new MemoryQueue<FanOutJob>();
    deps = { releases, releaseStats, clock, fanOutQueue };
  });

  describe('refused moves answer a typed error naming the status, and change nothing', () => {
    const refused: [string, SendStatus[], (d: ControlSendDeps) => Promise<unknown>][] = [
      ['pause', [SendStatus.Paused, SendStatus.Sent, SendStatus.Cancelled, SendStatus.Failed], (d) => pauseSend('spring-update', d)],
      ['resume', [SendStatus.Queued, SendStatus.Sending, SendStatus.Sent, SendStatus.Cancelled, SendStatus.Failed], (d) => resumeSend('spring-update', d)],
      ['cancel', [SendStatus.Sent, SendStatus.Cancelled, SendStatus.Failed], (d) => cancelSend('spring-update', d)],
    ];
    for (const [command, statuses, run] of refused) {
      for (const status of statuses) {
        it(`${command} from ${status}`, async () => {
          await given({ sendStatus: status });
          const error = await run(deps).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(SendTransitionError);
          expect((error as Error).message).toBe(`Cannot ${command} the send of release spring-update: it is ${status}`);
          expect(stored().sendStatus).toBe(status);
        });
      }
    }
  });

  it('a missing release is NotFound', async () => {
    await expect(pauseSend('nope', deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getSendProgress('nope', deps)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('pauses a sending release with its reason, and resumes it to sending', async () => {
    await given({ sendStatus: SendStatus.Sending, sendStartedAt: clock.now().toISOString() });
    const paused = await pauseSend('spring-update', deps, { reason: 'wrong link' });
    expect(paused).toMatchObject({ status: 'paused', pausedReason: 'wrong link', pausedBy: 'staff' });
    expect(stored()).toMatchObject({ sendStatus: 'paused', pausedFrom: 'sending' });

    clock.advance(1000);
    const resumed = await resumeSend('spring-update', deps);
    expect(resumed.status).toBe('sending');
    expect(resumed).not.toHaveProperty('pausedReason');
    expect(stored()).not.toHaveProperty('pausedFrom');
    expect(stored()).not.toHaveProperty('thresholdsOverriddenAt');
    // Planning had not finished: a fan-out job picks it up again from its checkpoint.
    expect(fanOutQueue.jobs).toEqual([{ releaseId: 'spring-update' }]);
  });

  it('pauses a queued release and resumes it to queued', async () => {
    await given({ sendStatus: SendStatus.Queued });
    await pauseSend('spring-update', deps);
    expect(stored()).toMatchObject({ sendStatus: 'paused', pausedFrom: 'queued', pausedReason: 'paused by staff' });
    expect((await resumeSend('spring-update', deps)).status).toBe('queued');
  });

  it('a resume finds everything ended and completes the send at once', async () => {
    await given({ sendStatus: SendStatus.Paused, pausedFrom: SendStatus.Sending, planningFinishedAt: clock.now().toISOString(), targeted: 2 });
    await releaseStats.increment('spring-update', { sent: 1, skipped: 1 });
    const progress = await resumeSend('spring-update', deps);
    expect(progress).toMatchObject({ status: 'sent', finishedAt: clock.now().toISOString(), remaining: 0 });
    expect(fanOutQueue.jobs).toEqual([]); // planning had finished
  });

  for (const status of [SendStatus.Queued, SendStatus.Sending, SendStatus.Paused]) {
    it(`cancels from ${status}, for good`, async () => {
      await given({ sendStatus: status, ...(status === SendStatus.Paused ? { pausedFrom: SendStatus.Sending, pausedReason: 'x' } : {}) });
      const progress = await cancelSend('spring-update', deps);
      expect(progress).toMatchObject({ status: 'cancelled', finishedAt: clock.now().toISOString() });
      expect(stored()).not.toHaveProperty('pausedReason');
      await expect(resumeSend('spring-update', deps)).rejects.toBeInstanceOf(SendTransitionError);
    });
  }

  it('a move that loses a race re-reads the status and judges again', async () => {
    await given({ sendStatus: SendStatus.Queued });
    // The fan-out starts the send between our read and our write.
    const racing = Object.create(releases) as MemoryReleaseStore;
    let raced = false;
    racing.transition = async (...args: Parameters<MemoryReleaseStore['transition']>) => {
      if (!raced) {
        raced = true;
        await releases.transition('spring-update', [SendStatus.Queued], SendStatus.Sending, clock.now());
      }
      return releases.transition(...args);
    };
    await pauseSend('spring-update', { ...deps, releases: racing });
    expect(stored()).toMatchObject({ sendStatus: 'paused', pausedFrom: 'sending' });
  });

  it('a send that cannot go on ends failed with its error, from any unfinished status only', async () => {
    for (const status of [SendStatus.Queued, SendStatus.Sending, SendStatus.Paused]) {
      await given({ sendStatus: status });
      expect(await failSend('spring-update', 'fan-out gave up: rendering missing', deps)).toBe(true);
      expect(await getSendProgress('spring-update', deps)).toMatchObject({
        status: 'failed', sendError: 'fan-out gave up: rendering missing', finishedAt: clock.now().toISOString(),
      });
    }
    for (const status of [SendStatus.Sent, SendStatus.Cancelled]) {
      await given({ sendStatus: status });
      expect(await failSend('spring-update', 'late', deps)).toBe(false);
      expect(stored()).toMatchObject({ sendStatus: status });
      expect(stored()).not.toHaveProperty('sendError');
    }
    await given({ sendStatus: SendStatus.Failed, sendError: 'first' });
    expect(await failSend('spring-update', 'second', deps)).toBe(false);
    expect(stored().sendError).toBe('first');
  });

  describe('completion', () => {
    it('moves sending → sent once planning finished and every job ended, once', async () => {
      await given({ sendStatus: SendStatus.Sending });
      await releaseStats.increment('spring-update', { targeted: 3, sent: 2, failed: 1 });
      expect(await completeSendIfDone('spring-update', deps)).toBe(false); // planning not finished
      await releases.markPlanningFinished('spring-update', 4, clock.now());
      expect(await completeSendIfDone('spring-update', deps)).toBe(false); // one job still out
      await releaseStats.increment('spring-update', { duplicate: 1 });
      expect(await completeSendIfDone('spring-update', deps)).toBe(true);
      expect(await completeSendIfDone('spring-update', deps)).toBe(false);
      expect(stored()).toMatchObject({ sendStatus: 'sent', finishedAt: clock.now().toISOString() });
    });

    it('leaves a paused or cancelled send alone', async () => {
      for (const status of [SendStatus.Paused, SendStatus.Cancelled]) {
        await given({ sendStatus: status, planningFinishedAt: clock.now().toISOString(), targeted: 1 });
        await releaseStats.increment('spring-update', { sent: 1 });
        expect(await completeSendIfDone('spring-update', deps)).toBe(false);
        expect(stored().sendStatus).toBe(status);
      }
    });

    it('the first planning finish wins', async () => {
      await given({ sendStatus: SendStatus.Sending });
      expect(await releases.markPlanningFinished('spring-update', 3, clock.now())).toBe(true);
      expect(await releases.markPlanningFinished('spring-update', 9, clock.now())).toBe(false);
      expect(stored().targeted).toBe(3);
    });
  });

  describe('threshold auto-pause', () => {
    const thresholds = { ...DEFAULT_PAUSE_THRESHOLDS, minSample: 4 };

    it('pauses a sending release with the reason once the sample is large enough', async () => {
      await given({ sendStatus: SendStatus.Sending });
      await releaseStats.increment('spring-update', { delivered: 2, bounced: 1 });
      expect(await pauseOnThresholds('spring-update', thresholds, deps)).toBeUndefined(); // 3 reports < 4
      await releaseStats.increment('spring-update', { delivered: 1 });
      expect(await pauseOnThresholds('spring-update', thresholds, deps)).toBe('bounce rate 25 % over 5 %');
      expect(stored()).toMatchObject({ sendStatus: 'paused', pausedBy: 'threshold', pausedReason: 'bounce rate 25 % over 5 %', pausedFrom: 'sending' });
      // Already paused: nothing changes, the first reason stays.
      await releaseStats.increment('spring-update', { complained: 1 });
      expect(await pauseOnThresholds('spring-update', thresholds, deps)).toBeUndefined();
      expect(stored().pausedReason).toBe('bounce rate 25 % over 5 %');
    });

    it('after staff resume an automatic pause, the thresholds leave the send alone', async () => {
      await given({ sendStatus: SendStatus.Sending });
      await releaseStats.increment('spring-update', { delivered: 3, bounced: 1 });
      await pauseOnThresholds('spring-update', thresholds, deps);
      await resumeSend('spring-update', deps);
      expect(stored()).toMatchObject({ sendStatus: 'sending', thresholdsOverriddenAt: clock.now().toISOString() });
      await releaseStats.increment('spring-update', { bounced: 5 });
      expect(await pauseOnThresholds('spring-update', thresholds, deps)).toBeUndefined();
      expect(stored().sendStatus).toBe('sending');
    });

    it('does not touch a finished or cancelled send', async () => {
      await given({ sendStatus: SendStatus.Sent });
      await releaseStats.increment('spring-update', { delivered: 3, bounced: 3 });
      expect(await pauseOnThresholds('spring-update', thresholds, deps)).toBeUndefined();
      expect(stored().sendStatus).toBe('sent');
    });
  });
});
