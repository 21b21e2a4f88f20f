import { describe, expect, it } from 'vitest';
import { purgePendingSignups } from '../../functions/domain/subscriber/purge-pending';
import { SuppressionReason } from '../../functions/domain/subscriber/subscriber';
import { signupDeps } from '../helpers/signup-deps';

const DAY = 24 * 3600 * 1000;

describe('purging unconfirmed sign-ups', () => {
  it('given sign-ups older than 7 days, removes their pending memberships and erases people left with nothing', async () => {
    const deps = signupDeps();
    const start = deps.clock.now();
    // Old and never confirmed: erased entirely.
    const { subscriber: gone } = await deps.subscribers.addPending('gone@example.org', ['blog', 'press-releases'], undefined, start);
    // Confirmed on blog, never confirmed press-releases: keeps blog.
    const { subscriber: kept } = await deps.subscribers.addConfirmed('kept@example.org', ['blog'], start);
    await deps.subscribers.addPending('kept@example.org', ['press-releases'], undefined, start);
    // Suppressed and never confirmed: the record stays so the suppression is remembered.
    const { subscriber: suppressed } = await deps.subscribers.addPending('bounced@example.org', ['blog'], undefined, start);
    await deps.subscribers.suppress(suppressed.id, SuppressionReason.PermanentBounce, start);
    deps.clock.advance(6 * DAY);
    // Recent: within its 7 days, untouched.
    const { subscriber: recent } = await deps.subscribers.addPending('recent@example.org', ['blog'], undefined, deps.clock.now());
    deps.clock.advance(DAY + 1);

    const result = await purgePendingSignups({ ...deps, pageSize: 1 });

    expect(result).toEqual({ removed: 4, erased: 1 });
    expect(await deps.subscribers.get(gone.id)).toBeUndefined();
    expect(await deps.subscribers.findByEmail('gone@example.org')).toBeUndefined();
    expect((await deps.subscribers.get(kept.id))!.memberships.map((m) => [m.listId, m.status])).toEqual([['blog', 'confirmed']]);
    expect(await deps.subscribers.get(suppressed.id)).toMatchObject({ memberships: [], suppressionReason: 'permanent-bounce' });
    expect((await deps.subscribers.get(recent.id))!.memberships.map((m) => m.status)).toEqual(['pending']);
  });

  it('a second run finds nothing to do', async () => {
    const deps = signupDeps();
    await deps.subscribers.addPending('gone@example.org', ['blog'], undefined, deps.clock.now());
    deps.clock.advance(8 * DAY);
    expect(await purgePendingSignups(deps)).toEqual({ removed: 1, erased: 1 });
    expect(await purgePendingSignups(deps)).toEqual({ removed: 0, erased: 0 });
  });

  it('a sign-up renewed since it was listed is left alone', async () => {
    const deps = signupDeps();
    await deps.subscribers.addPending('again@example.org', ['blog'], undefined, deps.clock.now());
    deps.clock.advance(8 * DAY);
    const page = await deps.subscribers.pagePendingBefore(new Date(deps.clock.now().getTime() - 7 * DAY), undefined, 10);
    expect(page.members).toHaveLength(1);
    // The index lags on AWS: it still lists the old row after the person signed up again.
    const subscribers = Object.create(deps.subscribers) as typeof deps.subscribers;
    subscribers.pagePendingBefore = async () => page;
    await deps.subscribers.addPending('again@example.org', ['blog'], undefined, deps.clock.now());

    expect(await purgePendingSignups({ subscribers, clock: deps.clock })).toEqual({ removed: 0, erased: 0 });
    expect((await deps.subscribers.findByEmail('again@example.org'))!.memberships.map((m) => m.status)).toEqual(['pending']);
  });
});
