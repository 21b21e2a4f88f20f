import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * Bounces and complaints through the whole local loop, over HTTP with the real SDK clients:
 * send → local SES (mailbox simulator addresses) → SES-shaped event → mail-events queue → handler →
 * suppression and per-release counts → the next send skips the address.
 */
describe('bounces and complaints (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const recipientsOf = async (subject: string) =>
    (await pressroom.client.mail())
      .filter((m) => m.subject === subject)
      .flatMap((m) => m.to)
      .sort();
  const subscriber = async (email: string) => (await pressroom.adapters.subscribers.findByEmail(email))!;

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_TRANSIENT_BOUNCE_LIMIT: '2' } });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('given a bouncing, a complaining and a normal subscriber, when a release is sent, the first two are suppressed and the release counts each event', async () => {
    const added = await pressroom.client.addSubscribers([
      { email: 'bounce@simulator.amazonses.com', lists: ['blog'] },
      { email: 'complaint@simulator.amazonses.com', lists: ['blog', 'press-releases'] },
      { email: 'reader@example.com', lists: ['blog'] },
      { email: 'full@transient.pressroom.test', lists: ['blog'] },
    ]);
    expect(added).toMatchObject({ status: 200, body: { added: 4 } });

    await pressroom.client.publish(releaseBody({ id: 'first-release', title: 'First release' }));
    await pressroom.settle();

    // SES accepted all four; what happened next came back as events.
    expect(await recipientsOf('First release')).toEqual([
      'bounce@simulator.amazonses.com',
      'complaint@simulator.amazonses.com',
      'full@transient.pressroom.test',
      'reader@example.com',
    ]);
    expect(await subscriber('bounce@simulator.amazonses.com')).toMatchObject({ suppressionReason: 'permanent-bounce' });
    const complainer = await subscriber('complaint@simulator.amazonses.com');
    expect(complainer.suppressionReason).toBe('complaint');
    expect(complainer.memberships.map((m) => [m.listId, m.status]).sort()).toEqual([
      ['blog', 'unsubscribed'],
      ['press-releases', 'unsubscribed'],
    ]);
    const transient = await subscriber('full@transient.pressroom.test');
    expect(transient).toMatchObject({ transientBounces: 1 });
    expect(transient.suppressedAt).toBeUndefined();
    expect((await subscriber('reader@example.com')).suppressedAt).toBeUndefined();

    const counts = await pressroom.adapters.releaseStats.get('first-release');
    // Two bounces (permanent, transient), one complaint; the reader and the complainer were delivered to.
    expect(counts).toMatchObject({ bounced: 2, complained: 1, delivered: 2 });
    expect(pressroom.queues.mailEvents.deadLetters()).toEqual([]);
  });

  it('the next release reaches only the normal address, and a second transient bounce in a row suppresses', async () => {
    await pressroom.client.publish(releaseBody({ id: 'second-release', title: 'Second release' }));
    await pressroom.settle();

    expect(await recipientsOf('Second release')).toEqual(['full@transient.pressroom.test', 'reader@example.com']);
    expect(await subscriber('full@transient.pressroom.test')).toMatchObject({ suppressionReason: 'transient-bounces', transientBounces: 2 });
    expect(await pressroom.adapters.releaseStats.get('second-release')).toMatchObject({ bounced: 1, complained: 0, delivered: 1 });

    await pressroom.client.publish(releaseBody({ id: 'third-release', title: 'Third release' }));
    await pressroom.settle();
    expect(await recipientsOf('Third release')).toEqual(['reader@example.com']);
  });

  it('a complaint that arrives while a release is queued stops that delivery at send time', async () => {
    await pressroom.client.addSubscribers([
      { email: 'annoyed@example.com', lists: ['press-releases'] },
      { email: 'happy@example.com', lists: ['press-releases'] },
    ]);
    await pressroom.queues.send.stop();
    try {
      await pressroom.client.publish(releaseBody({ id: 'queued-release', title: 'Queued release', lists: ['press-releases'] }));
      await pressroom.queues.fanOut.drain();
      expect(pressroom.queues.send.stats().visible).toBe(2);

      // As SES → SNS → SQS delivers it: an earlier email, no tags, so the address identifies them.
      await pressroom.queues.mailEvents.send([
        {
          eventType: 'Complaint',
          complaint: { complainedRecipients: [{ emailAddress: 'annoyed@example.com' }], timestamp: new Date().toISOString(), complaintFeedbackType: 'abuse' },
          mail: { timestamp: new Date().toISOString(), source: 'news@example.org', messageId: 'earlier-message-1', destination: ['annoyed@example.com'] },
        },
      ]);
      await pressroom.queues.mailEvents.drain();
      expect(await subscriber('annoyed@example.com')).toMatchObject({ suppressionReason: 'complaint' });
    } finally {
      pressroom.queues.send.start();
    }
    await pressroom.settle();

    expect(await recipientsOf('Queued release')).toEqual(['happy@example.com']);
    const annoyed = await subscriber('annoyed@example.com');
    expect(await pressroom.adapters.deliveries.get('queued-release', annoyed.id)).toMatchObject({ status: 'skipped' });
  });

  it('a redelivered SES event is counted once', async () => {
    const reader = await subscriber('reader@example.com');
    const delivery = {
      eventType: 'Delivery',
      mail: { messageId: 'redelivered-1', destination: ['reader@example.com'], tags: { release: ['third-release'], subscriber: [reader.id] } },
      delivery: { recipients: ['reader@example.com'], timestamp: new Date().toISOString() },
    };
    const before = await pressroom.adapters.releaseStats.get('third-release');
    await pressroom.queues.mailEvents.send([delivery, delivery]);
    await pressroom.settle();
    expect(await pressroom.adapters.releaseStats.get('third-release')).toMatchObject({ delivered: before.delivered + 1 });
  });
});
