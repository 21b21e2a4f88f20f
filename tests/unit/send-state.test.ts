import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { sendBatch, sendEmail, type SendEmailDeps } from '../../functions/domain/delivery/send-email';
import { DeliveryBusyError, MailerQuotaExceededError, MailerRejectedError, MailerThrottledError } from '../../functions/domain/delivery/errors';
import { DeliveryStatus } from '../../functions/domain/delivery/delivery';
import { newRelease, type Release } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';
import { PausedBy, SendStatus } from '../../functions/domain/release/send-status';
import { parseKeyring } from '../../functions/domain/security/link-tokens';
import type { SendJob } from '../../functions/domain/delivery/ports';
import {
  FakeClock, FakeTimers, MemoryDeliveryStore, MemoryQueue, MemoryReleaseStatsStore, MemoryReleaseStore, MemorySubscriberStore, RecordingMailer,
} from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';
import { fixedListNames } from '../../functions/domain/lists/list-names';

/**
 * The send worker against the release's state machine, with fakes: given a release in some status
 * and send jobs, when a batch runs, then exactly the expected emails go out and every delivery is
 * counted once.
 */
describe('sending under pause, cancel, crashes and redelivery (fakes)', () => {
  let clock: FakeClock;
  let releases: MemoryReleaseStore;
  let subscribers: MemorySubscriberStore;
  let deliveries: MemoryDeliveryStore;
  let stats: MemoryReleaseStatsStore;
  let mailer: RecordingMailer;
  let sendQueue: MemoryQueue<SendJob>;
  let deps: SendEmailDeps;
  let jobs: SendJob[];

  const release = () => releases.releases.get('spring-update')!;
  const setRelease = (fields: Partial<Release>) => Object.assign(release(), fields);
  const recipients = () => mailer.sent.map((m) => m.to).sort();
  const outcomes = (results: PromiseSettledResult<unknown>[]) =>
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).name));

  beforeEach(async () => {
    clock = new FakeClock();
    releases = new MemoryReleaseStore();
    subscribers = new MemorySubscriberStore();
    deliveries = new MemoryDeliveryStore();
    stats = new MemoryReleaseStatsStore();
    mailer = new RecordingMailer();
    sendQueue = new MemoryQueue<SendJob>();
    deps = {
      releases, subscribers, deliveries, mailer, clock, sendQueue,
      releaseStats: stats,
      keyring: parseKeyring(`k1:${randomBytes(32).toString('base64')}`),
      sender: { from: { address: 'news@example.org' }, publicUrl: 'https://news.example.org', listNames: fixedListNames(new Map()) },
      templates: new Map(),
      pausedRecheckSeconds: 7,
      wait: async (ms) => clock.advance(ms),
    };
    await releases.create(newRelease(parseReleaseInput(releaseBody({ lists: ['blog', 'press-releases'] }), new Set(['blog', 'press-releases'])), clock.now()));
    await releases.saveRendered('spring-update', {
      subject: 'Spring update',
      html: `<a href="${RecipientPlaceholder.UnsubscribeUrl}">u</a><a href="${RecipientPlaceholder.PreferencesUrl}">p</a>`,
      text: `${RecipientPlaceholder.UnsubscribeUrl} ${RecipientPlaceholder.PreferencesUrl}`,
    });
    await releases.transition('spring-update', [SendStatus.Queued], SendStatus.Sending, clock.now());
    jobs = [];
    for (const email of ['a@example.org', 'b@example.org', 'c@example.org']) {
      const { subscriber } = await subscribers.addConfirmed(email, ['blog'], clock.now());
      jobs.push({ releaseId: 'spring-update', subscriberId: subscriber.id, listId: 'blog' });
    }
    // The fan-out planned these three and finished.
    await stats.increment('spring-update', { targeted: 3 });
    await releases.markPlanningFinished('spring-update', 3, clock.now());
  });

  it('completes the send when the last planned delivery ends', async () => {
    expect(outcomes(await sendBatch(jobs.slice(0, 2), deps))).toEqual(['sent', 'sent']);
    expect(release().sendStatus).toBe(SendStatus.Sending);
    expect(outcomes(await sendBatch(jobs.slice(2), deps))).toEqual(['sent']);
    expect(release()).toMatchObject({ sendStatus: SendStatus.Sent, finishedAt: clock.now().toISOString() });
    expect(await stats.get('spring-update')).toMatchObject({ targeted: 3, sent: 3, failed: 0, skipped: 0, duplicate: 0 });
  });

  it('reads the release once for the whole batch, and once more to check completion', async () => {
    let reads = 0;
    const counting = Object.create(releases) as MemoryReleaseStore;
    counting.get = async (id: string) => {
      reads++;
      return releases.get(id);
    };
    await sendBatch(jobs, { ...deps, releases: counting });
    expect(reads).toBe(2);
  });

  describe('paused', () => {
    beforeEach(() => void setRelease({ sendStatus: SendStatus.Paused, pausedFrom: SendStatus.Sending }));

    it('sends nothing, claims nothing, and puts every job back with a delay; after resume they go out once', async () => {
      expect(outcomes(await sendBatch(jobs, deps))).toEqual(['deferred', 'deferred', 'deferred']);
      expect(mailer.sent).toEqual([]);
      for (const job of jobs) expect(await deliveries.get(job.releaseId, job.subscriberId)).toBeUndefined();
      expect(sendQueue.delayed).toEqual(jobs.map((job) => ({ job, delaySeconds: 7 })));

      await releases.transition('spring-update', [SendStatus.Paused], SendStatus.Sending, clock.now());
      expect(outcomes(await sendBatch(sendQueue.delayed.map((d) => d.job), deps))).toEqual(['sent', 'sent', 'sent']);
      expect(recipients()).toEqual(['a@example.org', 'b@example.org', 'c@example.org']);
      expect(release().sendStatus).toBe(SendStatus.Sent);
    });

    it('a failed re-enqueue fails those messages instead, so the queue brings them back', async () => {
      deps.sendQueue = { send: async () => { throw new Error('SQS unavailable'); } };
      expect(outcomes(await sendBatch(jobs, deps))).toEqual(['Error', 'Error', 'Error']);
    });
  });

  describe('the daily quota', () => {
    const HOUR = 3_600_000;
    /** A mailer that refuses with the daily quota from its `from`-th call on, until `freed()`. */
    const quotaMailer = (from: number) => {
      let calls = 0;
      let full = true;
      return {
        mailer: { sendRaw: async (email: never) => (++calls >= from && full ? Promise.reject(new MailerQuotaExceededError()) : mailer.sendRaw(email)) },
        freed: () => void (full = false),
      };
    };
    const slowDowns: Date[] = [];
    const gate = {
      reserve: async (count: number, now: Date) => Array.from({ length: count }, (_, i) => new Date(now.getTime() + i * 100)),
      slowDown: async (now: Date) => void slowDowns.push(now),
    };

    it('pauses the send (by quota, until a resume time), puts the jobs back until then, and does not cut the rate', async () => {
      const { mailer: refusing } = quotaMailer(2);
      const timers = new FakeTimers(clock);
      const start = clock.now();

      const results = await timers.run(sendBatch(jobs, { ...deps, mailer: refusing, rateGate: gate, wait: timers.wait, quotaRecheckSeconds: 3600 }));

      // The second send met the quota; the third, still waiting for its slot, was not tried.
      expect(outcomes(results)).toEqual(['sent', 'deferred', 'deferred']);
      expect(recipients()).toEqual(['a@example.org']);
      expect(release()).toMatchObject({ sendStatus: SendStatus.Paused, pausedFrom: SendStatus.Sending, pausedBy: PausedBy.Quota });
      expect(Date.parse(release().resumeAt!)).toBe(start.getTime() + 100 + HOUR);
      // Not a throttle: the shared rate is left alone, and nothing walks towards the DLQ.
      expect(slowDowns).toEqual([]);
      // Back on the queue as long as SQS allows (900 s); no claim held.
      expect(sendQueue.delayed).toEqual(jobs.slice(1).map((job) => ({ job, delaySeconds: 900 })));
      for (const job of jobs.slice(1)) expect(await deliveries.get(job.releaseId, job.subscriberId)).toBeUndefined();
    });

    it('resumes by itself when a job comes back after the resume time, and finishes: everyone once', async () => {
      const { mailer: refusing, freed } = quotaMailer(2);
      await sendBatch(jobs, { ...deps, mailer: refusing, quotaRecheckSeconds: 3600 });
      expect(release().pausedBy).toBe(PausedBy.Quota);

      // Back before the resume time: still paused, put back again until then.
      clock.advance(HOUR - 60_000);
      sendQueue.delayed = [];
      expect(outcomes(await sendBatch(jobs.slice(1), { ...deps, mailer: refusing }))).toEqual(['deferred', 'deferred']);
      expect(sendQueue.delayed.map((d) => d.delaySeconds)).toEqual([60, 60]);

      // After it, with the quota freed: the first job back resumes the send, and the batch goes out.
      clock.advance(60_000);
      freed();
      expect(outcomes(await sendBatch(jobs.slice(1), { ...deps, mailer: refusing }))).toEqual(['sent', 'sent']);
      expect(recipients()).toEqual(['a@example.org', 'b@example.org', 'c@example.org']);
      expect(release().sendStatus).toBe(SendStatus.Sent);
      expect(release().resumeAt).toBeUndefined();
    });

    it('meets the quota again after resuming: pauses again with a new resume time', async () => {
      const { mailer: refusing } = quotaMailer(2);
      await sendBatch(jobs, { ...deps, mailer: refusing, quotaRecheckSeconds: 600 });
      clock.advance(600_000);
      expect(outcomes(await sendBatch(jobs.slice(1), { ...deps, mailer: refusing, quotaRecheckSeconds: 600 }))).toEqual(['deferred', 'deferred']);
      expect(release()).toMatchObject({ sendStatus: SendStatus.Paused, pausedBy: PausedBy.Quota, resumeAt: new Date(clock.now().getTime() + 600_000).toISOString() });
      expect(mailer.sent).toHaveLength(1);
    });

    it('a staff pause never resumes by itself', async () => {
      setRelease({ sendStatus: SendStatus.Paused, pausedFrom: SendStatus.Sending, pausedBy: PausedBy.Staff });
      clock.advance(48 * HOUR);
      expect(outcomes(await sendBatch(jobs, deps))).toEqual(['deferred', 'deferred', 'deferred']);
      expect(release().sendStatus).toBe(SendStatus.Paused);
    });
  });

  it('a pause that lands while the batch waits for its rate slots stops the rest of the batch', async () => {
    const gate = {
      reserve: async (count: number, now: Date) => Array.from({ length: count }, (_, i) => new Date(now.getTime() + i * 2000)),
      slowDown: async () => {},
    };
    const timers = new FakeTimers(clock);
    let waits = 0;
    const wait = async (ms: number) => {
      await timers.wait(ms);
      // Staff pause the send when the batch's second slot comes (the third is still waiting).
      if (++waits === 1) await releases.transition('spring-update', [SendStatus.Sending], SendStatus.Paused, clock.now(), { pausedFrom: SendStatus.Sending });
    };
    expect(outcomes(await timers.run(sendBatch(jobs, { ...deps, rateGate: gate, wait })))).toEqual(['sent', 'deferred', 'deferred']);
    expect(recipients()).toEqual(['a@example.org']);
    // Their claims were given back, so the deferred jobs can send later.
    for (const job of jobs.slice(1)) expect(await deliveries.get(job.releaseId, job.subscriberId)).toBeUndefined();
    expect(sendQueue.delayed.map((d) => d.job)).toEqual(jobs.slice(1));
  });

  it('cancelled: each remaining job ends skipped ("cancelled"), counted once, and nothing is sent', async () => {
    await sendEmail(jobs[0], deps);
    await releases.transition('spring-update', [SendStatus.Sending], SendStatus.Cancelled, clock.now());
    expect(outcomes(await sendBatch(jobs, deps))).toEqual(['skipped', 'skipped', 'skipped']);
    expect(outcomes(await sendBatch(jobs, deps))).toEqual(['skipped', 'skipped', 'skipped']); // redelivered
    expect(recipients()).toEqual(['a@example.org']);
    expect(await deliveries.get('spring-update', jobs[1].subscriberId)).toMatchObject({ status: DeliveryStatus.Skipped, reason: 'cancelled' });
    expect(await stats.get('spring-update')).toMatchObject({ sent: 1, skipped: 2, duplicate: 0 });
    expect(release().sendStatus).toBe(SendStatus.Cancelled);
  });

  it('counts each delivery once: a throttled job retried, a rejected one, and redeliveries', async () => {
    mailer.failures = [new MailerThrottledError(), new MailerRejectedError('Address blacklisted')];
    expect(outcomes(await sendBatch([jobs[0]], deps))).toEqual(['deferred']);
    expect(outcomes(await sendBatch([jobs[1]], deps))).toEqual(['rejected']);
    expect(outcomes(await sendBatch([jobs[0], jobs[1], jobs[2]], deps))).toEqual(['sent', 'duplicate', 'sent']);
    expect(outcomes(await sendBatch(jobs, deps))).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await stats.get('spring-update')).toMatchObject({ sent: 2, failed: 1, skipped: 0, duplicate: 0 });
    expect(release().sendStatus).toBe(SendStatus.Sent);
  });

  // The same crash through the real handler, DynamoDB stores and local SES: tests/integration/send-crash.test.ts.
  it('a crash between the provider accepting and the record: the retry after the lease sends one duplicate, counted once', async () => {
    let crashes = 1;
    const crashingDeliveries = Object.create(deliveries) as MemoryDeliveryStore;
    crashingDeliveries.markSent = async (...args: Parameters<MemoryDeliveryStore['markSent']>) => {
      if (crashes-- > 0) throw new Error('connection reset');
      return deliveries.markSent(...args);
    };
    const crashing = { ...deps, deliveries: crashingDeliveries };
    await expect(sendEmail(jobs[0], crashing)).rejects.toThrow('connection reset');
    expect(recipients()).toEqual(['a@example.org']);
    // SQS brings the job back before the lease ran out: the live claim holds it back.
    await expect(sendEmail(jobs[0], crashing)).rejects.toBeInstanceOf(DeliveryBusyError);
    expect(mailer.sent).toHaveLength(1);
    clock.advance(5 * 60_000 + 1);
    expect(await sendEmail(jobs[0], crashing)).toBe('sent');
    expect(await sendEmail(jobs[0], crashing)).toBe('duplicate');
    expect(recipients()).toEqual(['a@example.org', 'a@example.org']); // at most one duplicate for the crash
    expect(await stats.get('spring-update')).toMatchObject({ sent: 1 });
  });

  it('two workers that both sent under one claim (the first outlived its lease) count it once', async () => {
    const slow = { ...deps };
    const first = sendEmail(jobs[0], {
      ...slow,
      mailer: {
        sendRaw: async (email) => {
          clock.advance(5 * 60_000 + 1); // the provider call outlives the lease…
          expect(await sendEmail(jobs[0], deps)).toBe('sent'); // …and a redelivery takes over and sends
          return mailer.sendRaw(email);
        },
      },
    });
    expect(await first).toBe('sent');
    expect(mailer.sent).toHaveLength(2);
    expect(await stats.get('spring-update')).toMatchObject({ sent: 1 });
  });

  it("another list's job for a recipient already sent counts once as duplicate, however often it is redelivered", async () => {
    clock.advance(1000);
    // Joined both lists after the send started: the planner could not trust either, both jobs went out.
    const { subscriber } = await subscribers.addConfirmed('both@example.org', ['blog', 'press-releases'], clock.now());
    const viaBlog = { releaseId: 'spring-update', subscriberId: subscriber.id, listId: 'blog' };
    const viaPress = { ...viaBlog, listId: 'press-releases' };
    setRelease({ targeted: 5 });
    await stats.increment('spring-update', { targeted: 2 });

    // The press-releases job arrives first and sends (with the blog unsubscribe link, the first list).
    const run = async (job: SendJob) => outcomes(await sendBatch([job], deps))[0];
    expect([await run(viaPress), await run(viaBlog), await run(viaPress), await run(viaBlog), await run(viaBlog)]).toEqual([
      'sent', 'duplicate', 'duplicate', 'duplicate', 'duplicate',
    ]);
    expect(recipients()).toEqual(['both@example.org']);
    expect(await stats.get('spring-update')).toMatchObject({ sent: 1, duplicate: 1 });
    await sendBatch(jobs, deps);
    expect(release().sendStatus).toBe(SendStatus.Sent); // 4 sent + 1 duplicate = 5 planned
  });

  it('suppressed after planning: skipped at send time, counted once, and the send still completes', async () => {
    await subscribers.suppress(jobs[1].subscriberId, 'complaint', clock.now());
    expect(outcomes(await sendBatch(jobs, deps))).toEqual(['sent', 'skipped', 'sent']);
    expect(outcomes(await sendBatch([jobs[1]], deps))).toEqual(['skipped']);
    expect(recipients()).toEqual(['a@example.org', 'c@example.org']);
    expect(await stats.get('spring-update')).toMatchObject({ sent: 2, skipped: 1 });
    expect(release().sendStatus).toBe(SendStatus.Sent);
  });

  it('a recipient who left while a crashed worker held the claim is skipped once its lease ran out', async () => {
    await deliveries.claim('spring-update', jobs[0].subscriberId, 'blog', clock.now(), 60_000);
    await subscribers.unsubscribe(jobs[0].subscriberId, 'blog', clock.now());
    await expect(sendBatch([jobs[0]], deps).then((r) => r[0])).resolves.toMatchObject({ status: 'rejected' }); // busy: retry later
    clock.advance(60_001);
    expect(outcomes(await sendBatch([jobs[0]], deps))).toEqual(['skipped']);
    expect(await stats.get('spring-update')).toMatchObject({ skipped: 1 });
  });
});
