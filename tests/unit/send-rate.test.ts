import { describe, expect, it } from 'vitest';
import { afterThrottle, initialRateState, reserveSlots, RATE_HEADROOM, THROTTLE_DECREASE, THROTTLE_PAUSE_MS } from '../../functions/domain/delivery/send-rate';

/** The most slots falling in any one-second window (slots sorted). */
function maxPerSecond(slots: number[]): number {
  let best = 0;
  for (let i = 0, j = 0; i < slots.length; i++) {
    while (slots[i] - slots[j] >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('send rate (GCRA)', () => {
  it('spaces slots so that no one-second window holds more than the rate, across many reservations', () => {
    let state = initialRateState(0);
    const slots: number[] = [];
    for (let i = 0; i < 300; i++) {
      const r = reserveSlots(state, 10, 200, i * 7); // workers asking faster than the rate allows
      slots.push(...r.slots);
      state = r.next;
    }
    expect(maxPerSecond(slots)).toBeLessThanOrEqual(200);
    // ... while still using the rate: 3,000 slots take about 3,000 / (200 × headroom) seconds.
    const span = (slots.at(-1)! - slots[0]) / 1000;
    expect(span).toBeCloseTo(2999 / (200 * RATE_HEADROOM), 0);
  });

  it('gives every slot now when the rate is unlimited', () => {
    const { slots } = reserveSlots(initialRateState(0), 3, undefined, 500);
    expect(slots).toEqual([500, 500, 500]);
  });

  it('does not bank idle time: a reservation after a pause starts now, not in the past', () => {
    const { next } = reserveSlots(initialRateState(0), 10, 100, 0);
    const later = reserveSlots(next, 1, 100, 60_000);
    expect(later.slots[0]).toBe(60_000);
  });

  it('cuts the rate and pauses after a throttle, then recovers step by step', () => {
    const throttled = afterThrottle({ tat: 0, factor: 1 }, 10_000);
    expect(throttled).toEqual({ tat: 10_000 + THROTTLE_PAUSE_MS, factor: THROTTLE_DECREASE, throttledAt: 10_000 });
    const r = reserveSlots(throttled, 2, 100, 10_000);
    expect(r.slots[0]).toBe(10_000 + THROTTLE_PAUSE_MS);
    expect(r.slots[1] - r.slots[0]).toBeCloseTo(1000 / (100 * RATE_HEADROOM * THROTTLE_DECREASE));
    expect(r.next.factor).toBeGreaterThan(THROTTLE_DECREASE);
    let state = r.next;
    for (let i = 0; i < 100; i++) state = reserveSlots(state, 1, 100, 10_000).next;
    expect(state.factor).toBe(1);
  });

  it('cuts the rate once for a burst that throttles several workers at once', () => {
    const first = afterThrottle({ tat: 0, factor: 1 }, 10_000);
    const second = afterThrottle(first, 10_200);
    expect(second.factor).toBe(THROTTLE_DECREASE);
    expect(afterThrottle(second, 10_000 + THROTTLE_PAUSE_MS).factor).toBeCloseTo(THROTTLE_DECREASE ** 2);
  });

  it('never drops below the floor however often it is throttled', () => {
    let state = initialRateState(0);
    for (let i = 0; i < 50; i++) state = afterThrottle(state, i * THROTTLE_PAUSE_MS);
    expect(state.factor).toBeGreaterThan(0);
  });
});
