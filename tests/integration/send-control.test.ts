import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * Fault injection on a release's send through the whole local stack (HTTP admin API, queues, local
 * SES at 5 messages/s so a send of 20 takes seconds and can be caught mid-way). Each test asserts
 * the exact set of recipients the local mailbox received.
 */
describe('send state machine under faults (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Recipients of every message with this subject, as the local SES kept them (one entry per email). */
  const received = async (subject: string) =>
    ((await (await fetch(`${pressroom.url}/local/mail`)).json()) as { to: string[]; subject: string }[])
      .filter((m) => m.subject === subject)
      .flatMap((m) => m.to)
      .sort();
  const admin = async (method: 'GET' | 'POST', path: string, token = pressroom.secrets.adminToken) => {
    const response = await fetch(`${pressroom.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 25_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  };
  const addressesOf = (prefix: string, n: number, domain = 'example.com') =>
    Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}@${domain}`);
  const subscribe = async (emails: string[], list: string) => {
    expect(await pressroom.client.addSubscribers(emails.map((email) => ({ email, lists: [list] })))).toMatchObject({ status: 200 });
  };

  beforeAll(async () => {
    pressroom = await startTestPressroom({
      sesMaxSendRate: 5,
      env: {
        PRESSROOM_LISTS: 'pause=Pause,cancel=Cancel,risky=Risky,dup=Dup,supp=Supp,quiet=Quiet',
        PRESSROOM_PAUSED_RECHECK_SECONDS: '1',
        PRESSROOM_PAUSE_MIN_SAMPLE: '4',
      },
    });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('pause mid-send, then resume: nobody is mailed during the pause, and everyone exactly once in the end', { timeout: 60_000 }, async () => {
    const everyone = addressesOf('pause', 20);
    await subscribe(everyone, 'pause');
    await pressroom.client.publish(releaseBody({ id: 'pause-me', title: 'Pause me', lists: ['pause'] }));
    await until('the first emails', async () => (await received('Pause me')).length >= 3);

    const paused = await admin('POST', '/admin/releases/pause-me/pause');
    expect(paused).toMatchObject({ status: 200, body: { status: 'paused', pausedReason: 'paused by staff', pausedBy: 'staff' } });
    // A send already at its rate slot may finish (status is re-read at least every second).
    await sleep(1500);
    const beforePause = await received('Pause me');
    await sleep(2500);
    expect(await received('Pause me')).toEqual(beforePause);
    expect(beforePause.length).toBeLessThan(20);
    expect(new Set(beforePause).size).toBe(beforePause.length);
    const progress = await admin('GET', '/admin/releases/pause-me/send');
    expect(progress.body).toMatchObject({ status: 'paused', counts: { sent: beforePause.length } });
    expect(await admin('POST', '/admin/releases/pause-me/pause')).toMatchObject({
      status: 409,
      body: { error: 'Conflict', message: 'Cannot pause the send of release pause-me: it is paused' },
    });

    expect(await admin('POST', '/admin/releases/pause-me/resume')).toMatchObject({ status: 200, body: { status: 'sending' } });
    await pressroom.settle(30_000);
    expect(await received('Pause me')).toEqual(everyone);
    const done = await admin('GET', '/admin/releases/pause-me/send');
    expect(done.body).toMatchObject({
      status: 'sent',
      targeted: 20,
      planningFinished: true,
      remaining: 0,
      counts: { targeted: 20, sent: 20, failed: 0, skipped: 0, duplicate: 0 },
    });
    expect(done.body.finishedAt).toEqual(expect.any(String));
    expect(await admin('POST', '/admin/releases/pause-me/resume')).toMatchObject({ status: 409 });
  });

  it('cancel mid-send: the rest never receive it, the counts add up, the status is cancelled for good', { timeout: 60_000 }, async () => {
    const everyone = addressesOf('cancel', 20);
    await subscribe(everyone, 'cancel');
    await pressroom.client.publish(releaseBody({ id: 'cancel-me', title: 'Cancel me', lists: ['cancel'] }));
    await until('the first emails', async () => (await received('Cancel me')).length >= 3);

    expect(await admin('POST', '/admin/releases/cancel-me/cancel')).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    await pressroom.settle(30_000);

    const got = await received('Cancel me');
    expect(got.length).toBeLessThan(20);
    expect(new Set(got).size).toBe(got.length);
    for (const email of everyone) {
      const subscriber = (await pressroom.adapters.subscribers.findByEmail(email))!;
      const delivery = await pressroom.adapters.deliveries.get('cancel-me', subscriber.id);
      // Exactly the mailed ones are recorded sent; every other one ended skipped as cancelled.
      expect(delivery).toMatchObject(got.includes(email) ? { status: 'sent' } : { status: 'skipped', reason: 'cancelled' });
    }
    const progress = await admin('GET', '/admin/releases/cancel-me/send');
    expect(progress.body).toMatchObject({ status: 'cancelled', counts: { targeted: 20, sent: got.length, skipped: 20 - got.length }, remaining: 0 });
    expect(await admin('POST', '/admin/releases/cancel-me/resume')).toMatchObject({
      status: 409,
      body: { message: 'Cannot resume the send of release cancel-me: it is cancelled' },
    });
    await sleep(1000);
    expect(await received('Cancel me')).toEqual(got);
  });

  it('a bounce rate over the threshold pauses the send by itself and says why; staff resume it and everyone gets one email', { timeout: 60_000 }, async () => {
    const bouncing = Array.from({ length: 10 }, (_, i) => `bounce+${i}@simulator.amazonses.com`);
    const fine = addressesOf('risky', 10);
    const everyone = [...bouncing, ...fine].sort();
    await subscribe(everyone, 'risky');
    await pressroom.client.publish(releaseBody({ id: 'risky-send', title: 'Risky send', lists: ['risky'] }));

    await until('the automatic pause', async () => (await admin('GET', '/admin/releases/risky-send/send')).body.status === 'paused');
    const paused = (await admin('GET', '/admin/releases/risky-send/send')).body;
    expect(paused.pausedBy).toBe('threshold');
    expect(paused.pausedReason).toMatch(/^bounce rate \d+(\.\d+)? % over 5 %$/);
    expect(paused.rates.bounce).toBeGreaterThanOrEqual(0.05);
    await sleep(1500);
    const beforeResume = await received('Risky send');
    await sleep(2500);
    expect(await received('Risky send')).toEqual(beforeResume);
    expect(beforeResume.length).toBeLessThan(20);

    // Staff looked and chose to go on: the thresholds no longer pause this send.
    expect(await admin('POST', '/admin/releases/risky-send/resume')).toMatchObject({ status: 200, body: { status: 'sending' } });
    await pressroom.settle(30_000);
    expect(await received('Risky send')).toEqual(everyone);
    expect((await admin('GET', '/admin/releases/risky-send/send')).body).toMatchObject({
      status: 'sent',
      // The default stack publishes no delivery events: the rates that paused it were over the mail sent.
      counts: { sent: 20, bounced: 10, delivered: 0 },
    });
  });

  it('the same send job delivered several times at once sends one email', async () => {
    await subscribe(['once@example.com'], 'dup');
    const subscriber = (await pressroom.adapters.subscribers.findByEmail('once@example.com'))!;
    await pressroom.queues.send.stop();
    try {
      await pressroom.client.publish(releaseBody({ id: 'dup-release', title: 'Dup release', lists: ['dup'] }));
      await pressroom.queues.fanOut.drain();
      const job = { releaseId: 'dup-release', subscriberId: subscriber.id, listId: 'dup' };
      await pressroom.queues.send.send([job, job, job]);
    } finally {
      pressroom.queues.send.start();
    }
    await pressroom.settle(30_000);
    expect(await received('Dup release')).toEqual(['once@example.com']);
    expect((await admin('GET', '/admin/releases/dup-release/send')).body).toMatchObject({
      status: 'sent',
      counts: { targeted: 1, sent: 1, duplicate: 0, skipped: 0 },
    });
  });

  it('a subscriber suppressed after planning is skipped, counted, and the send still completes', async () => {
    const everyone = addressesOf('supp', 3);
    await subscribe(everyone, 'supp');
    await pressroom.queues.send.stop();
    try {
      await pressroom.client.publish(releaseBody({ id: 'supp-release', title: 'Supp release', lists: ['supp'] }));
      await pressroom.queues.fanOut.drain();
      const gone = (await pressroom.adapters.subscribers.findByEmail(everyone[1]))!;
      await pressroom.adapters.subscribers.suppress(gone.id, 'complaint', new Date());
    } finally {
      pressroom.queues.send.start();
    }
    await pressroom.settle(30_000);
    expect(await received('Supp release')).toEqual([everyone[0], everyone[2]]);
    expect((await admin('GET', '/admin/releases/supp-release/send')).body).toMatchObject({
      status: 'sent',
      counts: { targeted: 3, sent: 2, skipped: 1 },
    });
  });

  it('staff pause a planned send with a reason, then cancel it from paused: nobody receives it', async () => {
    await subscribe(['quiet@example.com'], 'quiet');
    await pressroom.queues.send.stop();
    try {
      await pressroom.client.publish(releaseBody({ id: 'quiet-release', title: 'Quiet release', lists: ['quiet'] }));
      await pressroom.queues.fanOut.drain();
      const paused = await fetch(`${pressroom.url}/admin/releases/quiet-release/pause`, {
        method: 'POST',
        headers: { authorization: `Bearer ${pressroom.secrets.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'embargo moved to Friday' }),
      });
      expect(paused.status).toBe(200);
      expect(await paused.json()).toMatchObject({ status: 'paused', pausedReason: 'embargo moved to Friday', planningFinished: true, targeted: 1 });
      expect(await admin('POST', '/admin/releases/quiet-release/cancel')).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    } finally {
      pressroom.queues.send.start();
    }
    await pressroom.settle(30_000);
    expect(await received('Quiet release')).toEqual([]);
    expect((await admin('GET', '/admin/releases/quiet-release/send')).body).toMatchObject({ status: 'cancelled', counts: { targeted: 1, skipped: 1, sent: 0 } });
  });

  it('the send API needs the admin token and a known release', async () => {
    expect((await admin('GET', '/admin/releases/pause-me/send', 'wrong')).status).toBe(401);
    expect((await admin('POST', '/admin/releases/nope/pause')).status).toBe(404);
  });
});
