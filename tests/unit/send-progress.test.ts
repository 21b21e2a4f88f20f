import { describe, expect, it } from 'vitest';
import {
  ALLOWED_FROM, buildSendProgress, DEFAULT_PAUSE_THRESHOLDS, endedJobs, isAllowed, isSendComplete, resumeTarget, SendCommand, sendRates,
  thresholdBreach, thresholdsApply,
} from '../../functions/domain/delivery/send-progress';
import { emptyCounts, type ReleaseCounts } from '../../functions/domain/delivery/release-stats';
import { newRelease, type Release } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { PausedBy, SendStatus } from '../../functions/domain/release/send-status';
import { releaseBody } from '../helpers/releases';

const counts = (values: Partial<ReleaseCounts>): ReleaseCounts => ({ ...emptyCounts(), ...values });
const release = (fields: Partial<Release> = {}): Release => ({
  ...newRelease(parseReleaseInput(releaseBody(), new Set(['blog'])), new Date('2026-11-29T12:00:00Z')),
  ...fields,
});

describe('the send state machine (pure)', () => {
  // Every (command, status) pair: the table below is the whole machine.
  const expected: Record<SendCommand, Record<SendStatus, boolean>> = {
    pause: { queued: true, sending: true, paused: false, sent: false, cancelled: false, failed: false },
    resume: { queued: false, sending: false, paused: true, sent: false, cancelled: false, failed: false },
    cancel: { queued: true, sending: true, paused: true, sent: false, cancelled: false, failed: false },
  };
  for (const command of Object.values(SendCommand)) {
    for (const status of Object.values(SendStatus)) {
      const allowed = expected[command][status];
      it(`${command} from ${status} is ${allowed ? 'allowed' : 'refused'}`, () => {
        expect(isAllowed(command, status)).toBe(allowed);
      });
    }
  }

  it('nothing leaves a final status', () => {
    for (const final of [SendStatus.Sent, SendStatus.Cancelled, SendStatus.Failed]) {
      expect(Object.values(ALLOWED_FROM).some((from) => from.includes(final))).toBe(false);
    }
  });

  it('resumes to the status it was paused from, or sending once the fan-out started or finished', () => {
    expect(resumeTarget({ pausedFrom: SendStatus.Queued })).toBe(SendStatus.Queued);
    expect(resumeTarget({ pausedFrom: SendStatus.Sending })).toBe(SendStatus.Sending);
    expect(resumeTarget({ pausedFrom: SendStatus.Queued, planningFinishedAt: '2026-11-29T12:00:00Z' })).toBe(SendStatus.Sending);
    expect(resumeTarget({ pausedFrom: SendStatus.Queued, sendStartedAt: '2026-11-29T12:00:00Z' })).toBe(SendStatus.Sending);
  });
});

describe('completion', () => {
  const sending = release({ sendStatus: SendStatus.Sending, planningFinishedAt: '2026-11-29T12:01:00Z', targeted: 5 });

  it('is complete once planning finished and sent + failed + skipped + duplicate reach targeted', () => {
    expect(endedJobs(counts({ sent: 2, failed: 1, skipped: 1, duplicate: 1 }))).toBe(5);
    expect(isSendComplete(sending, counts({ sent: 2, failed: 1, skipped: 1, duplicate: 1 }))).toBe(true);
    expect(isSendComplete(sending, counts({ sent: 2, failed: 1, skipped: 1 }))).toBe(false);
  });

  it('is never complete before planning finished, or when not sending', () => {
    const ended = counts({ sent: 5, targeted: 5 });
    expect(isSendComplete({ ...sending, planningFinishedAt: undefined, targeted: undefined }, ended)).toBe(false);
    expect(isSendComplete({ ...sending, sendStatus: SendStatus.Paused }, ended)).toBe(false);
    expect(isSendComplete({ ...sending, sendStatus: SendStatus.Cancelled }, ended)).toBe(false);
  });

  it('delivered, bounced and complained do not count as ended jobs (they are SES events about sent ones)', () => {
    expect(isSendComplete(sending, counts({ sent: 4, delivered: 4, bounced: 1, complained: 1 }))).toBe(false);
  });
});

describe('rates and thresholds', () => {
  it('computes rates over delivered + bounced', () => {
    expect(sendRates(counts({ delivered: 94, bounced: 6, complained: 1, sent: 200 }))).toEqual({ bounce: 0.06, complaint: 0.01, sample: 100 });
    expect(sendRates(emptyCounts())).toEqual({ bounce: 0, complaint: 0, sample: 0 });
  });

  it('without any delivery reported (a stack deployed without delivery events), rates are over the messages sent', () => {
    expect(sendRates(counts({ sent: 200, bounced: 6, complained: 1 }))).toEqual({ bounce: 0.03, complaint: 0.005, sample: 200 });
    expect(thresholdBreach(counts({ sent: 1000, bounced: 62 }), DEFAULT_PAUSE_THRESHOLDS)).toBe('bounce rate 6.2 % over 5 %');
    expect(thresholdBreach(counts({ sent: 50, bounced: 40 }), DEFAULT_PAUSE_THRESHOLDS)).toBeUndefined(); // too few to judge
  });

  it('names the breached threshold in words staff read', () => {
    expect(thresholdBreach(counts({ delivered: 938, bounced: 62 }), DEFAULT_PAUSE_THRESHOLDS)).toBe('bounce rate 6.2 % over 5 %');
    expect(thresholdBreach(counts({ delivered: 1000, complained: 2 }), DEFAULT_PAUSE_THRESHOLDS)).toBe('complaint rate 0.2 % over 0.1 %');
    expect(thresholdBreach(counts({ delivered: 951, bounced: 49 }), DEFAULT_PAUSE_THRESHOLDS)).toBeUndefined();
  });

  it('says nothing before the minimum sample', () => {
    expect(thresholdBreach(counts({ delivered: 49, bounced: 50 }), DEFAULT_PAUSE_THRESHOLDS)).toBeUndefined();
    expect(thresholdBreach(counts({ delivered: 3, bounced: 1 }), { ...DEFAULT_PAUSE_THRESHOLDS, minSample: 4 })).toBe('bounce rate 25 % over 5 %');
  });

  it('applies only to a running send that staff have not overridden', () => {
    expect(thresholdsApply(release({ sendStatus: SendStatus.Sending }))).toBe(true);
    expect(thresholdsApply(release({ sendStatus: SendStatus.Queued }))).toBe(true);
    expect(thresholdsApply(release({ sendStatus: SendStatus.Paused }))).toBe(false);
    expect(thresholdsApply(release({ sendStatus: SendStatus.Sent }))).toBe(false);
    expect(thresholdsApply(release({ sendStatus: SendStatus.Sending, thresholdsOverriddenAt: '2026-11-29T12:00:00Z' }))).toBe(false);
  });
});

describe('buildSendProgress', () => {
  it('reports status, counts, rates, planning and remaining work', () => {
    const progress = buildSendProgress(
      release({ sendStatus: SendStatus.Sending, sendStartedAt: '2026-11-29T12:00:01.000Z', planningFinishedAt: '2026-11-29T12:00:02.000Z', targeted: 10 }),
      counts({ targeted: 10, sent: 6, skipped: 1, delivered: 3, bounced: 1 }),
    );
    expect(progress).toEqual({
      releaseId: 'spring-update',
      status: 'sending',
      counts: counts({ targeted: 10, sent: 6, skipped: 1, delivered: 3, bounced: 1 }),
      rates: { bounce: 0.25, complaint: 0 },
      targeted: 10,
      planningFinished: true,
      remaining: 3,
      startedAt: '2026-11-29T12:00:01.000Z',
    });
  });

  it('shows why a paused send is paused, and the live targeted count while planning', () => {
    const progress = buildSendProgress(
      release({ sendStatus: SendStatus.Paused, pausedReason: 'bounce rate 6.2 % over 5 %', pausedBy: PausedBy.Threshold, pausedFrom: SendStatus.Sending }),
      counts({ targeted: 40, sent: 15 }),
    );
    expect(progress).toMatchObject({ status: 'paused', pausedReason: 'bounce rate 6.2 % over 5 %', pausedBy: 'threshold', targeted: 40, planningFinished: false, remaining: 25 });
  });

  it('a finished send has finishedAt and nothing remaining; a cancelled one shows what was never sent', () => {
    const sent = buildSendProgress(release({ sendStatus: SendStatus.Sent, finishedAt: '2026-11-29T12:05:00.000Z', targeted: 3 }), counts({ sent: 3 }));
    expect(sent).toMatchObject({ finishedAt: '2026-11-29T12:05:00.000Z', remaining: 0 });
    expect(sent).not.toHaveProperty('pausedReason');
    const cancelled = buildSendProgress(release({ sendStatus: SendStatus.Cancelled, targeted: 10 }), counts({ sent: 4, skipped: 2 }));
    expect(cancelled).toMatchObject({ status: 'cancelled', remaining: 4 });
  });
});
