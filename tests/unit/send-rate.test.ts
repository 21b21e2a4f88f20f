import { describe, expect, it } from 'vitest';
import {
  afterThrottle, initialRateState, reserveSlots, ISOLATED_THROTTLE_DECREASE, ISOLATED_THROTTLE_PAUSE_MS, RATE_HEADROOM, REPEATED_THROTTLE_DECREASE,
  THROTTLE_BURST_MS, THROTTLE_PAUSE_MS, THROTTLE_WINDOW_MS, throttleReading, throttleVerdict,
} from '../../functions/domain/delivery/send-rate';

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

  it('with a deadline hands out only the slots that start by then, and books only those', () => {
    // 2/s at 97 %: a slot every ~515 ms; by 1,200 ms after the first free one, three fit.
    const state = { ...initialRateState(0), tat: 1_000 };
    const { slots, next } = reserveSlots(state, 10, 2, 0, 2_200);
    expect(slots.map(Math.round)).toEqual([1000, 1515, 2031]);
    // The pacer moved on by three slots, not ten: the seven left stay free for other workers.
    expect(next.tat).toBeCloseTo(1_000 + 3 * (1000 / (2 * RATE_HEADROOM)));
    expect(reserveSlots(next, 10, 2, 0, 2_200)).toEqual({ slots: [], next });
    expect(reserveSlots(initialRateState(0), 3, undefined, 500, 400).slots).toEqual([]);
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

  it('trims the rate and pauses briefly after a throttle following a quiet window, then recovers step by step', () => {
    const throttled = afterThrottle({ tat: 0, factor: 1 }, 10_000);
    expect(throttled).toEqual({ tat: 10_000 + ISOLATED_THROTTLE_PAUSE_MS, factor: ISOLATED_THROTTLE_DECREASE, throttledAt: 10_000 });
    const r = reserveSlots(throttled, 2, 100, 10_000);
    expect(r.slots[0]).toBe(10_000 + ISOLATED_THROTTLE_PAUSE_MS);
    expect(r.slots[1] - r.slots[0]).toBeCloseTo(1000 / (100 * RATE_HEADROOM * ISOLATED_THROTTLE_DECREASE));
    expect(r.next.factor).toBeGreaterThan(ISOLATED_THROTTLE_DECREASE);
    let state = r.next;
    for (let i = 0; i < 100; i++) state = reserveSlots(state, 1, 100, 10_000).next;
    expect(state.factor).toBe(1);
    // A second quiet window later, it is jitter again: trimmed, not halved.
    expect(afterThrottle(state, 10_000 + THROTTLE_WINDOW_MS).factor).toBeCloseTo(ISOLATED_THROTTLE_DECREASE);
  });

  it('halves the rate and pauses longer when throttled again within the window: the rate itself is too high', () => {
    const first = afterThrottle({ tat: 0, factor: 1 }, 10_000);
    const again = afterThrottle(first, 10_000 + THROTTLE_BURST_MS);
    expect(again.factor).toBeCloseTo(ISOLATED_THROTTLE_DECREASE * REPEATED_THROTTLE_DECREASE);
    expect(again.tat).toBe(10_000 + THROTTLE_BURST_MS + THROTTLE_PAUSE_MS);
    expect(again.throttledAt).toBe(10_000 + THROTTLE_BURST_MS);
  });

  it('reads each throttle as jitter, too fast or the same burst, by how long since the one it acted on', () => {
    expect(throttleVerdict({ tat: 0, factor: 1 }, 10_000)).toBe('jitter');
    const first = afterThrottle({ tat: 0, factor: 1 }, 10_000);
    expect(throttleVerdict(first, 10_000 + THROTTLE_BURST_MS - 1)).toBe('same-burst');
    expect(throttleVerdict(first, 10_000 + THROTTLE_BURST_MS)).toBe('too-fast');
    expect(throttleVerdict(first, 10_000 + THROTTLE_WINDOW_MS)).toBe('jitter');
    // For the sends already given slots, another answer of the burst means the window is still full.
    expect(throttleReading({ tat: 0, factor: 1 }, 10_000)).toBe('jitter');
    expect(throttleReading(first, 10_001)).toBe('too-fast');
  });

  it('acts once for a burst that throttles several sends in flight at once', () => {
    const first = afterThrottle({ tat: 0, factor: 1 }, 10_000);
    for (const at of [10_001, 10_030, 10_000 + THROTTLE_BURST_MS - 1]) expect(afterThrottle(first, at)).toEqual(first);
  });

  it('brings a rate eight times too high under the real limit within a few throttles', () => {
    // The engine paces at 40/s; the provider allows 5/s and answers each too-fast send with a throttle.
    let state = initialRateState(0);
    let throttles = 0;
    for (let now = 0, sentInWindow: number[] = []; now < 10_000; ) {
      const { slots: [slot], next } = reserveSlots(state, 1, 40, now);
      now = slot;
      sentInWindow = sentInWindow.filter((t) => now - t < 1000);
      if (sentInWindow.length >= 5) {
        throttles++;
        state = afterThrottle(next, now);
      } else {
        sentInWindow.push(now);
        state = next;
      }
    }
    expect(throttles).toBeGreaterThan(0);
    expect(throttles).toBeLessThan(20); // against ~45 accepted in those 10 s
    expect(state.factor).toBeLessThan(0.5);
  });

  it('never drops below the floor however often it is throttled', () => {
    let state = initialRateState(0);
    for (let i = 0; i < 50; i++) state = afterThrottle(state, i * THROTTLE_PAUSE_MS);
    expect(state.factor).toBeLessThan(0.06);
    expect(state.factor).toBeGreaterThan(0);
  });
});
