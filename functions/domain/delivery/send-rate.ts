/**
 * Pacing of sends against the provider's maximum rate, as a pure calculation: the generic cell rate
 * algorithm (GCRA). State is one number, the theoretical arrival time (TAT) of the next send; each
 * reservation of n slots moves it n intervals on. Workers anywhere share the state through the
 * `SendRateGate` adapter, so together they never exceed the rate, and slots are spaced evenly
 * rather than bursting at each second's start (SES counts in a sliding one-second window).
 *
 * The rate adapts: a throttling answer cuts it (multiplicative decrease) and every slot wins a
 * little back (additive increase), the way TCP shares a link it cannot see.
 */
export interface RateState {
  /** Epoch ms before which no new slot starts. */
  tat: number;
  /** Share of the maximum rate in use, 0 < factor ≤ 1. */
  factor: number;
  /** Epoch ms of the last throttle that cut the rate. */
  throttledAt?: number;
}

/** Aim slightly under the limit: a slot runs a little late now and then, and must not bunch up. */
export const RATE_HEADROOM = 0.97;
export const MIN_FACTOR = 0.05;
/**
 * A throttle cuts the rate by a quarter. Late-running sends on a busy worker can trip SES's sliding
 * window without the rate itself being too high, so halving (TCP's choice) gives away too much.
 */
export const THROTTLE_DECREASE = 0.75;
/** Each slot handed out wins this much of the rate back: a quarter back within 25 sends. */
const RECOVERY_PER_SLOT = 0.01;
/** After a throttle, nothing is sent for this long: the provider's window has to empty. */
export const THROTTLE_PAUSE_MS = 1000;

export function initialRateState(now: number): RateState {
  return { tat: now, factor: 1 };
}

/**
 * Reserves `count` slots at `maxRate` (messages per second) and returns the slot times and the next
 * state. An unlimited rate (undefined, ≤ 0 or infinite) gives every slot `now`.
 */
export function reserveSlots(state: RateState, count: number, maxRate: number | undefined, now: number): { slots: number[]; next: RateState } {
  if (!maxRate || maxRate <= 0 || !Number.isFinite(maxRate)) return { slots: Array(count).fill(now), next: state };
  const interval = 1000 / (maxRate * RATE_HEADROOM * state.factor);
  const start = Math.max(state.tat, now);
  const slots = Array.from({ length: count }, (_, i) => start + i * interval);
  return {
    slots,
    next: { ...state, tat: start + count * interval, factor: Math.min(1, state.factor + count * RECOVERY_PER_SLOT) },
  };
}

/**
 * The state after the provider said "too fast": a lower rate, and a pause before the next slot.
 * Several workers are usually throttled by the same burst; only the first report within a pause
 * cuts the rate, or one burst would halve it once per worker.
 */
export function afterThrottle(state: RateState, now: number): RateState {
  const tat = Math.max(state.tat, now + THROTTLE_PAUSE_MS);
  if (state.throttledAt !== undefined && now - state.throttledAt < THROTTLE_PAUSE_MS) return { ...state, tat };
  return { tat, factor: Math.max(MIN_FACTOR, state.factor * THROTTLE_DECREASE), throttledAt: now };
}
