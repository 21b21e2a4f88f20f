import { describe, expect, it } from 'vitest';
import { confirmSubscription } from '../../functions/domain/subscriber/confirm-subscription';
import { unsubscribe, unsubscribeAll } from '../../functions/domain/subscriber/unsubscribe';
import { signPreferencesToken, updatePreferences } from '../../functions/domain/subscriber/preferences';
import { changeSubscriberLists, consentHistory, eraseSubscriber } from '../../functions/domain/subscriber/manage-subscribers';
import { NOT_INCLUDED, subscriberData } from '../../functions/domain/subscriber/access-request';
import { NotFoundError, ValidationError } from '../../functions/domain/errors';
import { importSubscribers } from '../../functions/domain/subscriber/import-subscribers';
import { csvSource, importCsv } from '../../functions/domain/subscriber/csv-import';
import { purgePendingSignups } from '../../functions/domain/subscriber/purge-pending';
import { BounceType, handleMailEvent, MailEventType, type MailEvent } from '../../functions/domain/delivery/mail-events';
import { signToken, TokenPurpose } from '../../functions/domain/security/link-tokens';
import { SuppressionReason } from '../../functions/domain/subscriber/subscriber';
import type { ConsentEvent } from '../../functions/domain/subscriber/consent';
import { MemoryReleaseStatsStore } from '../helpers/fakes';
import { confirmTokenIn, signUp, signupDeps } from '../helpers/signup-deps';

const DAY = 24 * 3600 * 1000;
type Deps = ReturnType<typeof signupDeps>;

/** The subscriber's whole history, oldest first, without the times (each case checks order, not clocks). */
async function history(deps: Deps, subscriberId: string): Promise<Omit<ConsentEvent, 'at'>[]> {
  const { events } = await deps.subscribers.pageConsentHistory(subscriberId, undefined, 100);
  return events.reverse().map(({ at: _at, ...rest }) => rest);
}

/** Given a reader who signed up for blog and press-releases and followed the link. */
async function confirmedReader(deps = signupDeps(), email = 'ada@example.org') {
  await signUp({ email, lists: ['blog', 'press-releases'], clientIp: '192.0.2.1' }, deps);
  deps.clock.advance(1000);
  await confirmSubscription(await confirmTokenIn(deps.mailer.sent.at(-1)!.raw), deps);
  deps.clock.advance(1000);
  return { deps, id: (await deps.subscribers.findByEmail(email))!.id };
}

/** The next consent record fails as a throttled write would; the one after goes through. */
function failNextRecord(deps: Deps): void {
  const record = deps.subscribers.recordConsent.bind(deps.subscribers);
  deps.subscribers.recordConsent = async () => {
    deps.subscribers.recordConsent = record;
    throw new Error('ProvisionedThroughputExceededException');
  };
}

const leaveToken = (deps: Deps, subscriberId: string, listId: string) =>
  signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId, listId }, deps.keyring);

describe('the consent history records each change with its source', () => {
  it('a consent record that fails fails the change with it: the retry then records and makes it, so no change is ever left unrecorded', async () => {
    const { deps, id } = await confirmedReader();
    const listsOf = async () => (await deps.subscribers.get(id))!.memberships.map((m) => `${m.listId}:${m.status}`).sort();

    // The reader leaves blog by its link; the record fails, so nothing changed and the click errs.
    failNextRecord(deps);
    await expect(unsubscribe(leaveToken(deps, id, 'blog'), deps)).rejects.toThrow('ProvisionedThroughput');
    expect(await listsOf()).toEqual(['blog:confirmed', 'press-releases:confirmed']);
    // Their mail client tries again: recorded, and made.
    await unsubscribe(leaveToken(deps, id, 'blog'), deps);
    expect(await listsOf()).toEqual(['blog:unsubscribed', 'press-releases:confirmed']);

    // The same for the preference centre and for staff.
    failNextRecord(deps);
    await expect(updatePreferences(signPreferencesToken(id, deps.keyring), { action: 'save', lists: ['press-releases', 'blog'] }, deps)).rejects.toThrow();
    expect(await listsOf()).toEqual(['blog:unsubscribed', 'press-releases:confirmed']);
    await updatePreferences(signPreferencesToken(id, deps.keyring), { action: 'save', lists: ['press-releases', 'blog'] }, deps);
    failNextRecord(deps);
    await expect(changeSubscriberLists(id, { lists: { remove: ['press-releases'] } }, deps)).rejects.toThrow();
    expect(await listsOf()).toEqual(['blog:confirmed', 'press-releases:confirmed']);
    await changeSubscriberLists(id, { lists: { remove: ['press-releases'] } }, deps);

    expect((await history(deps, id)).slice(2).map((e) => `${e.type} ${e.lists.join(',')} ${e.source}`)).toEqual([
      'unsubscribed blog reader',
      'confirmed blog reader',
      'unsubscribed press-releases staff',
    ]);
  });

  it('a confirmation whose record fails confirms nothing; the second click records and confirms', async () => {
    const deps = signupDeps();
    await signUp({ email: 'cy@example.org', lists: ['blog'], clientIp: '192.0.2.1' }, deps);
    const token = await confirmTokenIn(deps.mailer.sent.at(-1)!.raw);
    failNextRecord(deps);
    await expect(confirmSubscription(token, deps)).rejects.toThrow();
    const id = (await deps.subscribers.findByEmail('cy@example.org'))!.id;
    expect((await deps.subscribers.get(id))!.memberships.map((m) => m.status)).toEqual(['pending']);
    await confirmSubscription(token, deps);
    expect((await deps.subscribers.get(id))!.memberships.map((m) => m.status)).toEqual(['confirmed']);
    expect((await history(deps, id)).map((e) => e.type)).toEqual(['signed-up', 'confirmed']);
  });

  it('a reader signs up, confirms and leaves one list by its link: three reader events, a second click records nothing', async () => {
    const { deps, id } = await confirmedReader();
    await unsubscribe(leaveToken(deps, id, 'blog'), deps);
    await unsubscribe(leaveToken(deps, id, 'blog'), deps);
    expect(await history(deps, id)).toEqual([
      { type: 'signed-up', lists: ['blog', 'press-releases'], source: 'reader' },
      { type: 'confirmed', lists: ['blog', 'press-releases'], source: 'reader', detail: { via: 'confirmation-link' } },
      { type: 'unsubscribed', lists: ['blog'], source: 'reader', detail: { via: 'unsubscribe-link' } },
    ]);
  });

  it('a sign-up for lists already confirmed, and a second click on a confirmation link, record nothing', async () => {
    const { deps, id } = await confirmedReader();
    await signUp({ email: 'ada@example.org', lists: ['blog'], clientIp: '192.0.2.1' }, deps);
    expect((await history(deps, id)).map((e) => e.type)).toEqual(['signed-up', 'confirmed']);
  });

  it('leaving every list, and the preference page, record the lists changed', async () => {
    const { deps, id } = await confirmedReader();
    const token = signPreferencesToken(id, deps.keyring);
    await updatePreferences(token, { action: 'save', lists: ['press-releases'] }, deps);
    deps.clock.advance(1000);
    await updatePreferences(token, { action: 'save', lists: ['press-releases', 'blog'] }, deps);
    deps.clock.advance(1000);
    await unsubscribeAll(leaveToken(deps, id, 'blog'), deps);
    await unsubscribeAll(leaveToken(deps, id, 'blog'), deps);
    expect((await history(deps, id)).slice(2)).toEqual([
      { type: 'unsubscribed', lists: ['blog'], source: 'reader', detail: { via: 'preferences' } },
      { type: 'confirmed', lists: ['blog'], source: 'reader', detail: { via: 'preferences' } },
      { type: 'unsubscribed', lists: ['blog', 'press-releases'], source: 'reader', detail: { via: 'unsubscribe-all' } },
    ]);
  });

  it('staff add and remove lists (only what changes), and the API adds subscribers', async () => {
    const deps = signupDeps();
    const [added] = await importSubscribers({ email: 'bo@example.org', lists: ['blog'] }, { ...deps, listIds: new Set(['blog', 'press-releases']) });
    deps.clock.advance(1000);
    await changeSubscriberLists(added.subscriberId!, { lists: { add: ['press-releases', 'blog'] } }, deps);
    deps.clock.advance(1000);
    await changeSubscriberLists(added.subscriberId!, { lists: { remove: ['blog'] } }, deps);
    await changeSubscriberLists(added.subscriberId!, { lists: { remove: ['blog'] } }, deps);
    // Adding an address again on a list it is confirmed on is no change.
    await importSubscribers({ email: 'bo@example.org', lists: ['press-releases'] }, { ...deps, listIds: new Set(['blog', 'press-releases']) });
    expect(await history(deps, added.subscriberId!)).toEqual([
      { type: 'added', lists: ['blog'], source: 'api' },
      { type: 'added', lists: ['press-releases'], source: 'staff' },
      { type: 'unsubscribed', lists: ['blog'], source: 'staff' },
    ]);
  });

  it('a CSV import records what it did with its consent flag and job, and a dry run or a re-import records nothing', async () => {
    const deps = signupDeps();
    const slice = {
      ...deps, listIds: new Set(['blog', 'press-releases']), importJobId: 'job-7',
      requestConfirmation: async () => 'sent' as const,
    };
    await importCsv(csvSource('email,lists\ncy@example.org,blog\n'), { dryRun: true, consent: true }, slice);
    expect(await deps.subscribers.findByEmail('cy@example.org')).toBeUndefined();
    await importCsv(csvSource('email,lists\ncy@example.org,blog\ndi@example.org,blog\n'), { dryRun: false, consent: true }, slice);
    await importCsv(csvSource('email,lists\ncy@example.org,blog\n'), { dryRun: false, consent: true }, slice);
    deps.clock.advance(1000);
    await importCsv(csvSource('email,lists\ncy@example.org,press-releases\n'), { dryRun: false, consent: false }, { ...slice, importJobId: undefined });
    const cy = (await deps.subscribers.findByEmail('cy@example.org'))!.id;
    expect(await history(deps, cy)).toEqual([
      { type: 'imported', lists: ['blog'], source: 'import', detail: { importJobId: 'job-7', consent: true } },
      { type: 'imported', lists: ['press-releases'], source: 'import', detail: { consent: false } },
    ]);
  });

  it('a complaint records the lists left and the suppression as the system; a later bounce records nothing more', async () => {
    const { deps, id } = await confirmedReader();
    const mailEvents = { subscribers: deps.subscribers, releaseStats: new MemoryReleaseStatsStore(), clock: deps.clock, transientBounceLimit: 3 };
    const event = (type: MailEvent['type'], extra: Partial<MailEvent> = {}): MailEvent =>
      ({ type, messageId: `m-${type}`, recipients: ['ada@example.org'], subscriberId: id, releaseId: 'r-1', ...extra });
    await handleMailEvent(event(MailEventType.Delivery), mailEvents);
    await handleMailEvent(event(MailEventType.Complaint), mailEvents);
    await handleMailEvent(event(MailEventType.Bounce, { bounceType: BounceType.Permanent }), mailEvents);
    expect((await history(deps, id)).slice(2)).toEqual([
      { type: 'unsubscribed', lists: ['blog', 'press-releases'], source: 'system', detail: { reason: 'complaint' } },
      { type: 'suppressed', lists: ['blog', 'press-releases'], source: 'system', detail: { reason: 'complaint' } },
    ]);
  });

  it('a bounce suppresses as the system with its reason, and a fresh confirmation lifts it as the reader', async () => {
    const { deps, id } = await confirmedReader();
    const mailEvents = { subscribers: deps.subscribers, releaseStats: new MemoryReleaseStatsStore(), clock: deps.clock, transientBounceLimit: 3 };
    await handleMailEvent({ type: MailEventType.Bounce, bounceType: BounceType.Permanent, messageId: 'm-1', recipients: ['ada@example.org'] }, mailEvents);
    // Past the per-address limit on confirmation emails, so the fresh sign-up gets a fresh link.
    deps.clock.advance(DAY);
    await signUp({ email: 'ada@example.org', lists: ['blog'], clientIp: '192.0.2.1' }, deps);
    deps.clock.advance(1000);
    await confirmSubscription(await confirmTokenIn(deps.mailer.sent.at(-1)!.raw), deps);
    expect((await history(deps, id)).slice(2)).toEqual([
      { type: 'suppressed', lists: ['blog', 'press-releases'], source: 'system', detail: { reason: SuppressionReason.PermanentBounce } },
      { type: 'signed-up', lists: ['blog'], source: 'reader' },
      // Already confirmed on blog: only the suppression changed.
      { type: 'unsuppressed', lists: ['blog'], source: 'reader', detail: { via: 'confirmation-link' } },
    ]);
  });

  it('an expired sign-up is recorded for someone who stays, and leaves nothing of someone erased', async () => {
    const deps = signupDeps();
    const { subscriber: kept } = await deps.subscribers.addConfirmed('kept@example.org', ['blog'], deps.clock.now());
    await signUp({ email: 'kept@example.org', lists: ['press-releases'], clientIp: '192.0.2.1' }, deps);
    await signUp({ email: 'gone@example.org', lists: ['blog'], clientIp: '192.0.2.1' }, deps);
    const gone = (await deps.subscribers.findByEmail('gone@example.org'))!.id;
    deps.clock.advance(8 * DAY);
    expect(await purgePendingSignups(deps)).toEqual({ removed: 2, erased: 1 });
    expect(await history(deps, kept.id)).toEqual([
      { type: 'signed-up', lists: ['press-releases'], source: 'reader' },
      { type: 'expired', lists: ['press-releases'], source: 'system' },
    ]);
    expect(await history(deps, gone)).toEqual([]);
  });

  it('erasure takes the history with it', async () => {
    const { deps, id } = await confirmedReader();
    expect(await history(deps, id)).toHaveLength(2);
    await eraseSubscriber(id, deps);
    expect(await history(deps, id)).toEqual([]);
  });
});

describe('what staff read', () => {
  it('pages the history newest first, 50 at a time, and knows no history of an unknown subscriber', async () => {
    const { deps, id } = await confirmedReader();
    for (let i = 0; i < 60; i++) {
      deps.clock.advance(1000);
      await changeSubscriberLists(id, { lists: i % 2 ? { add: ['blog'] } : { remove: ['blog'] } }, deps);
    }
    const first = await consentHistory(id, undefined, deps);
    expect(first.events).toHaveLength(50);
    expect(first.events[0]).toMatchObject({ type: 'added', at: deps.clock.now().toISOString() });
    const second = await consentHistory(id, first.cursor, deps);
    expect(second.cursor).toBeUndefined();
    expect(second.events.map((e) => e.type).slice(-2)).toEqual(['confirmed', 'signed-up']);
    await expect(consentHistory('nobody', undefined, deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(consentHistory(id, 'nobody:1', deps)).rejects.toBeInstanceOf(ValidationError);
  });

  it('hands over everything held about a subscriber: profile, memberships with list names, suppression, the whole history, and what is left out', async () => {
    const { deps, id } = await confirmedReader();
    await unsubscribe(leaveToken(deps, id, 'blog'), deps);
    const data = await subscriberData(id, deps);
    expect(data).toEqual({
      generatedAt: deps.clock.now().toISOString(),
      profile: { id, email: 'ada@example.org', createdAt: '2026-11-29T12:00:00.000Z', confirmationEmailSentAt: '2026-11-29T12:00:00.000Z' },
      memberships: [
        { listId: 'blog', listName: 'Blog', status: 'unsubscribed', changedAt: deps.clock.now().toISOString() },
        { listId: 'press-releases', listName: 'Press Releases', status: 'confirmed', changedAt: '2026-11-29T12:00:01.000Z' },
      ],
      suppression: null,
      addressBlocklisted: false,
      consentHistory: (await deps.subscribers.pageConsentHistory(id, undefined, 100)).events,
      notIncluded: NOT_INCLUDED,
    });
    expect(data.consentHistory.map((e) => e.type)).toEqual(['unsubscribed', 'confirmed', 'signed-up']);
    expect(data.notIncluded.map((n) => n.what).join('\n')).toMatch(/delivery records/);
    await expect(subscriberData('nobody', deps)).rejects.toBeInstanceOf(NotFoundError);
  });
});
