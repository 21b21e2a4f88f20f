import { beforeEach, describe, expect, it } from 'vitest';
import { BounceType, handleMailEvent, MailEventType, type MailEvent, type MailEventDeps } from '../../functions/domain/delivery/mail-events';
import { newRelease } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { SendStatus } from '../../functions/domain/release/send-status';
import { FakeClock, MemoryReleaseStatsStore, MemoryReleaseStore, MemorySubscriberStore } from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';

/** Given a sending release, when bounce and complaint events come in, then the send pauses itself at the threshold. */
describe('threshold auto-pause from mail events', () => {
  let releases: MemoryReleaseStore;
  let releaseStats: MemoryReleaseStatsStore;
  let deps: MailEventDeps;
  let messages = 0;

  const report = (type: MailEvent['type'], extra: Partial<MailEvent> = {}) =>
    handleMailEvent({ type, messageId: `msg-${++messages}`, recipients: [`r${messages}@example.com`], releaseId: 'spring-update', ...extra }, deps);
  const status = () => releases.releases.get('spring-update')!;

  beforeEach(async () => {
    const clock = new FakeClock();
    releases = new MemoryReleaseStore();
    releaseStats = new MemoryReleaseStatsStore();
    deps = {
      subscribers: new MemorySubscriberStore(),
      releaseStats,
      clock,
      transientBounceLimit: 3,
      releases,
      pauseThresholds: { bounceRate: 0.05, complaintRate: 0.001, minSample: 10 },
    };
    await releases.create(newRelease(parseReleaseInput(releaseBody(), new Set(['blog'])), clock.now()));
    await releases.transition('spring-update', [SendStatus.Queued], SendStatus.Sending, clock.now());
  });

  it('a bounce that takes the rate over 5 % after the minimum sample pauses the send and says why', async () => {
    for (let i = 0; i < 8; i++) await report(MailEventType.Delivery);
    await report(MailEventType.Bounce, { bounceType: BounceType.Permanent });
    expect(status().sendStatus).toBe('sending'); // 9 reports: under the minimum sample
    await report(MailEventType.Bounce, { bounceType: BounceType.Transient });
    expect(status()).toMatchObject({ sendStatus: 'paused', pausedBy: 'threshold', pausedReason: 'bounce rate 20 % over 5 %' });
  });

  it('a complaint over 0.1 % pauses too', async () => {
    for (let i = 0; i < 10; i++) await report(MailEventType.Delivery);
    await report(MailEventType.Complaint);
    expect(status()).toMatchObject({ sendStatus: 'paused', pausedReason: 'complaint rate 10 % over 0.1 %' });
  });

  it('deliveries alone never pause, and without thresholds configured nothing pauses', async () => {
    for (let i = 0; i < 20; i++) await report(MailEventType.Delivery);
    expect(status().sendStatus).toBe('sending');
    deps = { ...deps, pauseThresholds: undefined };
    for (let i = 0; i < 5; i++) await report(MailEventType.Bounce, { bounceType: BounceType.Permanent });
    expect(status().sendStatus).toBe('sending');
  });
});
