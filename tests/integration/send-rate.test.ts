import { afterEach, describe, expect, it } from 'vitest';
import { GetSendQuotaCommand, SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';
import { LOCAL_CLIENT_CONFIG } from '../../functions/local/dynamo';
import { sesRetryStrategy } from '../../functions/adapters/ses/retry-strategy';

/**
 * The send rate end to end: the local SES enforces a maximum rate in a sliding one-second window
 * (as SES does) and records when it accepted each message; the engine paces itself under the rate
 * it reads from GetSendQuota and backs off when throttled. Nothing here measures time: every check
 * is a count, a set, or the spacing of the SES's acceptance times.
 */
type Pressroom = Awaited<ReturnType<typeof startTestPressroom>>;
/** Each send takes ~5–10 s on a quiet 2-core machine; the margin is for a machine shared with other suites. */
const SEND_TEST_TIMEOUT_MS = 90_000;
let pressroom: Pressroom | undefined;

afterEach(async () => {
  await pressroom?.stop();
  pressroom?.cleanup();
  pressroom = undefined;
});

const addresses = (n: number) => Array.from({ length: n }, (_, i) => `reader-${String(i).padStart(3, '0')}@example.com`);

/** Given `count` confirmed blog subscribers, when a release is published and the queues settle. */
async function publishTo(p: Pressroom, count: number, releaseId: string): Promise<string[]> {
  const emails = addresses(count);
  const added = await p.client.addSubscribers(emails.map((email) => ({ email, lists: ['blog'] })));
  expect(added).toMatchObject({ status: 200, body: { added: count } });
  const published = await p.client.publish(releaseBody({ id: releaseId, lists: ['blog'] }));
  expect(published.status).toBe(202);
  await p.settle(SEND_TEST_TIMEOUT_MS - 10_000);
  return emails;
}

/** Recipient → how many messages they got. */
function deliveriesPerRecipient(p: Pressroom): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of p.ses.mailbox.list()) for (const to of message.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

function expectEachExactlyOnce(p: Pressroom, emails: string[]): void {
  const counts = deliveriesPerRecipient(p);
  expect([...counts.keys()].sort()).toEqual(emails);
  expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  for (const queue of p.queues.byName.values()) expect(queue.stats().deadLetters).toBe(0);
}

const acceptanceTimes = (p: Pressroom) => p.ses.mailbox.list().map((m) => m.acceptedAtMs!);

/** The shared pacing state (adapters/dynamodb/send-rate-gate.ts), or undefined if no send was ever paced. */
async function pacerState(p: Pressroom): Promise<{ factor: number; tat: number } | undefined> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: p.dynamoEndpoint }));
  const { Item } = await doc.send(new GetCommand({ TableName: 'pressroom', Key: { pk: 'PACER#email', sk: 'PACER' }, ConsistentRead: true }));
  doc.destroy();
  return Item as { factor: number; tat: number } | undefined;
}

describe('sending at the SES rate (local SES enforcing a sliding one-second window)', () => {
  it('given SES allows 20/s and 80 subscribers, each gets exactly one email, sent at evenly spaced slots', async () => {
    pressroom = await startTestPressroom({ sesMaxSendRate: 20 });

    const emails = await publishTo(pressroom, 80, 'paced-send');

    expectEachExactlyOnce(pressroom, emails);
    // What the engine controls is the spacing of its sends (the local SES refuses past 20 in any
    // second, so counting its acceptances per window would hold whatever the engine did): evenly
    // spaced slots at 97% of 20/s put ~52 ms between sends; a burst would put ~0 ms.
    const times = acceptanceTimes(pressroom).sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
    expect(gaps[Math.floor(gaps.length / 2)]).toBeGreaterThanOrEqual(40);
    // The engine paces at 97% of the quota with evenly spaced slots, so SES has no reason to refuse.
    // The margin is ~31 ms per 20 sends: a message made that much later than the one 20 slots after it
    // (a long GC pause, a starved CPU: the whole suite on two cores, the mail-events consumer in the
    // same process handling ten events at once) can still meet a full window. Each such answer only
    // returns the rest of its batch to the queue, so a handful is tolerated; a pacer that did not
    // pace would see dozens here (80 sends at the speed of the machine against 20/s).
    const { accepted, throttled } = pressroom.ses.stats();
    expect(accepted).toBe(80);
    expect(throttled).toBeLessThanOrEqual(5);
  }, SEND_TEST_TIMEOUT_MS);

  it('given the engine is configured above what SES enforces, throttling slows it down and still nobody is lost or mailed twice', async () => {
    // SES advertises 40/s but refuses past 5/s; Pressroom is allowed 60/s, so it paces at min(40, 60),
    // eight times the real limit. 5/s is far below what even a busy machine sends, so SES must refuse.
    pressroom = await startTestPressroom({
      sesMaxSendRate: 5,
      sesReportedMaxSendRate: 40,
      env: { PRESSROOM_MAX_SEND_RATE: '60' },
      // Throttled jobs are re-enqueued rather than failed, so they burn no receives; the default
      // limit would do, but a loaded machine gets some slack.
      maxReceiveCount: 10,
    });
    const quota = await new SESClient({ ...LOCAL_CLIENT_CONFIG, endpoint: pressroom.sesEndpoint }).send(new GetSendQuotaCommand({}));
    expect(quota.MaxSendRate).toBe(40);

    const emails = await publishTo(pressroom, 30, 'mismatched-send');

    const { accepted, throttled } = pressroom.ses.stats();
    // SES said no, at least once: the engine really was above the limit.
    expect(throttled).toBeGreaterThan(0);
    // Every throttled message came back through the queue and went out once.
    expectEachExactlyOnce(pressroom, emails);
    expect(accepted).toBe(30);
    // Multiplicative decrease: the shared rate is below the full quota when the send ends (recovery is
    // +1% per slot, too little to climb back from 40/s to the 5/s that fits within 30 messages).
    const state = await pacerState(pressroom);
    expect(state?.factor).toBeLessThan(1);
    // Backing off means SES refused only a few times per message, not in a tight loop: without the
    // pause and the cut the queue would retry at 40/s and be refused about as often as accepted.
    expect(throttled).toBeLessThan(accepted);
  }, SEND_TEST_TIMEOUT_MS);

  it('given an unlimited SES, the engine does not pace at all', async () => {
    pressroom = await startTestPressroom();

    const emails = await publishTo(pressroom, 80, 'unpaced-send');

    expectEachExactlyOnce(pressroom, emails);
    expect(pressroom.ses.stats()).toEqual({ accepted: 80, throttled: 0 });
    // GetSendQuota answered -1 (no limit), so no slot was ever reserved: the pacing item was never written.
    expect(await pacerState(pressroom)).toBeUndefined();
  }, SEND_TEST_TIMEOUT_MS);
});

describe("sending within the invocation's time (local SES at a low rate, the worker's 3 s timeout)", () => {
  it('given a batch needs longer than its invocation has, it sends what fits and requeues the rest: nobody waits out a claim, nothing fails', async () => {
    // 2/s: a batch of 10 needs ~5 s of slots, the worker's context gives it 3 s (the test queues'
    // visibility timeout, which the local event source reports as the function's timeout).
    const logged: string[] = [];
    const note = (message: string) => void logged.push(message);
    pressroom = await startTestPressroom({ sesMaxSendRate: 2, visibilityTimeoutMs: 3_000, logger: { info() {}, warn: note, error: note } });

    const emails = await publishTo(pressroom, 12, 'deadline-send');

    expectEachExactlyOnce(pressroom, emails);
    // No invocation ran into its timeout and no job failed: the jobs that did not fit went back on
    // the queue as new messages, holding no claim, so none waited out a lease or burnt a receive.
    expect(logged).toEqual([]);
    // (A throttle now and then is jitter at 2/s, where two sends fill the window: it is requeued too.)
    expect(pressroom.ses.stats().accepted).toBe(12);
  }, SEND_TEST_TIMEOUT_MS);
});

describe('the daily quota (local SES enforcing Max24HourSend in a shortened window)', () => {
  it('given the quota runs out mid-send, the send pauses by quota, resumes by itself once it frees, and finishes: everyone exactly once', async () => {
    // 5 a "day", the day 6 s long (long enough that a slow machine still meets the quota); the send
    // looks again within 2 s of meeting it.
    pressroom = await startTestPressroom({ sesMax24HourSend: 5, sesQuotaWindowMs: 6_000, env: { PRESSROOM_QUOTA_RECHECK_SECONDS: '2' } });
    const p = pressroom;
    const emails = addresses(8);
    await p.client.addSubscribers(emails.map((email) => ({ email, lists: ['blog'] })));
    const progress = async () =>
      (await (await fetch(`${p.url}/admin/releases/quota-send/send`, { headers: { authorization: `Bearer ${p.secrets.adminToken}` } })).json()) as Record<string, unknown>;
    expect((await p.client.publish(releaseBody({ id: 'quota-send', lists: ['blog'] }))).status).toBe(202);

    // Quota reached: the send pauses itself, saying why and until when.
    let paused: Record<string, unknown> | undefined;
    for (const deadline = Date.now() + 30_000; !paused && Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) {
      const now = await progress();
      if (now.status === 'paused') paused = now;
    }
    expect(paused).toMatchObject({ status: 'paused', pausedBy: 'quota', resumeAt: expect.any(String) });
    expect(Date.parse(paused!.resumeAt as string)).toBeGreaterThan(Date.now() - 2_000);
    expect(p.ses.mailbox.list().length).toBeLessThanOrEqual(5);

    // The quota frees as the window rolls on; nobody touches the send, and it finishes.
    await p.settle(SEND_TEST_TIMEOUT_MS - 40_000);
    expect(await progress()).toMatchObject({ status: 'sent', counts: { sent: 8, failed: 0 } });
    expectEachExactlyOnce(p, emails);
    // The pacer was never cut: a quota refusal is not a rate throttle (the rate is unlimited here, so
    // the pacing state was never written at all).
    expect(await pacerState(p)).toBeUndefined();
  }, SEND_TEST_TIMEOUT_MS);
});

describe('the SES client retry policy', () => {
  it('hands Throttling straight back after one attempt, so the pacer sees it', async () => {
    pressroom = await startTestPressroom({ sesMaxSendRate: 1 });
    const client = new SESClient({ ...LOCAL_CLIENT_CONFIG, endpoint: pressroom.sesEndpoint, retryStrategy: sesRetryStrategy() });
    const send = () =>
      client.send(
        new SendRawEmailCommand({
          RawMessage: { Data: Buffer.from('From: news@example.org\r\nTo: a@example.com\r\nSubject: x\r\n\r\nhi') },
          Destinations: ['a@example.com'],
        }),
      );
    await send();

    const error = await send().catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'Throttling', $metadata: { attempts: 1 } });
    expect(pressroom.ses.stats()).toEqual({ accepted: 1, throttled: 1 });
  });

  it('retries transient failures but nothing else', async () => {
    const strategy = sesRetryStrategy(3);
    const first = await strategy.acquireInitialRetryToken('');
    const second = await strategy.refreshRetryTokenForRetry(first, { errorType: 'TRANSIENT' });
    expect(second.getRetryCount()).toBe(1);
    const third = await strategy.refreshRetryTokenForRetry(second, { errorType: 'TRANSIENT' });
    await expect(strategy.refreshRetryTokenForRetry(third, { errorType: 'TRANSIENT' })).rejects.toThrow();
    for (const errorType of ['THROTTLING', 'SERVER_ERROR', 'CLIENT_ERROR'] as const) {
      await expect(strategy.refreshRetryTokenForRetry(first, { errorType })).rejects.toThrow();
    }
  });
});
