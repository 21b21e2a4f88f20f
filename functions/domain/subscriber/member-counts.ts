import { MembershipStatus } from './subscriber';

/**
 * Members of a list by standing. A confirmed member whose address is suppressed counts as
 * `suppressed`, not `confirmed`: `confirmed` is exactly who a release to this list would reach.
 * A pending or unsubscribed member counts as such whether suppressed or not.
 */
export interface MemberCounts {
  confirmed: number;
  pending: number;
  unsubscribed: number;
  suppressed: number;
}

export type MemberCounter = keyof MemberCounts;
export const MEMBER_COUNTERS: readonly MemberCounter[] = ['confirmed', 'pending', 'unsubscribed', 'suppressed'];

/** What a membership item holds that decides which counter it falls under. */
export interface CountedState {
  status: MembershipStatus;
  suppressed?: boolean;
}

export const emptyMemberCounts = (): MemberCounts => ({ confirmed: 0, pending: 0, unsubscribed: 0, suppressed: 0 });

/** The counter a membership falls under; none for a membership that does not exist. */
export function counterOf(state: CountedState | undefined): MemberCounter | undefined {
  if (!state) return undefined;
  if (state.status === MembershipStatus.Confirmed) return state.suppressed ? 'suppressed' : 'confirmed';
  return state.status === MembershipStatus.Pending ? 'pending' : 'unsubscribed';
}

/**
 * What a change of one membership does to its list's counters: minus one where it was counted,
 * plus one where it is now; empty when it stays under the same counter.
 *
 * @example
 * countDelta({ status: 'pending' }, { status: 'confirmed' }); // { pending: -1, confirmed: 1 }
 * countDelta({ status: 'confirmed' }, undefined);             // { confirmed: -1 } (removed)
 */
export function countDelta(before: CountedState | undefined, after: CountedState | undefined): Partial<MemberCounts> {
  const from = counterOf(before);
  const to = counterOf(after);
  if (from === to) return {};
  return { ...(from ? { [from]: -1 } : {}), ...(to ? { [to]: 1 } : {}) };
}

/** Adds counts (or deltas) into `into`, which it returns. */
export function addCounts(into: MemberCounts, delta: Partial<MemberCounts>): MemberCounts {
  for (const c of MEMBER_COUNTERS) into[c] += delta[c] ?? 0;
  return into;
}

/** The delta that turns `from` into `to`, leaving out counters that agree. */
export function countsDifference(from: MemberCounts, to: MemberCounts): Partial<MemberCounts> {
  return Object.fromEntries(MEMBER_COUNTERS.filter((c) => to[c] !== from[c]).map((c) => [c, to[c] - from[c]]));
}

/** True when a delta changes nothing. */
export const isEmptyDelta = (delta: Partial<MemberCounts>): boolean => MEMBER_COUNTERS.every((c) => !delta[c]);
