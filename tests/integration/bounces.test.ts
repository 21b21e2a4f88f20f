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
    pressroom = await startTestPressroom({ env: { PRESSROOM_TRANSIENT_BOUNCE_LIMIT: '2', PRESSROOM_DELIVERY_EVENTS: 'true' } });
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

  /** A list of its own with `people` on it (addresses made unique), so a case asserts only its own data. */
  async function ownList(name: string, people: string[]) {
    const list = `${name}-${Date.now().toString(36)}`;
    const at = new Date().toISOString();
    await pressroom.adapters.lists.create({ id: list, name, public: false, archived: false, createdAt: at, updatedAt: at });
    const emails = people.map((who) => `${who}-${list}@example.com`);
    expect((await pressroom.client.addSubscribers(emails.map((email) => ({ email, lists: [list] })))).status).toBe(200);
    return { list, emails };
  }

  it('a complaint that arrives while a release is queued stops that delivery at send time', async () => {
    const { list, emails: [annoyed, happy] } = await ownList('queued', ['annoyed', 'happy']);
    await pressroom.queues.send.stop();
    try {
      const waiting = pressroom.queues.send.stats().visible;
      await pressroom.client.publish(releaseBody({ id: list, title: `Release ${list}`, lists: [list] }));
      await pressroom.queues.fanOut.drain();
      expect(pressroom.queues.send.stats().visible - waiting).toBe(2);

      // As SES → SNS → SQS delivers it: an earlier email, no tags, so the address identifies them.
      await pressroom.queues.mailEvents.send([
        {
          eventType: 'Complaint',
          complaint: { complainedRecipients: [{ emailAddress: annoyed }], timestamp: new Date().toISOString(), complaintFeedbackType: 'abuse' },
          mail: { timestamp: new Date().toISOString(), source: 'news@example.org', messageId: `earlier-${list}`, destination: [annoyed] },
        },
      ]);
      await pressroom.queues.mailEvents.drain();
      expect(await subscriber(annoyed)).toMatchObject({ suppressionReason: 'complaint' });
    } finally {
      pressroom.queues.send.start();
    }
    await pressroom.settle();

    expect(await recipientsOf(`Release ${list}`)).toEqual([happy]);
    expect(await pressroom.adapters.deliveries.get(list, (await subscriber(annoyed)).id)).toMatchObject({ status: 'skipped' });
  });

  it('a redelivered SES event is counted once', async () => {
    const { list, emails: [email] } = await ownList('redelivered', ['reader']);
    await pressroom.client.publish(releaseBody({ id: list, title: `Release ${list}`, lists: [list] }));
    await pressroom.settle();
    const reader = await subscriber(email);
    // The local SES reported the delivery once already; SQS now hands the same report over twice more.
    expect(await pressroom.adapters.releaseStats.get(list)).toMatchObject({ delivered: 1 });
    const { messageId } = (await pressroom.adapters.deliveries.get(list, reader.id))!;
    const delivery = {
      eventType: 'Delivery',
      mail: { messageId, destination: [email], tags: { release: [list], subscriber: [reader.id] } },
      delivery: { recipients: [email], timestamp: new Date().toISOString() },
    };
    await pressroom.queues.mailEvents.send([delivery, delivery]);
    await pressroom.settle();
    expect(await pressroom.adapters.releaseStats.get(list)).toMatchObject({ delivered: 1 });
    expect(await pressroom.adapters.deliveries.get(list, reader.id)).toMatchObject({ deliveredAt: expect.any(String) });
  });
});
