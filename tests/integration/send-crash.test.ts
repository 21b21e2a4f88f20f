import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryStatus } from '../../functions/domain/delivery/delivery';
import { SendStatus } from '../../functions/domain/release/send-status';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * The worker crashes after SES accepted a recipient's email and before its delivery was recorded
 * (tests/unit/send-state.test.ts has the same case on fakes). Here it runs through the real send
 * handler, the local SQS queue, the DynamoDB stores on dynalite and the local SES; only the crash
 * itself is injected, as the one DynamoDB write whose answer the worker never gets (an SDK
 * middleware: no emulator can fail one chosen write). The guarantee: at most one duplicate per crash, nobody lost, and the
 * ended delivery counted once.
 */
type Pressroom = Awaited<ReturnType<typeof startTestPressroom>>;

/** A send worker's claim lease when PRESSROOM_CLAIM_LEASE_SECONDS is unset; the cases move the handlers' clock past it. */
const LEASE_MS = 5 * 60_000;
const clock = { aheadMs: 0, now: () => new Date(Date.now() + clock.aheadMs) };

const text = (value: unknown) => (typeof value === 'string' ? value : (value as { S?: string } | undefined)?.S);

/**
 * Fails the one DynamoDB write that records `subscriberId`'s delivery of `releaseId` as sent, once:
 * `before` it reaches DynamoDB (the record is lost) or `after` DynamoDB applied it (the answer is
 * lost). Added at the build step, outside the SDK's retries, as a dead worker would never retry.
 * `crashed` resolves when it fired; `claimsSince` lists how each claim of that delivery tried since fared.
 */
function crashOnRecordingSent(pressroom: Pressroom, releaseId: string, subscriberId: string, when: 'before' | 'after') {
  const name = `crash-${randomUUID()}`;
  let fired!: () => void;
  const crashed = new Promise<void>((resolve) => (fired = resolve));
  let armed = true;
  const claimsSince: ('claimed' | 'refused')[] = [];
  type Args = { input: { Key?: { pk?: unknown }; ExpressionAttributeValues?: Record<string, unknown> } };
  const middleware = (next: (args: Args) => Promise<unknown>, context: { commandName?: string }) => async (args: Args) => {
    const delivery = context.commandName === 'UpdateItemCommand' && text(args.input.Key?.pk) === `DELIVERY#${releaseId}#${subscriberId}`;
    const values = args.input.ExpressionAttributeValues ?? {};
    if (delivery && !armed && ':lease' in values) {
      try {
        const answer = await next(args);
        claimsSince.push('claimed');
        return answer;
      } catch (error) {
        claimsSince.push('refused');
        throw error;
      }
    }
    if (!(delivery && armed && text(values[':status']) === DeliveryStatus.Sent)) return next(args);
    armed = false;
    if (when === 'after') await next(args);
    fired();
    throw Object.assign(new Error('simulated crash: the worker died while recording the delivery'), { name: 'WorkerCrashed' });
  };
  pressroom.clients.dynamo.middlewareStack.add(middleware as never, { step: 'build', name });
  return { crashed, claimsSince: () => [...claimsSince], remove: () => pressroom.clients.dynamo.middlewareStack.remove(name) };
}

async function until(condition: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a worker crash between SES accepting and the delivery record (DynamoDB, local SES, local SQS)', () => {
  let pressroom: Pressroom;

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_LISTS: 'blog=Blog' }, clock });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  /** A list, three subscribers and a release of their own, so that each case asserts only its data. */
  async function given(name: string) {
    const id = `${name}-${randomUUID().slice(0, 8)}`;
    const at = clock.now().toISOString();
    await pressroom.adapters.lists.create({ id, name, public: false, archived: false, createdAt: at, updatedAt: at });
    const emails = ['a', 'b', 'c'].map((who) => `${who}-${id}@example.com`);
    expect((await pressroom.client.addSubscribers(emails.map((email) => ({ email, lists: [id] })))).status).toBe(200);
    const crashed = (await pressroom.adapters.subscribers.findByEmail(emails[1]))!;
    return { releaseId: id, title: `Crash ${id}`, list: id, emails, crashed };
  }

  /** Recipient → how many emails of the release the local SES accepted for them. */
  async function mailCounts(title: string): Promise<Record<string, number>> {
    const mail = (await (await fetch(`${pressroom.url}/local/mail`)).json()) as { to: string[]; subject: string }[];
    const counts: Record<string, number> = {};
    for (const to of mail.filter((m) => m.subject === title).flatMap((m) => m.to)) counts[to] = (counts[to] ?? 0) + 1;
    return counts;
  }

  /**
   * Publishes the release with the crash armed, waits until it fired and until SQS brought the job
   * back while the dead worker's claim still lived, and hands that moment to `meanwhile`. Then the
   * lease runs out (the handlers' clock moves past it) and the send settles.
   */
  async function sendThroughCrash(when: 'before' | 'after', meanwhile: (setup: Awaited<ReturnType<typeof given>>) => Promise<void>) {
    const setup = await given(`crash-${when}`);
    const crash = crashOnRecordingSent(pressroom, setup.releaseId, setup.crashed.id, when);
    try {
      const body = releaseBody({ id: setup.releaseId, title: setup.title, lists: [setup.list] });
      // Signed at the handlers' time: an earlier case may have moved their clock on.
      const published = await pressroom.client.publish(body, { timestamp: Math.floor(clock.now().getTime() / 1000) });
      expect(published.status).toBe(202);
      await crash.crashed;
      await until(() => crash.claimsSince().length > 0);
      // The redelivery found the claim live (or, after a recorded ending, the delivery ended) and held back.
      expect(crash.claimsSince()).toEqual(['refused']);
      await meanwhile(setup);
      clock.aheadMs += LEASE_MS + 1_000;
      await pressroom.settle(30_000);
    } finally {
      crash.remove();
    }
    return setup;
  }

  it('given the record was lost, the recipient gets one duplicate after the lease, everyone else one email, and each delivery counts once', async () => {
    const { releaseId, title, emails, crashed } = await sendThroughCrash('before', async ({ releaseId, title, emails, crashed }) => {
      // One email so far, the dead worker's claim unended.
      expect((await mailCounts(title))[emails[1]]).toBe(1);
      expect(await pressroom.adapters.deliveries.get(releaseId, crashed.id)).toMatchObject({ status: DeliveryStatus.Claimed });
    });

    expect(await mailCounts(title)).toEqual({ [emails[0]]: 1, [emails[1]]: 2, [emails[2]]: 1 });
    expect(await pressroom.adapters.deliveries.get(releaseId, crashed.id)).toMatchObject({ status: DeliveryStatus.Sent });
    expect((await pressroom.adapters.deliveries.get(releaseId, crashed.id))?.uncounted).toBeFalsy();
    expect(await pressroom.adapters.releaseStats.get(releaseId)).toMatchObject({ targeted: 3, sent: 3, failed: 0, skipped: 0, duplicate: 0, deadLettered: 0 });
    expect(await pressroom.adapters.releases.get(releaseId)).toMatchObject({ sendStatus: SendStatus.Sent });
    expect(pressroom.queues.send.deadLetters()).toEqual([]);
  });

  it('given the record landed but its answer was lost, nobody gets a duplicate and the redelivery counts the ending the worker could not', async () => {
    const { releaseId, title, emails, crashed } = await sendThroughCrash('after', async ({ releaseId, title, emails, crashed }) => {
      // Ended but not counted: left to the dead worker, trusted until its lease would have run out.
      expect((await mailCounts(title))[emails[1]]).toBe(1);
      expect(await pressroom.adapters.deliveries.get(releaseId, crashed.id)).toMatchObject({ status: DeliveryStatus.Sent, uncounted: true });
      expect((await pressroom.adapters.releaseStats.get(releaseId)).sent).toBe(2);
    });

    expect(await mailCounts(title)).toEqual({ [emails[0]]: 1, [emails[1]]: 1, [emails[2]]: 1 });
    expect((await pressroom.adapters.deliveries.get(releaseId, crashed.id))?.uncounted).toBeFalsy();
    expect(await pressroom.adapters.releaseStats.get(releaseId)).toMatchObject({ targeted: 3, sent: 3, failed: 0, skipped: 0, duplicate: 0, deadLettered: 0 });
    expect(await pressroom.adapters.releases.get(releaseId)).toMatchObject({ sendStatus: SendStatus.Sent });
    expect(pressroom.queues.send.deadLetters()).toEqual([]);
  });
});
