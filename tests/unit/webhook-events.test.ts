import { describe, expect, it } from 'vitest';
import { confirmSubscription } from '../../functions/domain/subscriber/confirm-subscription';
import { unsubscribe, unsubscribeAll } from '../../functions/domain/subscriber/unsubscribe';
import { signPreferencesToken, updatePreferences } from '../../functions/domain/subscriber/preferences';
import { signToken, TokenPurpose } from '../../functions/domain/security/link-tokens';
import { confirmTokenIn, signUp, signupDeps } from '../helpers/signup-deps';
import { RecordingEventPublisher } from '../helpers/webhook-fakes';
import type { EventPublisher } from '../../functions/domain/webhooks/ports';

/** The events told where a reader's change happens: once per change, never for a repeated click. */
describe('events from subscribers', () => {
  async function reader(events: EventPublisher = new RecordingEventPublisher()) {
    const deps = { ...signupDeps(), events };
    await signUp({ email: 'ada@example.org', lists: ['blog', 'press-releases'], clientIp: '192.0.2.1' }, deps);
    const token = await confirmTokenIn(deps.mailer.sent.at(-1)!.raw);
    const subscriber = (await deps.subscribers.findByEmail('ada@example.org'))!;
    const leave = (listId: string) => signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId: subscriber.id, listId }, deps.keyring);
    return { deps, token, subscriber, leave };
  }

  it('tells subscriber.confirmed with the lists confirmed, once however often the link is clicked', async () => {
    const events = new RecordingEventPublisher();
    const { deps, token, subscriber } = await reader(events);
    await confirmSubscription(token, deps);
    await confirmSubscription(token, deps);
    expect(events.events.map((e) => [e.type, e.data])).toEqual([
      ['subscriber.confirmed', { subscriber: { id: subscriber.id, email: 'ada@example.org', lists: ['blog', 'press-releases'] } }],
    ]);
  });

  it('tells subscriber.unsubscribed with the list left, once; "all lists" tells the rest', async () => {
    const events = new RecordingEventPublisher();
    const { deps, token, leave } = await reader(events);
    await confirmSubscription(token, deps);
    await unsubscribe(leave('blog'), deps);
    await unsubscribe(leave('blog'), deps);
    await unsubscribeAll(leave('blog'), deps);
    expect(events.events.filter((e) => e.type === 'subscriber.unsubscribed').map((e) => (e.data as { subscriber: { lists: string[] } }).subscriber.lists)).toEqual([
      ['blog'],
      ['press-releases'],
    ]);
  });

  it('tells the preference centre\'s changes too: lists unticked as unsubscribed, lists ticked as confirmed', async () => {
    const events = new RecordingEventPublisher();
    const { deps, token, subscriber } = await reader(events);
    await confirmSubscription(token, deps);
    const preferences = signPreferencesToken(subscriber.id, deps.keyring);
    await updatePreferences(preferences, { action: 'save', lists: ['press-releases'] }, deps);
    await updatePreferences(preferences, { action: 'save', lists: ['press-releases'] }, deps);
    await updatePreferences(preferences, { action: 'save', lists: ['press-releases', 'blog'] }, deps);
    expect(events.events.slice(1).map((e) => [e.type, (e.data as { subscriber: { lists: string[] } }).subscriber.lists])).toEqual([
      ['subscriber.unsubscribed', ['blog']],
      ['subscriber.confirmed', ['blog']],
    ]);
  });

  it('a publisher that fails does not fail the reader\'s confirmation (the queue adapter logs instead of throwing)', async () => {
    const { QueueEventPublisher } = await import('../../functions/adapters/sqs/queue-event-publisher');
    const lost: string[] = [];
    const publisher = new QueueEventPublisher({ send: () => Promise.reject(new Error('SQS unavailable')) }, (event) => lost.push(event.type));
    const { deps, token, subscriber } = await reader(publisher);
    await expect(confirmSubscription(token, deps)).resolves.toBeTruthy();
    expect((await deps.subscribers.get(subscriber.id))!.memberships.every((m) => m.status === 'confirmed')).toBe(true);
    expect(lost).toEqual(['subscriber.confirmed']);
  });
});
