import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobQueue } from '../../functions/domain/ports';
import type { SendJob } from '../../functions/domain/delivery/ports';
import { fanOutRelease } from '../../functions/domain/delivery/fan-out';
import { newRelease } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { SendStatus } from '../../functions/domain/release/send-status';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * Fault injection through the local stand-ins (dynalite, local SES, local queues, real handlers):
 * a planner that crashes part-way, a duplicated fan-out job, a subscriber on three targeted lists,
 * and a poison send job that dead-letters, shows up for staff, and is redriven after the fix.
 * Every case asserts the exact set of addresses that received the release.
 */
type Pressroom = Awaited<ReturnType<typeof startTestPressroom>>;

const LISTS = 'blog=Blog,press-releases=Press Releases,events=Events';
const knownLists = new Set(['blog', 'press-releases', 'events']);

/** Addresses that received the release titled `title`, one entry per message, sorted. */
async function recipientsOf(pressroom: Pressroom, title: string): Promise<string[]> {
  const list = (await (await fetch(`${pressroom.url}/local/mail`)).json()) as { to: string[]; subject: string }[];
  return list.filter((m) => m.subject === title).flatMap((m) => m.to).sort();
}

const admin = (pressroom: Pressroom, path: string, init: RequestInit = {}) =>
  fetch(`${pressroom.url}${path}`, { ...init, headers: { authorization: `Bearer ${pressroom.secrets.adminToken}`, ...init.headers } });

describe('fan-out planning under faults', () => {
  let pressroom: Pressroom;
  // 8 on blog (one of them also on press-releases and events), 2 more on press-releases only, 1 on events only.
  const blog = Array.from({ length: 7 }, (_, i) => `blog${i}@example.com`);
  const everywhere = 'all-three@example.com';
  const press = ['press0@example.com', 'press1@example.com'];
  const events = ['events0@example.com'];
  const everyone = [...blog, everywhere, ...press, ...events].sort();

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_LISTS: LISTS } });
    const added = await pressroom.client.addSubscribers([
      ...blog.map((email) => ({ email, lists: ['blog'] })),
      { email: everywhere, lists: ['blog', 'press-releases', 'events'] },
      ...press.map((email) => ({ email, lists: ['press-releases'] })),
      ...events.map((email) => ({ email, lists: ['events'] })),
    ]);
    expect(added.status).toBe(200);
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('given a planner that crashed between enqueueing its second page and checkpointing it, when the fan-out job is delivered again, everyone gets exactly one email and planning resumed from the checkpoint', async () => {
    const { fanOut, send } = pressroom.queues;
    await fanOut.stop(); // hold the webhook's fan-out job back so the crashing planner runs first
    const title = 'Crash test';
    const published = await pressroom.client.publish(releaseBody({ id: 'crash-test', title, lists: ['blog', 'press-releases', 'events'] }));
    expect(published.status).toBe(202);

    // Given: a planner whose second enqueue succeeds and then the process "dies".
    const jobsBefore = send.stats().delivered;
    let sends = 0;
    const crashing: JobQueue<SendJob> = {
      async send(jobs) {
        await send.send(jobs);
        if (++sends === 2) throw new Error('simulated crash after enqueueing page 2');
      },
    };
    const deps = pressroom.adapters;
    await expect(
      fanOutRelease({ releaseId: 'crash-test' }, { ...deps, plans: deps.fanOutPlans, sendQueue: crashing, pageSize: 2 }),
    ).rejects.toThrow('simulated crash');
    const checkpoint = await deps.fanOutPlans.get('crash-test');
    expect(checkpoint).toMatchObject({ listIndex: 0, targeted: 2 }); // page 1 checkpointed, page 2 not
    expect(checkpoint!.cursor).toBeDefined();

    // When: the fan-out job arrives (the real handler, as on Lambda).
    fanOut.start();
    await pressroom.settle();

    // Then: each recipient once, the member of three lists included; only page 2 was enqueued twice.
    expect(await recipientsOf(pressroom, title)).toEqual(everyone);
    expect(send.stats().delivered - jobsBefore).toBe(everyone.length + 2);
    expect(send.stats().deadLetters).toBe(0);
    const plan = await deps.fanOutPlans.get('crash-test');
    expect(plan).toMatchObject({ listIndex: 3, targeted: everyone.length });
    const release = await deps.releases.get('crash-test');
    expect(release).toMatchObject({ targeted: everyone.length });
    expect(release!.planningFinishedAt).toBeDefined();
    expect((await deps.releaseStats.get('crash-test')).targeted).toBe(everyone.length);
  });

  it('given the same fan-out job delivered twice at once, each recipient gets one email and no page is planned twice', async () => {
    const { fanOut, send } = pressroom.queues;
    const title = 'Duplicate fan-out';
    const jobsBefore = send.stats().delivered;
    await fanOut.stop();
    await pressroom.client.publish(releaseBody({ id: 'dup-fan-out', title, lists: ['blog', 'press-releases', 'events'] }));
    await fanOut.send([{ releaseId: 'dup-fan-out' }]); // SQS at-least-once: a second copy of the job
    fanOut.start(); // both copies arrive in one batch and run side by side
    await pressroom.settle();

    expect(await recipientsOf(pressroom, title)).toEqual(everyone);
    // The copy that found the plan leased backed off before enqueueing anything.
    expect(send.stats().delivered - jobsBefore).toBe(everyone.length);
    expect(await pressroom.adapters.releases.get('dup-fan-out')).toMatchObject({ targeted: everyone.length });
    expect((await pressroom.adapters.releaseStats.get('dup-fan-out')).targeted).toBe(everyone.length);
  });

  it('a subscriber on three targeted lists gets one email and is counted once in targeted', async () => {
    const title = 'Three lists';
    await pressroom.client.publish(releaseBody({ id: 'three-lists', title, lists: ['events', 'press-releases', 'blog'] }));
    await pressroom.settle();
    const received = await recipientsOf(pressroom, title);
    expect(received.filter((to) => to === everywhere)).toHaveLength(1);
    expect(received).toEqual(everyone);
    expect(await pressroom.adapters.releases.get('three-lists')).toMatchObject({ targeted: everyone.length });
    expect((await pressroom.adapters.releaseStats.get('three-lists')).targeted).toBe(everyone.length);
  });
});

describe('poison messages: dead-letter queue, status and redrive', () => {
  let pressroom: Pressroom;

  beforeAll(async () => {
    // Two receives a second apart: a poison message reaches the DLQ in about two seconds.
    pressroom = await startTestPressroom({ env: { PRESSROOM_LISTS: LISTS }, visibilityTimeoutMs: 1_000, maxReceiveCount: 2 });
    await pressroom.client.addSubscribers([{ email: 'poisoned@example.com', lists: ['blog'] }]);
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('given a send job for a release that does not exist yet and a malformed body, both end in the DLQ, show in GET /admin/queues and (the one with a release) in its deadLettered count; after the fix a redrive delivers it once', async () => {
    const subscriber = await pressroom.adapters.subscribers.findByEmail('poisoned@example.com');
    const { send } = pressroom.queues;
    await send.send([{ releaseId: 'late-release', subscriberId: subscriber!.id, listId: 'blog' }]);
    await (send as unknown as JobQueue<unknown>).send(['not a send job']);
    await pressroom.settle();

    expect(send.deadLetters()).toHaveLength(2);
    const depths = await admin(pressroom, '/admin/queues');
    expect(depths.status).toBe(200);
    expect(await depths.json()).toEqual({
      queues: [
        { queue: 'fan-out', deadLetters: 0 },
        { queue: 'send', deadLetters: 2 },
        { queue: 'mail-events', deadLetters: 0 },
        { queue: 'signups', deadLetters: 0 },
        { queue: 'bulk', deadLetters: 0 },
        { queue: 'webhooks', deadLetters: 0 },
      ],
    });
    expect((await pressroom.adapters.releaseStats.get('late-release')).deadLettered).toBe(1);
    expect(await recipientsOf(pressroom, 'Late release')).toEqual([]);

    // Fix the cause: the release now exists, rendered and sending.
    const now = pressroom.adapters.clock.now();
    const release = newRelease(parseReleaseInput(releaseBody({ id: 'late-release', title: 'Late release' }), knownLists), now);
    await pressroom.adapters.releases.create(release);
    await pressroom.adapters.releases.saveRendered(release.id, await pressroom.adapters.renderer.render(release));
    await pressroom.adapters.releases.transition(release.id, [SendStatus.Queued], SendStatus.Sending, now);

    const redriven = await admin(pressroom, '/admin/queues/send/redrive', { method: 'POST' });
    expect(redriven.status).toBe(202);
    // The same SqsDeadLetterQueues as on AWS: a message move task, answered with its handle.
    expect(await redriven.json()).toEqual({ queue: 'send', taskHandle: expect.any(String) });
    await pressroom.settle();

    expect(await recipientsOf(pressroom, 'Late release')).toEqual(['poisoned@example.com']);
    // The malformed body cannot be fixed: it is back in the DLQ, counted against no release.
    expect(send.deadLetters().map((d) => d.body)).toEqual(['not a send job']);
    expect((await pressroom.adapters.releaseStats.get('late-release')).deadLettered).toBe(1);

    // A second redrive resends nothing that was delivered.
    await admin(pressroom, '/admin/queues/send/redrive', { method: 'POST' });
    await pressroom.settle();
    expect(await recipientsOf(pressroom, 'Late release')).toEqual(['poisoned@example.com']);
  });

  it('a fan-out job that keeps failing is dead-lettered and fails its send with the reason, instead of leaving it sending', async () => {
    const subscribers = pressroom.adapters.subscribers;
    const deadBefore = pressroom.queues.fanOut.deadLetters().length;
    const pageConfirmedMembers = subscribers.pageConfirmedMembers.bind(subscribers);
    subscribers.pageConfirmedMembers = async () => {
      throw new Error('ProvisionedThroughputExceeded on the members index');
    };
    try {
      expect((await pressroom.client.publish(releaseBody({ id: 'doomed', lists: ['blog'] }))).status).toBe(202);
      await pressroom.settle(20_000);
    } finally {
      subscribers.pageConfirmedMembers = pageConfirmedMembers;
    }
    expect(pressroom.queues.fanOut.deadLetters()).toHaveLength(deadBefore + 1);
    const status = await (await admin(pressroom, '/admin/releases/doomed/send')).json();
    expect(status).toMatchObject({ status: 'failed', sendError: expect.stringContaining('ProvisionedThroughputExceeded') });
    expect((await pressroom.client.mail()).filter((m) => m.subject === 'Spring update' && m.to.includes('poisoned@example.com'))).toHaveLength(0);
    // Redriving it now changes nothing: a failed send is final.
    await admin(pressroom, '/admin/queues/fan-out/redrive', { method: 'POST' });
    await pressroom.settle();
    expect(((await (await admin(pressroom, '/admin/releases/doomed/send')).json()) as { status: string }).status).toBe('failed');
  });

  it('an unknown queue is a 404 and a missing token a 401', async () => {
    expect((await admin(pressroom, '/admin/queues/nope/redrive', { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${pressroom.url}/admin/queues`)).status).toBe(401);
  });
});
