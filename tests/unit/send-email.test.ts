import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SEND_DEADLINE_MARGIN_MS, sendBatch, sendEmail, THROTTLE_RETRY_SECONDS, type SendEmailDeps } from '../../functions/domain/delivery/send-email';
import { feedbackId } from '../../functions/domain/mail/sender';
import { fanOutRelease } from '../../functions/domain/delivery/fan-out';
import { newRelease } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';
import { SendStatus } from '../../functions/domain/release/send-status';
import { parseKeyring, verifyToken, TokenPurpose } from '../../functions/domain/security/link-tokens';
import { DeliveryBusyError, MailerRejectedError, MailerThrottledError } from '../../functions/domain/delivery/errors';
import { DeliveryStatus } from '../../functions/domain/delivery/delivery';
import type { SendJob } from '../../functions/domain/delivery/ports';
import { afterThrottle, initialRateState, reserveSlots, type RateState, type ThrottleReading } from '../../functions/domain/delivery/send-rate';
import { FakeClock, FakeTimers, MemoryDeliveryStore, MemoryFanOutPlanStore, MemoryQueue, MemoryReleaseStatsStore, MemoryReleaseStore, MemorySubscriberStore, RecordingMailer } from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';
import { listUnsubscribeUrl, rawHeader } from '../helpers/mail';
import { fixedListNames } from '../../functions/domain/lists/list-names';

const lists = new Set(['blog', 'press-releases']);

describe('fan-out and send', () => {
  let clock: FakeClock;
  let releases: MemoryReleaseStore;
  let subscribers: MemorySubscriberStore;
  let deliveries: MemoryDeliveryStore;
  let mailer: RecordingMailer;
  let sendQueue: MemoryQueue<SendJob>;
  let deps: SendEmailDeps;
  let renders = 0;

  beforeEach(async () => {
    clock = new FakeClock();
    releases = new MemoryReleaseStore();
    subscribers = new MemorySubscriberStore();
    const releaseStats = new MemoryReleaseStatsStore();
    // Given the receipts, the store reports `uncounted` as the DynamoDB one does.
    deliveries = new MemoryDeliveryStore(releaseStats);
    mailer = new RecordingMailer();
    sendQueue = new MemoryQueue<SendJob>();
    renders = 0;
    deps = {
      releases, subscribers, deliveries, mailer, clock,
      keyring: parseKeyring(`k1:${randomBytes(32).toString('base64')}`),
      sender: { from: { name: 'Example Org', address: 'news@example.org' }, publicUrl: 'https://news.example.org', listNames: fixedListNames(new Map([['blog', 'Blog']])) },
      templates: new Map(),
      releaseStats,
      sendQueue,
    };
    await releases.create(newRelease(parseReleaseInput(releaseBody({ lists: ['blog', 'press-releases'] }), lists), clock.now()));
    await subscribers.addConfirmed('both@example.org', ['blog', 'press-releases'], clock.now());
    await subscribers.addConfirmed('blog@example.org', ['blog'], clock.now());
    await subscribers.addConfirmed('press@example.org', ['press-releases'], clock.now());
  });

  const renderer = {
    async render() {
      renders++;
      return {
        subject: 'Spring update',
        html: `<p>Hi</p><a href="${RecipientPlaceholder.UnsubscribeUrl}">Unsubscribe</a> <a href="${RecipientPlaceholder.PreferencesUrl}">Manage preferences</a>`,
        text: `Hi\nUnsubscribe: ${RecipientPlaceholder.UnsubscribeUrl}\nManage preferences: ${RecipientPlaceholder.PreferencesUrl}`,
      };
    },
  };
  let plans = new MemoryFanOutPlanStore();
  beforeEach(() => void (plans = new MemoryFanOutPlanStore()));
  const fanOut = (pageSize = 1) =>
    fanOutRelease({ releaseId: 'spring-update' }, { releases, subscribers, renderer, sendQueue, clock, pageSize, plans, releaseStats: deps.releaseStats });
  const sendAll = async () => {
    const outcomes = [];
    for (const job of sendQueue.jobs) outcomes.push(await sendEmail(job, deps));
    return outcomes;
  };

  it('plans every member of every list, renders once, and sends each subscriber exactly one email', async () => {
    expect((await fanOut()).planned).toBe(3); // the member of both lists is planned once, through blog
    expect((await fanOut()).planned).toBe(0); // a redelivered fan-out job finds the plan finished
    expect(renders).toBe(1);
    const outcomes = await sendAll();
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(3);
    expect(mailer.sent.map((m) => m.to).sort()).toEqual(['blog@example.org', 'both@example.org', 'press@example.org']);
    // Planning finished and every planned job ended: the send completed itself.
    expect(releases.releases.get('spring-update')!.sendStatus).toBe(SendStatus.Sent);
  });

  it('puts a signed one-click unsubscribe link for the first targeted list in headers and body', async () => {
    await fanOut();
    await sendAll();
    const mail = await simpleParser(mailer.sent.find((m) => m.to === 'both@example.org')!.raw as Buffer);
    const url = listUnsubscribeUrl(mail)!;
    expect(url).toMatch(/^https:\/\/news\.example\.org\/unsubscribe\//);
    expect(rawHeader(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(rawHeader(mail, 'list-id')).toBe('Blog <blog.example.org>');
    expect(mail.text).toContain(url);
    expect(mail.html).toContain(url);
    const claims = verifyToken(url.split('/').pop()!, TokenPurpose.Unsubscribe, deps.keyring, clock.now());
    expect(claims.listId).toBe('blog');
  });

  it('tags each email with a Feedback-ID for the release and the list it went through', async () => {
    await fanOut();
    await sendAll();
    const mail = await simpleParser(mailer.sent.find((m) => m.to === 'press@example.org')!.raw as Buffer);
    expect(rawHeader(mail, 'feedback-id')).toBe('spring-update:press-releases:pressroom:example.org');
  });

  it('keeps Feedback-ID fields to safe characters, so an id cannot add a field or break the header', () => {
    expect(feedbackId('a:b c\r\nX-Evil: 1', 'list/ñ', 'example.org')).toBe('abcX-Evil1:list:pressroom:example.org');
    expect(feedbackId('r1', ':::', 'example.org')).toBe('r1:none:pressroom:example.org');
  });

  it("puts the recipient's own signed preferences link in both parts", async () => {
    await fanOut();
    await sendAll();
    for (const sent of mailer.sent) {
      const mail = await simpleParser(sent.raw as Buffer);
      const url = /https:\/\/news\.example\.org\/preferences\/[A-Za-z0-9_.-]+/.exec(mail.text ?? '')?.[0];
      expect(url).toBeDefined();
      expect(mail.html).toContain(`href="${url}"`);
      expect(mail.html).not.toContain(RecipientPlaceholder.PreferencesUrl);
      const claims = verifyToken(url!.split('/').pop()!, TokenPurpose.Preferences, deps.keyring, clock.now());
      expect(claims).toMatchObject({ subscriberId: (await subscribers.findByEmail(sent.to))!.id, expiresAt: undefined });
    }
  });

  it('two workers given the same job at once send once: the loser is told to retry, and the retry stands down', async () => {
    await fanOut();
    const job = sendQueue.jobs[0];
    const results = await Promise.allSettled([sendEmail(job, deps), sendEmail(job, deps)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).name)).sort()).toEqual(['DeliveryBusyError', 'sent']);
    expect(await sendEmail(job, deps)).toBe('duplicate');
    expect(mailer.sent).toHaveLength(1);
  });

  it('skips a subscriber who left after the fan-out', async () => {
    await fanOut();
    const blogOnly = (await subscribers.findByEmail('blog@example.org'))!;
    await subscribers.unsubscribe(blogOnly.id, 'blog', clock.now());
    await sendAll();
    expect(mailer.sent.map((m) => m.to)).not.toContain('blog@example.org');
    expect((await deliveries.get('spring-update', blogOnly.id))?.status).toBe(DeliveryStatus.Skipped);
  });

  it('never mails a suppressed address', async () => {
    await fanOut();
    await subscribers.suppress((await subscribers.findByEmail('press@example.org'))!.id, 'complaint', clock.now());
    await sendAll();
    expect(mailer.sent.map((m) => m.to)).not.toContain('press@example.org');
  });

  it('gives the claim back when throttled and re-enqueues the job, so the retry sends', async () => {
    await fanOut();
    const job = sendQueue.jobs[0];
    mailer.failures = [new MailerThrottledError()];
    expect(await sendEmail(job, deps)).toBe('deferred');
    expect(sendQueue.delayed).toEqual([{ job, delaySeconds: THROTTLE_RETRY_SECONDS }]);
    expect(await sendEmail(job, deps)).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
  });

  it('records a rejected message as failed and does not retry it', async () => {
    await fanOut();
    const job = sendQueue.jobs[0];
    mailer.failures = [new MailerRejectedError('Address blacklisted')];
    expect(await sendEmail(job, deps)).toBe('rejected');
    expect(await sendEmail(job, deps)).toBe('duplicate');
    expect((await deliveries.get(job.releaseId, job.subscriberId))).toMatchObject({ status: DeliveryStatus.Failed, reason: 'Address blacklisted' });
    expect(mailer.sent).toHaveLength(0);
  });

  it.each([
    ['a non-ASCII local part', 'jos\u00e9@example.org'],
    ['a zero-width space', 'ada\u200b@example.org'],
  ])('a stored address with %s (legacy data) ends its delivery failed, counted once with a reason, and the send completes', async (_what, address) => {
    // Stored before addresses were checked for what SES can send: the store takes it as it is.
    const { subscriber: legacy } = await subscribers.addConfirmed(address, ['blog'], clock.now());
    await fanOut();
    const job = sendQueue.jobs.find((j) => j.subscriberId === legacy.id)!;
    const outcomes = await sendAll();
    expect(outcomes.filter((o) => o === 'rejected')).toHaveLength(1);
    expect(await deliveries.get(job.releaseId, legacy.id)).toMatchObject({
      status: DeliveryStatus.Failed,
      reason: expect.stringMatching(/cannot be sent to/),
    });
    // A redelivery of its job neither throws nor counts it again.
    expect(await sendEmail(job, deps)).toBe('duplicate');
    expect(await deps.releaseStats.get('spring-update')).toMatchObject({ sent: 3, failed: 1 });
    expect(mailer.sent.map((m) => m.to)).not.toContain(address);
    expect(releases.releases.get('spring-update')!.sendStatus).toBe(SendStatus.Sent);
  });

  it('a delivery claimed by a live worker is busy; after its lease a retry takes over', async () => {
    await fanOut();
    const job = sendQueue.jobs[0];
    mailer.failures = [new Error('socket hang up')];
    await expect(sendEmail(job, deps)).rejects.toThrow('socket hang up'); // may or may not have reached SES
    await expect(sendEmail(job, deps)).rejects.toBeInstanceOf(DeliveryBusyError);
    clock.advance(5 * 60_000 + 1);
    expect(await sendEmail(job, deps)).toBe('sent');
    expect(await sendEmail(job, deps)).toBe('duplicate');
  });

  it('a worker that dies between recording a send and counting it: the redelivered job counts it once, after the lease, and sends nothing', async () => {
    await fanOut();
    const job = sendQueue.jobs[0];
    const stats = deps.releaseStats as MemoryReleaseStatsStore;
    const increment = stats.increment.bind(stats);
    stats.increment = async () => {
      stats.increment = increment;
      throw new Error('worker killed');
    };
    await expect(sendEmail(job, deps)).rejects.toThrow('worker killed');
    expect(mailer.sent).toHaveLength(1);
    expect((await stats.get('spring-update')).sent).toBe(0);
    // Redelivered soon (a redelivery can overtake a live, slow worker): not counted yet, try later.
    await expect(sendEmail(job, deps)).rejects.toBeInstanceOf(DeliveryBusyError);
    clock.advance(5 * 60_000);
    // Two redeliveries at once: the first to clear the mark counts it.
    const again = await Promise.all([sendEmail(job, deps), sendEmail(job, deps)]);
    expect(again).toEqual(['duplicate', 'duplicate']);
    expect(await sendEmail(job, deps)).toBe('duplicate');
    expect(mailer.sent).toHaveLength(1);
    expect((await stats.get('spring-update')).sent).toBe(1);
    expect((await deliveries.get('spring-update', job.subscriberId))?.uncounted).toBeUndefined();
  });

  it('counts a batch\'s endings in one counter write and one receipt naming each, with no write per delivery after its ending, and reports them counted', async () => {
    await fanOut();
    const blogOnly = (await subscribers.findByEmail('blog@example.org'))!;
    await subscribers.unsubscribe(blogOnly.id, 'blog', clock.now()); // one job ends skipped
    const stats = deps.releaseStats as MemoryReleaseStatsStore;
    const increment = stats.increment.bind(stats);
    const writes: unknown[] = [];
    stats.increment = async (releaseId, counts) => void (writes.push(counts), await increment(releaseId, counts));
    const markCounted = vi.spyOn(deliveries, 'markCounted');
    await sendBatch(sendQueue.jobs, deps);
    expect(writes).toEqual([{ sent: 2, skipped: 1 }]);
    expect(markCounted).not.toHaveBeenCalled();
    const records = await Promise.all(sendQueue.jobs.map((job) => deliveries.get(job.releaseId, job.subscriberId)));
    const tallies = new Set(records.map((r) => r?.tally));
    expect(tallies.size).toBe(1); // one batch, one tally
    const [tally] = tallies;
    expect([...stats.tallies]).toEqual([[`spring-update#${tally}`, expect.arrayContaining(sendQueue.jobs.map((job) => job.subscriberId))]]);
    for (const job of sendQueue.jobs) expect(await stats.tallyCounted('spring-update', tally!, job.subscriberId)).toBe(true);
    // Counted, as the store reports it: the receipt covers the mark left on each record.
    for (const job of sendQueue.jobs) expect((await deliveries.get(job.releaseId, job.subscriberId))?.uncounted).toBeUndefined();
  });

  it('reads the counters only in the batch whose count may have ended the send: the others know from the totals their own write answered with', async () => {
    await fanOut();
    const stats = deps.releaseStats as MemoryReleaseStatsStore;
    const reads = vi.spyOn(stats, 'get');
    const releaseReads = vi.spyOn(releases, 'get');
    const [first, ...rest] = sendQueue.jobs;
    await sendBatch([first], deps);
    expect(reads).not.toHaveBeenCalled();
    // Planning had finished when the batch read the release: its targeted is final, no second read.
    expect(releaseReads).toHaveBeenCalledTimes(1);
    expect((await releases.get('spring-update'))?.sendStatus).toBe(SendStatus.Sending);
    reads.mockClear();
    await sendBatch(rest, deps);
    expect(reads).toHaveBeenCalledTimes(1);
    expect((await releases.get('spring-update'))?.sendStatus).toBe(SendStatus.Sent);
  });

  it('without totals from the store (a send counted before begin), every batch reads the counters as before', async () => {
    const stats = deps.releaseStats as MemoryReleaseStatsStore;
    await stats.increment('spring-update', { deadLettered: 0, skipped: 0 }); // nothing, but not begun: never vouched
    stats.begin = async () => undefined;
    await fanOut();
    const reads = vi.spyOn(stats, 'get');
    await sendBatch([sendQueue.jobs[0]], deps);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('an ending counted normally is never counted again by a redelivery', async () => {
    await fanOut();
    await sendAll();
    const sent = (await deps.releaseStats.get('spring-update')).sent;
    clock.advance(60 * 60_000);
    await sendAll();
    expect((await deps.releaseStats.get('spring-update')).sent).toBe(sent);
  });

  describe('sendBatch at the shared rate', () => {
    class FakeGate {
      reserved: number[] = [];
      slowDowns = 0;
      async reserve(count: number, now: Date) {
        this.reserved.push(count);
        return Array.from({ length: count }, (_, i) => new Date(now.getTime() + i * 100));
      }
      async slowDown(): Promise<ThrottleReading | void> {
        this.slowDowns++;
      }
    }

    /** A batch of three for the throttle tests: both blog members, then sub-3 (press releases). */
    const throttleBatch = () =>
      sendQueue.jobs.filter((j) => j.listId === 'blog').concat(sendQueue.jobs.filter((j) => j.subscriberId === 'sub-3'));
    /** A mailer whose second send is throttled (the others go to `mailer`); `calls()` counts every attempt. */
    const throttlingSecondSend = () => {
      let calls = 0;
      const throttlingMailer = {
        async sendRaw(email: { to: string }) {
          if (++calls === 2) throw new MailerThrottledError();
          return mailer.sendRaw(email as never);
        },
      };
      return { throttlingMailer, calls: () => calls };
    };

    it('reserves one slot per message that is ready and waits for each slot', async () => {
      await fanOut();
      const gate = new FakeGate();
      const waits: number[] = [];
      const blogOnly = (await subscribers.findByEmail('blog@example.org'))!;
      await subscribers.unsubscribe(blogOnly.id, 'blog', clock.now()); // one job now has nothing to send
      const results = await sendBatch(sendQueue.jobs, { ...deps, rateGate: gate, wait: async (ms) => void waits.push(ms) });
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'error')).sort()).toEqual(['sent', 'sent', 'skipped']);
      expect(gate.reserved).toEqual([2]);
      expect(waits).toEqual([100]); // the first slot is now, the second 100 ms on
    });

    it('sends each message at its own slot without waiting for the answer to the one before', async () => {
      await fanOut();
      const gate = new FakeGate(); // slots 100 ms apart
      const timers = new FakeTimers(clock);
      let inFlight = 0;
      let mostInFlight = 0;
      const startedAt: number[] = [];
      const slowMailer = {
        async sendRaw(email: { to: string }) {
          startedAt.push(clock.now().getTime());
          mostInFlight = Math.max(mostInFlight, ++inFlight);
          await timers.wait(250); // a round trip longer than two slots
          inFlight--;
          return mailer.sendRaw(email as never);
        },
      };
      const start = clock.now().getTime();
      const results = await timers.run(sendBatch(sendQueue.jobs, { ...deps, mailer: slowMailer, rateGate: gate, wait: timers.wait }));
      expect(results.map((r) => r.status === 'fulfilled' && r.value)).toEqual(['sent', 'sent', 'sent']);
      // Each at its slot, not after the previous answer (which would be 0, 250, 500).
      expect(startedAt.map((t) => t - start)).toEqual([0, 100, 200]);
      expect(mostInFlight).toBe(3);
      expect(new Set(mailer.sent.map((m) => m.to)).size).toBe(3);
    });

    it('on throttling slows everyone down and puts the rest of the batch back on the queue, to wait for slots at the new rate', async () => {
      await fanOut();
      const gate = new FakeGate();
      const start = clock.now().getTime();
      const jobs = throttleBatch();
      const { throttlingMailer, calls } = throttlingSecondSend();
      const timers = new FakeTimers(clock);
      const results = await timers.run(sendBatch(jobs, { ...deps, mailer: throttlingMailer, rateGate: gate, wait: timers.wait }));
      // Deferred, not failed: a throttle must not walk jobs towards the dead-letter queue.
      expect(results.map((r) => r.status === 'fulfilled' && r.value)).toEqual(['sent', 'deferred', 'deferred']);
      expect(sendQueue.delayed).toEqual(jobs.slice(1).map((job) => ({ job, delaySeconds: THROTTLE_RETRY_SECONDS })));
      expect(gate.slowDowns).toBe(1);
      expect(calls()).toBe(2); // the third was not attempted at the old rate
      expect(clock.now().getTime() - start).toBe(100); // nor waited for: its slot, 200 ms on, never came
      // Both given-back deliveries can be claimed again by the retry.
      for (const job of jobs.slice(1)) expect(await deliveries.get(job.releaseId, job.subscriberId)).toBeUndefined();
      const retry = await sendBatch(jobs.slice(1), { ...deps, rateGate: gate, wait: async () => {} });
      expect(retry.map((r) => r.status === 'fulfilled' && r.value)).toEqual(['sent', 'sent']);
      expect(new Set(mailer.sent.map((m) => m.to)).size).toBe(mailer.sent.length);
    });

    /** The real pacer (pure steps) over one in-memory state, as DynamoSendRateGate shares it between workers. */
    class PacerGate {
      state: RateState;
      constructor(private readonly rate: number, now: Date) {
        this.state = initialRateState(now.getTime());
      }
      async reserve(count: number, now: Date, until?: Date) {
        const { slots, next } = reserveSlots(this.state, count, this.rate, now.getTime(), until?.getTime());
        this.state = next;
        return slots.map((ms) => new Date(ms));
      }
      async slowDown(now: Date): Promise<ThrottleReading> {
        this.state = afterThrottle(this.state, now.getTime());
        return 'too-fast';
      }
    }

    it('never gives a send a slot after its invocation ends (less the margin): the rest go back at once, holding no claim, booking no slot', async () => {
      await fanOut();
      // 1/s, cut by throttles to a third: a slot every ~3.1 s. The invocation has 5 s left.
      const gate = new PacerGate(1, clock.now());
      gate.state.factor = 1 / 3;
      const start = clock.now().getTime();
      const invocationEndsAt = new Date(start + 5_000);
      const timers = new FakeTimers(clock);
      const startedAt: number[] = [];
      const timedMailer = { sendRaw: async (email: never) => (startedAt.push(clock.now().getTime()), mailer.sendRaw(email)) };
      const jobs = throttleBatch();

      const results = await timers.run(sendBatch(jobs, { ...deps, mailer: timedMailer, rateGate: gate, wait: timers.wait, invocationEndsAt }));

      // Slots at 0 and ~3.1 s start before 4 s (5 s less the margin); the third, at ~6.2 s, would not.
      expect(results.map((r) => r.status === 'fulfilled' && r.value)).toEqual(['sent', 'sent', 'deferred']);
      expect(Math.max(...startedAt)).toBeLessThanOrEqual(invocationEndsAt.getTime() - SEND_DEADLINE_MARGIN_MS);
      expect(clock.now().getTime()).toBeLessThan(invocationEndsAt.getTime() - SEND_DEADLINE_MARGIN_MS);
      // Back on the queue at once, not failed (no receive burnt towards the DLQ), its claim given back.
      expect(sendQueue.delayed).toEqual([{ job: jobs[2], delaySeconds: THROTTLE_RETRY_SECONDS }]);
      expect(await deliveries.get(jobs[2].releaseId, jobs[2].subscriberId)).toBeUndefined();
      // The pacer booked two slots, so the next worker's first slot is the one this batch did not use.
      expect(gate.state.tat).toBeCloseTo(start + 2 * (1000 / (0.97 / 3)));
      const retry = await sendBatch([jobs[2]], { ...deps, rateGate: gate, wait: async (ms) => clock.advance(ms), invocationEndsAt: new Date(clock.now().getTime() + 30_000) });
      expect(retry.map((r) => r.status === 'fulfilled' && r.value)).toEqual(['sent']);
      expect(new Set(mailer.sent.map((m) => m.to)).size).toBe(3);
    });

    it('an invocation shorter than three margins keeps a third of its time as the margin, so a batch always sends something', async () => {
      await fanOut();
      // 900 ms left, less a third: the three slots at 10/s (0, 103, 206 ms) fit before 600 ms.
      const gate = new PacerGate(10, clock.now());
      const timers = new FakeTimers(clock);
      const results = await timers.run(sendBatch(sendQueue.jobs.slice(), { ...deps, rateGate: gate, wait: timers.wait, invocationEndsAt: new Date(clock.now().getTime() + 900) }));
      expect(results.map((r) => r.status === 'fulfilled' && r.value)).toEqual(['sent', 'sent', 'sent']);
    });

    it('with no time left for any send, the whole batch goes back at once, even unpaced', async () => {
      await fanOut();
      const results = await sendBatch(sendQueue.jobs.slice(), { ...deps, invocationEndsAt: new Date(clock.now().getTime() - 1) });
      expect(results.map((r) => r.status === 'fulfilled' && r.value)).toEqual(['deferred', 'deferred', 'deferred']);
      expect(mailer.sent).toHaveLength(0);
      expect(sendQueue.delayed.map((d) => d.delaySeconds)).toEqual([0, 0, 0]);
    });

    describe('with the real wait', () => {
      afterEach(() => vi.useRealTimers());

      it('a throttle that stops the batch also clears the timers of the messages still waiting', async () => {
        await fanOut();
        vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
        const jobs = throttleBatch();
        const { throttlingMailer } = throttlingSecondSend();
        // No `wait`: the default one, on (faked) setTimeout. Slots 0, 100 and 200 ms on.
        const batch = sendBatch(jobs, { ...deps, mailer: throttlingMailer, rateGate: new FakeGate() });
        await vi.advanceTimersByTimeAsync(100);
        const results = await batch;
        expect(results.map((r) => r.status === 'fulfilled' && r.value)).toEqual(['sent', 'deferred', 'deferred']);
        expect(vi.getTimerCount()).toBe(0); // the third message's 200 ms timer did not outlive the batch
      });
    });

    it('after a throttle the pacer reads as jitter, the rest of the batch keeps its slots; only the throttled job goes back', async () => {
      await fanOut();
      const gate = new (class extends FakeGate {
        async slowDown() {
          await super.slowDown();
          return 'jitter' as const;
        }
      })();
      const jobs = throttleBatch();
      const { throttlingMailer, calls } = throttlingSecondSend();
      const timers = new FakeTimers(clock);
      const results = await timers.run(sendBatch(jobs, { ...deps, mailer: throttlingMailer, rateGate: gate, wait: timers.wait }));
      expect(results.map((r) => r.status === 'fulfilled' && r.value)).toEqual(['sent', 'deferred', 'sent']);
      expect(sendQueue.delayed).toEqual([{ job: jobs[1], delaySeconds: THROTTLE_RETRY_SECONDS }]);
      expect(calls()).toBe(3);
      const expected = await Promise.all([jobs[0], jobs[2]].map(async (j) => (await subscribers.get(j.subscriberId))!.email));
      expect(mailer.sent.map((m) => m.to).sort()).toEqual(expected.sort());
    });
  });
});
