import { beforeEach, describe, expect, it } from 'vitest';
import { MailEventBusyError } from '../../functions/domain/delivery/errors';
import {
  BounceType, DEFAULT_REPORT_GRACE_MS, handleMailEvent, handleMailEvents, MailEventType, TRANSIENT_BOUNCE_WINDOW_DAYS, MalformedMailEventError, type MailEvent, type MailEventDeps,
} from '../../functions/domain/delivery/mail-events';
import { FakeClock, MemoryDeliveryStore, MemoryReleaseStatsStore, MemorySubscriberStore } from '../helpers/fakes';

/** Given a subscriber on two lists, when the mail provider reports on a message sent to them, then … */
describe('handleMailEvent', () => {
  let subscribers: MemorySubscriberStore;
  let releaseStats: MemoryReleaseStatsStore;
  let clock: FakeClock;
  let deps: MailEventDeps;
  let ada: { id: string; email: string };
  let messages = 0;

  const event = (type: MailEvent['type'], extra: Partial<MailEvent> = {}): MailEvent => ({
    type,
    messageId: `msg-${++messages}`,
    recipients: [ada.email],
    releaseId: 'spring-update',
    subscriberId: ada.id,
    listId: 'blog',
    ...extra,
  });
  const bounce = (bounceType: BounceType, extra: Partial<MailEvent> = {}) => event(MailEventType.Bounce, { bounceType, ...extra });
  const stored = async () => (await subscribers.get(ada.id))!;

  beforeEach(async () => {
    subscribers = new MemorySubscriberStore();
    releaseStats = new MemoryReleaseStatsStore();
    clock = new FakeClock();
    deps = { subscribers, releaseStats, clock, transientBounceLimit: 3 };
    ({ subscriber: ada } = await subscribers.addConfirmed('ada@example.com', ['blog', 'press-releases'], clock.now()));
  });

  it('a permanent bounce suppresses the address and counts against the release', async () => {
    const outcomes = await handleMailEvent(bounce(BounceType.Permanent), deps);
    expect(outcomes).toEqual([{ action: 'suppressed', subscriberId: ada.id, firstSeen: true }]);
    expect(await stored()).toMatchObject({ suppressionReason: 'permanent-bounce', suppressedAt: clock.now().toISOString() });
    expect(await releaseStats.get('spring-update')).toMatchObject({ bounced: 1, complained: 0, delivered: 0 });
  });

  it('transient bounces are counted and suppress only at the limit', async () => {
    for (let n = 1; n < 3; n++) {
      expect(await handleMailEvent(bounce(BounceType.Transient), deps)).toEqual([expect.objectContaining({ action: 'transient-counted' })]);
    }
    expect(await stored()).toMatchObject({ transientBounces: 2 });
    expect((await stored()).suppressedAt).toBeUndefined();
    // Undetermined (e.g. an auto-reply SES could not classify) counts like transient.
    expect(await handleMailEvent(bounce(BounceType.Undetermined), deps)).toEqual([expect.objectContaining({ action: 'suppressed' })]);
    expect(await stored()).toMatchObject({ suppressionReason: 'transient-bounces', transientBounces: 3 });
    expect(await releaseStats.get('spring-update')).toMatchObject({ bounced: 3 });
  });

  it('a delivery between transient bounces starts the count again', async () => {
    await handleMailEvent(bounce(BounceType.Transient), deps);
    await handleMailEvent(bounce(BounceType.Transient), deps);
    expect(await handleMailEvent(event(MailEventType.Delivery), deps)).toEqual([expect.objectContaining({ action: 'delivered' })]);
    expect((await stored()).transientBounces).toBeUndefined();
    await handleMailEvent(bounce(BounceType.Transient), deps);
    await handleMailEvent(bounce(BounceType.Transient), deps);
    expect(await stored()).toMatchObject({ transientBounces: 2 });
    expect((await stored()).suppressedAt).toBeUndefined();
    expect(await releaseStats.get('spring-update')).toMatchObject({ bounced: 4, delivered: 1 });
  });

  it('a delivery to a subscriber who never bounced writes nothing to the subscriber (one write saved per email)', async () => {
    let resets = 0;
    const reset = subscribers.resetTransientBounces.bind(subscribers);
    subscribers.resetTransientBounces = async (id) => void (resets++, await reset(id));
    await handleMailEvent(event(MailEventType.Delivery), deps);
    expect(resets).toBe(0);
    await handleMailEvent(bounce(BounceType.Transient), deps);
    await handleMailEvent(event(MailEventType.Delivery), deps);
    expect(resets).toBe(1);
  });

  it('honours a configured limit', async () => {
    await handleMailEvent(bounce(BounceType.Transient), { ...deps, transientBounceLimit: 1 });
    expect(await stored()).toMatchObject({ suppressionReason: 'transient-bounces' });
  });

  it('a complaint unsubscribes from every list and suppresses', async () => {
    const outcomes = await handleMailEvent(event(MailEventType.Complaint), deps);
    expect(outcomes).toEqual([{ action: 'unsubscribed-and-suppressed', subscriberId: ada.id, firstSeen: true }]);
    const after = await stored();
    expect(after.memberships.map((m) => [m.listId, m.status])).toEqual([
      ['blog', 'unsubscribed'],
      ['press-releases', 'unsubscribed'],
    ]);
    expect(after.suppressionReason).toBe('complaint');
    expect(await releaseStats.get('spring-update')).toMatchObject({ complained: 1 });
  });

  it('a later bounce keeps the first suppression reason', async () => {
    await handleMailEvent(event(MailEventType.Complaint), deps);
    clock.advance(60_000);
    await handleMailEvent(bounce(BounceType.Permanent), deps);
    expect(await stored()).toMatchObject({ suppressionReason: 'complaint', suppressedAt: '2026-11-29T12:00:00.000Z' });
  });

  it('the same event delivered twice is counted once and still leaves the subscriber suppressed', async () => {
    const complaint = event(MailEventType.Complaint);
    await handleMailEvent(complaint, deps);
    const again = await handleMailEvent(complaint, deps);
    expect(again).toEqual([expect.objectContaining({ action: 'unsubscribed-and-suppressed', firstSeen: false })]);
    expect(await releaseStats.get('spring-update')).toMatchObject({ complained: 1 });

    const transient = bounce(BounceType.Transient);
    await handleMailEvent(transient, deps);
    await handleMailEvent(transient, deps);
    expect(await stored()).toMatchObject({ transientBounces: 1 });
    // A delivery and a bounce of one message are different events: both count.
    await handleMailEvent({ ...transient, type: MailEventType.Delivery, bounceType: undefined }, deps);
    expect(await releaseStats.get('spring-update')).toMatchObject({ complained: 1, bounced: 1, delivered: 1 });
  });

  it('finds the subscriber by address when the message carried no tags', async () => {
    const outcomes = await handleMailEvent(bounce(BounceType.Permanent, { releaseId: undefined, subscriberId: undefined, recipients: ['ADA@Example.com'] }), deps);
    expect(outcomes).toEqual([expect.objectContaining({ action: 'suppressed', subscriberId: ada.id })]);
    expect(await stored()).toMatchObject({ suppressionReason: 'permanent-bounce' });
  });

  it('trusts the address over a subscriber tag that names someone else', async () => {
    const { subscriber: bob } = await subscribers.addConfirmed('bob@example.com', ['blog'], clock.now());
    await handleMailEvent(bounce(BounceType.Permanent, { subscriberId: ada.id, recipients: ['bob@example.com'] }), deps);
    expect((await subscribers.get(bob.id))!.suppressionReason).toBe('permanent-bounce');
    expect((await stored()).suppressedAt).toBeUndefined();
  });

  it('an unknown recipient changes no subscriber but still counts against the tagged release', async () => {
    const before = structuredClone([...subscribers.subscribers.values()]);
    const outcomes = await handleMailEvent(bounce(BounceType.Permanent, { subscriberId: 'erased', recipients: ['gone@example.com'] }), deps);
    expect(outcomes).toEqual([{ action: 'unknown-recipient', subscriberId: undefined, firstSeen: true }]);
    expect([...subscribers.subscribers.values()]).toEqual(before);
    expect(await releaseStats.get('spring-update')).toMatchObject({ bounced: 1 });

    const untagged = await handleMailEvent(event(MailEventType.Complaint, { releaseId: undefined, subscriberId: undefined, recipients: ['stranger@example.com'] }), deps);
    expect(untagged).toEqual([expect.objectContaining({ action: 'unknown-recipient' })]);
    expect(releaseStats.receipts.size).toBe(1);
  });

  it('a reject only counts against the release', async () => {
    expect(await handleMailEvent(event(MailEventType.Reject), deps)).toEqual([expect.objectContaining({ action: 'counted' })]);
    expect((await stored()).suppressedAt).toBeUndefined();
    expect(await releaseStats.get('spring-update')).toMatchObject({ rejected: 1 });
  });

  it.each([
    ['no message id', { messageId: '' }],
    ['no recipients', { recipients: [] }],
    ['a recipient that is not an address', { recipients: ['nobody'] }],
    ['an unknown type', { type: 'send' as MailEvent['type'] }],
    ['a bounce without a bounce type', { bounceType: undefined }],
  ])('rejects an event with %s as malformed, changing nothing', async (_, change) => {
    const malformed = { ...bounce(BounceType.Permanent), ...change } as MailEvent;
    const error = await handleMailEvent(malformed, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedMailEventError);
    expect((error as MalformedMailEventError).issues.length).toBeGreaterThan(0);
    expect((await stored()).suppressedAt).toBeUndefined();
    expect(releaseStats.increments.size).toBe(0);
  });

  it('opens and clicks count once per reader, clicks once per link too, in aggregate, touching no subscriber', async () => {
    const before = structuredClone(await stored());
    const message = { messageId: 'msg-engaged' };
    for (let i = 0; i < 3; i++) expect(await handleMailEvent(event(MailEventType.Open, message), deps)).toEqual([{ action: 'engagement', firstSeen: i === 0 }]);
    for (const link of ['https://example.org/a', 'https://example.org/b', 'https://example.org/a']) {
      await handleMailEvent(event(MailEventType.Click, { ...message, link }), deps);
    }
    // Another reader clicks the first link.
    await handleMailEvent(event(MailEventType.Click, { messageId: 'msg-other', recipients: ['bo@example.com'], subscriberId: undefined, link: 'https://example.org/a' }), deps);
    expect(await releaseStats.get('spring-update')).toMatchObject({ opened: 1, clicked: 2, delivered: 0 });
    expect(await releaseStats.linkClicks('spring-update')).toEqual([{ url: 'https://example.org/a', clicks: 2 }, { url: 'https://example.org/b', clicks: 1 }]);
    expect(await stored()).toEqual(before);
    // An untagged message (a test send) counts nowhere; a click without its link is malformed.
    expect(await handleMailEvent(event(MailEventType.Open, { messageId: 'msg-test', releaseId: undefined }), deps)).toEqual([{ action: 'engagement', firstSeen: true }]);
    await expect(handleMailEvent(event(MailEventType.Click), deps)).rejects.toBeInstanceOf(MalformedMailEventError);
  });

  it('with the deliveries, keeps each report on the delivery it concerns, which is also what counts it once; a message with no delivery falls back to a receipt', async () => {
    const deliveries = new MemoryDeliveryStore();
    deps = { ...deps, deliveries };
    await deliveries.claim('spring-update', ada.id, 'blog', clock.now(), 30_000);
    await deliveries.markSent('spring-update', ada.id, 'msg-sent', clock.now());
    const delivered = event(MailEventType.Delivery, { messageId: 'msg-sent' });
    expect(await handleMailEvent(delivered, deps)).toEqual([expect.objectContaining({ action: 'delivered', firstSeen: true })]);
    expect(await handleMailEvent(delivered, deps)).toEqual([expect.objectContaining({ firstSeen: false })]);
    await handleMailEvent(bounce(BounceType.Transient, { messageId: 'msg-sent' }), deps);
    expect(await deliveries.get('spring-update', ada.id)).toMatchObject({ deliveredAt: clock.now().toISOString(), bouncedAt: clock.now().toISOString(), bounceType: 'transient' });
    expect(await releaseStats.get('spring-update')).toMatchObject({ delivered: 1, bounced: 1 });
    expect(releaseStats.receipts.size).toBe(0);
    // Another release's message to her has no delivery here: counted once through a receipt.
    const other = event(MailEventType.Delivery, { messageId: 'msg-other', releaseId: 'autumn-update' });
    await handleMailEvent(other, deps);
    await handleMailEvent(other, deps);
    expect(await releaseStats.get('autumn-update')).toMatchObject({ delivered: 1 });
    expect(releaseStats.receipts.size).toBe(1);
  });

  it('without delivery events, transient bounces more than the window apart are not in a row', async () => {
    deps = { ...deps, deliveryEvents: false };
    await handleMailEvent(bounce(BounceType.Transient), deps);
    await handleMailEvent(bounce(BounceType.Transient), deps);
    clock.advance((TRANSIENT_BOUNCE_WINDOW_DAYS + 1) * 24 * 60 * 60_000);
    expect(await handleMailEvent(bounce(BounceType.Transient), deps)).toEqual([expect.objectContaining({ action: 'transient-counted' })]);
    expect((await stored()).transientBounces).toBe(1);
    clock.advance(7 * 24 * 60 * 60_000);
    await handleMailEvent(bounce(BounceType.Transient), deps);
    expect(await handleMailEvent(bounce(BounceType.Transient), deps)).toEqual([expect.objectContaining({ action: 'suppressed' })]);
  });

  describe('a batch of events', () => {
    let deliveries: MemoryDeliveryStore;
    let people: { id: string; email: string }[];

    beforeEach(async () => {
      deliveries = new MemoryDeliveryStore(releaseStats);
      deps = { ...deps, deliveries };
      people = [];
      for (const name of ['bo', 'cy', 'di']) {
        const { subscriber } = await subscribers.addConfirmed(`${name}@example.com`, ['blog'], clock.now());
        await deliveries.claim('spring-update', subscriber.id, 'blog', clock.now(), 30_000);
        await deliveries.markSent('spring-update', subscriber.id, `msg-${name}`, clock.now());
        people.push(subscriber);
      }
    });
    const deliveredTo = (p: { id: string; email: string }) =>
      event(MailEventType.Delivery, { messageId: `msg-${p.email}`, recipients: [p.email], subscriberId: p.id });

    it('counts its events in one counter write and one receipt per release, and a copy in the same batch once', async () => {
      const increments: unknown[] = [];
      const increment = releaseStats.increment.bind(releaseStats);
      releaseStats.increment = async (releaseId, counts) => void (increments.push(counts), await increment(releaseId, counts));
      const events = [...people.map(deliveredTo), deliveredTo(people[0])];
      const results = await handleMailEvents(events, deps);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      expect(increments).toEqual([{ delivered: 3 }]);
      expect(releaseStats.tallies.size).toBe(1);
      expect([...releaseStats.tallies.values()][0].sort()).toEqual(people.map((p) => `${p.id}#delivered`).sort());
    });

    it('a malformed event fails alone, and a failed counter write fails the events it held, whose redelivery counts them once, after the grace', async () => {
      const increment = releaseStats.increment.bind(releaseStats);
      releaseStats.increment = async () => {
        releaseStats.increment = increment;
        throw new Error('worker killed before counting');
      };
      const events = people.map(deliveredTo);
      const malformed = { ...deliveredTo(people[0]), recipients: [] };
      const results = await handleMailEvents([...events, malformed], deps);
      expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual([
        'worker killed before counting', 'worker killed before counting', 'worker killed before counting', 'Malformed mail event: recipients: must list at least one address',
      ]);
      expect((await releaseStats.get('spring-update')).delivered).toBe(0);

      // Redelivered at once (the batch might still be counting): each waits.
      const soon = await handleMailEvents(events, deps);
      expect(soon.map((r) => r.status === 'rejected' && r.reason instanceof MailEventBusyError)).toEqual([true, true, true]);
      clock.advance(DEFAULT_REPORT_GRACE_MS);
      // Two copies of the batch at once: each report is moved to one of them and counted once.
      const [first, second] = await Promise.all([handleMailEvents(events, deps), handleMailEvents(events, deps)]);
      expect([...first, ...second].every((r) => r.status === 'fulfilled')).toBe(true);
      expect((await releaseStats.get('spring-update')).delivered).toBe(3);
      await handleMailEvents(events, deps);
      expect((await releaseStats.get('spring-update')).delivered).toBe(3);
    });

    it('a bounce over the thresholds pauses its send once the batch is counted', async () => {
      const paused: string[] = [];
      const thresholds = { bounceRate: 0.5, complaintRate: 0.5, minSample: 2 };
      const releases = { get: async () => undefined } as unknown as MailEventDeps['releases'];
      // The check reads the counters after the batch's one write: two bounces of three reports.
      const events = [
        bounce(BounceType.Permanent, { messageId: 'msg-bo', recipients: [people[0].email], subscriberId: people[0].id }),
        bounce(BounceType.Permanent, { messageId: 'msg-cy', recipients: [people[1].email], subscriberId: people[1].id }),
        deliveredTo(people[2]),
      ];
      const get = releaseStats.get.bind(releaseStats);
      releaseStats.get = async (releaseId) => {
        paused.push(JSON.stringify(await get(releaseId)));
        return get(releaseId);
      };
      await handleMailEvents(events, { ...deps, releases, pauseThresholds: thresholds });
      expect(paused.map((p) => JSON.parse(p))).toEqual([expect.objectContaining({ bounced: 2, delivered: 1 })]);
    });
  });
});
