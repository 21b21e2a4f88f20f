import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { JobQueue } from '../../functions/domain/ports';
import type { SendJob } from '../../functions/domain/delivery/ports';
import type { SubscriberStore } from '../../functions/domain/subscriber/ports';
import { fanOutRelease, PlanningOutcome, type FanOutDeps } from '../../functions/domain/delivery/fan-out';
import { sendEmail, type SendEmailDeps } from '../../functions/domain/delivery/send-email';
import { PlanningConflictError } from '../../functions/domain/delivery/errors';
import { newRelease } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';
import { parseKeyring } from '../../functions/domain/security/link-tokens';
import {
  FakeClock, MemoryDeliveryStore, MemoryFanOutPlanStore, MemoryQueue, MemoryReleaseStatsStore, MemoryReleaseStore, MemorySubscriberStore,
  RecordingMailer,
} from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';
import { fixedListNames } from '../../functions/domain/lists/list-names';

const LISTS = ['blog', 'press-releases', 'events'];
const renderer = {
  async render() {
    return { subject: 'Spring update', html: `<a href="${RecipientPlaceholder.UnsubscribeUrl}">x</a>`, text: RecipientPlaceholder.UnsubscribeUrl };
  },
};

describe('fan-out planning (in-memory ports)', () => {
  let clock: FakeClock;
  let releases: MemoryReleaseStore;
  let subscribers: MemorySubscriberStore;
  let plans: MemoryFanOutPlanStore;
  let releaseStats: MemoryReleaseStatsStore;
  let sendQueue: MemoryQueue<SendJob>;
  let fanOutQueue: MemoryQueue<{ releaseId: string }>;
  let deps: FanOutDeps;
  const everyone: string[] = [];

  beforeEach(async () => {
    clock = new FakeClock();
    releases = new MemoryReleaseStore();
    subscribers = new MemorySubscriberStore();
    plans = new MemoryFanOutPlanStore();
    releaseStats = new MemoryReleaseStatsStore();
    sendQueue = new MemoryQueue<SendJob>();
    fanOutQueue = new MemoryQueue();
    deps = { releases, subscribers, renderer, sendQueue, plans, releaseStats, clock, pageSize: 2, fanOutQueue };
    everyone.length = 0;
    await releases.create(newRelease(parseReleaseInput(releaseBody({ lists: LISTS }), new Set(LISTS)), clock.now()));
    for (let i = 0; i < 5; i++) everyone.push((await subscribers.addConfirmed(`blog${i}@example.org`, ['blog'], clock.now())).subscriber.email);
    everyone.push((await subscribers.addConfirmed('all@example.org', LISTS, clock.now())).subscriber.email);
    everyone.push((await subscribers.addConfirmed('press@example.org', ['press-releases'], clock.now())).subscriber.email);
    everyone.push((await subscribers.addConfirmed('events@example.org', ['events'], clock.now())).subscriber.email);
    everyone.sort();
    clock.advance(1000);
  });

  /** Sends every queued job once, as the send workers would, and returns who received mail. */
  async function deliverAll(): Promise<string[]> {
    const mailer = new RecordingMailer();
    const sendDeps = {
      releases, subscribers, deliveries: new MemoryDeliveryStore(), mailer, clock, releaseStats, sendQueue,
      keyring: parseKeyring(`k1:${randomBytes(32).toString('base64')}`),
      sender: { from: { address: 'news@example.org' }, publicUrl: 'https://news.example.org', listNames: fixedListNames(new Map()) },
      templates: new Map(),
    } as unknown as SendEmailDeps;
    for (const job of sendQueue.jobs) await sendEmail(job, sendDeps);
    return mailer.sent.map((m) => m.to).sort();
  }

  it('plans a subscriber on three targeted lists once, through the first, and counts everyone once', async () => {
    const result = await fanOutRelease({ releaseId: 'spring-update' }, deps);
    expect(result).toMatchObject({ outcome: PlanningOutcome.Finished, planned: everyone.length, targeted: everyone.length });
    const all = await subscribers.findByEmail('all@example.org');
    expect(sendQueue.jobs.filter((j) => j.subscriberId === all!.id)).toEqual([{ releaseId: 'spring-update', subscriberId: all!.id, listId: 'blog' }]);
    expect((await releaseStats.get('spring-update')).targeted).toBe(everyone.length);
    expect(await releases.get('spring-update')).toMatchObject({ targeted: everyone.length });
    expect(await deliverAll()).toEqual(everyone);
  });

  it('given a planner that crashed after enqueueing its second page, the next run resumes from the checkpoint: everyone once, one page enqueued twice', async () => {
    let sends = 0;
    const crashing: JobQueue<SendJob> = {
      async send(jobs) {
        await sendQueue.send(jobs);
        if (++sends === 2) throw new Error('crash');
      },
    };
    await expect(fanOutRelease({ releaseId: 'spring-update' }, { ...deps, sendQueue: crashing })).rejects.toThrow('crash');
    expect(await plans.get('spring-update')).toMatchObject({ listIndex: 0, cursor: '2', targeted: 2 });

    const pagesRead: (string | undefined)[] = [];
    const watching: SubscriberStore = Object.assign(Object.create(subscribers), {
      pageConfirmedMembers: (listId: string, cursor: string | undefined, limit: number) => {
        pagesRead.push(`${listId}@${cursor ?? 'start'}`);
        return subscribers.pageConfirmedMembers(listId, cursor, limit);
      },
    });
    const resumed = await fanOutRelease({ releaseId: 'spring-update' }, { ...deps, subscribers: watching });
    expect(pagesRead[0]).toBe('blog@2'); // not blog@start: the first page is not planned again
    expect(resumed).toMatchObject({ outcome: PlanningOutcome.Finished, targeted: everyone.length });
    expect(sendQueue.jobs).toHaveLength(everyone.length + 2); // page 2 twice: the documented window
    expect((await releaseStats.get('spring-update')).targeted).toBe(everyone.length);
    expect(await deliverAll()).toEqual(everyone);
  });

  it('a duplicate fan-out job arriving while the plan is leased backs off without enqueueing anything; after the run it finds the plan finished', async () => {
    const first = fanOutRelease({ releaseId: 'spring-update' }, deps);
    await expect(fanOutRelease({ releaseId: 'spring-update' }, deps)).rejects.toBeInstanceOf(PlanningConflictError);
    await first;
    expect(await fanOutRelease({ releaseId: 'spring-update' }, deps)).toMatchObject({ outcome: PlanningOutcome.Finished, planned: 0 });
    expect(sendQueue.jobs).toHaveLength(everyone.length);
    expect(await deliverAll()).toEqual(everyone);
  });

  it('a planner that outlived its lease is fenced: the one that took over moves the plan, the old one stops at its next checkpoint', async () => {
    let pause: (() => void) | undefined;
    const slowQueue: JobQueue<SendJob> = {
      async send(jobs) {
        await new Promise<void>((resolve) => (pause = resolve));
        await sendQueue.send(jobs);
      },
    };
    const stale = fanOutRelease({ releaseId: 'spring-update' }, { ...deps, sendQueue: slowQueue, leaseMs: 1000 });
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(5000); // the lease ran out: the stale planner looks dead
    await fanOutRelease({ releaseId: 'spring-update' }, deps);
    pause!();
    await expect(stale).rejects.toBeInstanceOf(PlanningConflictError);
    expect(await deliverAll()).toEqual(everyone);
    expect((await releaseStats.get('spring-update')).targeted).toBe(everyone.length);
  });

  it('stops at its time budget and queues a continuation that finishes the plan', async () => {
    const ticking = { now: () => (clock.advance(1000), clock.now()) };
    const first = await fanOutRelease({ releaseId: 'spring-update' }, { ...deps, clock: ticking, timeBudgetMs: 3000 });
    expect(first.outcome).toBe(PlanningOutcome.Continued);
    expect(fanOutQueue.jobs).toEqual([{ releaseId: 'spring-update' }]);
    const rest = await fanOutRelease({ releaseId: 'spring-update' }, deps);
    expect(rest).toMatchObject({ outcome: PlanningOutcome.Finished, targeted: everyone.length });
    expect(first.planned + rest.planned).toBe(everyone.length);
    expect(await deliverAll()).toEqual(everyone);
  });

  it('does not trust a membership that changed after planning began: the member is planned again and still mailed once', async () => {
    // Joined blog after planning started (so maybe after blog's pages were read): press-releases plans them too.
    const press = await subscribers.findByEmail('press@example.org');
    let joined = false;
    const joining: SubscriberStore = Object.assign(Object.create(subscribers), {
      pageConfirmedMembers: async (listId: string, cursor: string | undefined, limit: number) => {
        if (listId === 'press-releases' && !joined) {
          joined = true;
          clock.advance(1000);
          await subscribers.setMemberships(press!.id, [{ listId: 'blog', status: 'confirmed' }], clock.now());
        }
        return subscribers.pageConfirmedMembers(listId, cursor, limit);
      },
    });
    await fanOutRelease({ releaseId: 'spring-update' }, { ...deps, subscribers: joining });
    expect(sendQueue.jobs.filter((j) => j.subscriberId === press!.id).map((j) => j.listId)).toEqual(['press-releases']);
    expect(await deliverAll()).toEqual(everyone);
  });

  // With de-duplication only the first list's job exists, so a job may stand down only for a list
  // that comes before its own in release.lists (send-email.ts).
  it('a member planned through blog only who leaves blog after planning still gets the release through press-releases', async () => {
    await fanOutRelease({ releaseId: 'spring-update' }, deps);
    const all = await subscribers.findByEmail('all@example.org');
    clock.advance(1000);
    await subscribers.unsubscribe(all!.id, 'blog', clock.now());
    expect(await deliverAll()).toEqual(everyone);
  });

  it('plans nothing for a release whose send is final', async () => {
    await releases.transition('spring-update', ['queued'], 'cancelled', clock.now());
    expect(await fanOutRelease({ releaseId: 'spring-update' }, deps)).toMatchObject({ outcome: PlanningOutcome.NotSending, planned: 0 });
    expect(sendQueue.jobs).toEqual([]);
  });

  it('a cancel during planning stops it at the next page and frees the plan', async () => {
    // Staff cancel while the planner is between its second and third page.
    let pagesRead = 0;
    const watched = Object.create(subscribers) as SubscriberStore;
    watched.pageConfirmedMembers = async (...args) => {
      if (++pagesRead === 2) await releases.transition('spring-update', ['sending'], 'cancelled', clock.now());
      return subscribers.pageConfirmedMembers(...args);
    };
    const result = await fanOutRelease({ releaseId: 'spring-update' }, { ...deps, subscribers: watched });
    expect(result).toMatchObject({ outcome: PlanningOutcome.NotSending, pages: 2, planned: 4 });
    expect(pagesRead).toBe(2);
    expect(sendQueue.jobs).toHaveLength(4);
    expect((await releases.get('spring-update'))?.planningFinishedAt).toBeUndefined();
    // The plan was handed back: a later job finds the send final and plans nothing more.
    expect(await fanOutRelease({ releaseId: 'spring-update' }, deps)).toMatchObject({ outcome: PlanningOutcome.NotSending, planned: 0 });
    expect(sendQueue.jobs).toHaveLength(4);
  });
});
