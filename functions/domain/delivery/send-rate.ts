/**
 * Pacing of sends against the provider's maximum rate, as a pure calculation: the generic cell rate
 * algorithm (GCRA). State is one number, the theoretical arrival time (TAT) of the next send; each
 * reservation of n slots moves it n intervals on. Workers anywhere share the state through the
 * `SendRateGate` adapter, so together they never exceed the rate, and slots are spaced evenly
 * rather than bursting at each second's start (SES counts in a sliding one-second window).
 *
 * The rate adapts: a throttling answer cuts it (multiplicative decrease) and every slot wins a
 * little back, the way TCP shares a link it cannot see.
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
 * A throttle after a quiet spell trims the rate by a tenth and pauses briefly. On a rate already
 * under the limit such a throttle is jitter: sends delayed on their way (a busy worker, a stall at
 * the receiver) that reach SES's sliding one-second window together, and age out of it together a
 * second later. A deep cut or a long pause there would cost more than the throttle itself
 * (docs/benchmarks.md, figure 2b).
 */
export const ISOLATED_THROTTLE_DECREASE = 0.9;
export const ISOLATED_THROTTLE_PAUSE_MS = 50;
/**
 * A throttle within a window of the last one means the rate itself is too high (SES's real limit
 * is below what it advertised, or a lower configured rate was set too high): halve it, TCP's
 * choice, and pause long enough for the window to drain a little. Eight times too fast comes down
 * in three or four such cuts.
 */
export const REPEATED_THROTTLE_DECREASE = 0.5;
export const THROTTLE_PAUSE_MS = 200;
/** The provider's window: throttles closer together than this are "repeated". */
export const THROTTLE_WINDOW_MS = 1000;
/**
 * Throttle answers within this long of the one that acted belong to the same burst and do not cut
 * the rate again: every send in flight at that moment (several workers, a pipelined batch) may come
 * back throttled, and cutting once per answer would collapse the rate on one burst.
 */
export const THROTTLE_BURST_MS = 100;
/**
 * Each slot handed out wins this share of the current rate back: a tenth within ~10 sends. In
 * proportion to the rate rather than a fixed step: after cuts to a rate far below the quota (the
 * provider's real limit is lower) a fixed step would double the rate within a few sends and hit
 * the limit again at once.
 */
const RECOVERY_PER_SLOT = 0.01;

export function initialRateState(now: number): RateState {
  return { tat: now, factor: 1 };
}

/**
 * Reserves `count` slots at `maxRate` (messages per second) and returns the slot times and the next
 * state. An unlimited rate (undefined, ≤ 0 or infinite) gives every slot `now`.
 *
 * With `until`, only the slots that start by then are handed out (possibly none), and the state
 * moves on by those alone: a caller that must be done by a deadline (a Lambda invocation) takes what
 * it can use, and the slots after it stay free for other workers instead of being booked and left
 * empty.
 *
 * @example
 * reserveSlots(state, 10, 2, now, now + 2_000).slots.length // 5 at 1.94/s: the rest would start too late
 */
export function reserveSlots(
  state: RateState,
  count: number,
  maxRate: number | undefined,
  now: number,
  until = Infinity,
): { slots: number[]; next: RateState } {
  if (!maxRate || maxRate <= 0 || !Number.isFinite(maxRate)) return { slots: Array(now <= until ? count : 0).fill(now), next: state };
  const interval = 1000 / (maxRate * RATE_HEADROOM * state.factor);
  const start = Math.max(state.tat, now);
  const fitting = start > until ? 0 : Math.min(count, Math.floor((until - start) / interval) + 1);
  if (fitting === 0) return { slots: [], next: state };
  const slots = Array.from({ length: fitting }, (_, i) => start + i * interval);
  return {
    slots,
    next: { ...state, tat: start + fitting * interval, factor: Math.min(1, state.factor * (1 + RECOVERY_PER_SLOT) ** fitting) },
  };
}

/**
 * How the pacer reads a throttle: `jitter` (the first after a quiet window: the rate is fine, some
 * sends bunched), `too-fast` (another within the window: the rate is too high), `same-burst` (an
 * answer within {@link THROTTLE_BURST_MS} of one it acted on).
 */
export type ThrottleVerdict = 'jitter' | 'too-fast' | 'same-burst';

export function throttleVerdict(state: RateState, now: number): ThrottleVerdict {
  const since = state.throttledAt === undefined ? Infinity : now - state.throttledAt;
  if (since < THROTTLE_BURST_MS) return 'same-burst';
  return since < THROTTLE_WINDOW_MS ? 'too-fast' : 'jitter';
}

/** What a throttle means for the sends already given slots: `jitter` keeps them, `too-fast` gives them back. */
export type ThrottleReading = Exclude<ThrottleVerdict, 'same-burst'>;

/**
 * The reading of a throttle answer for the sends already given slots. Another answer within the
 * burst reads as too fast whatever the first was: the window is still full, and a batch that went
 * on sending into it drew three to four times the throttles for no gain in rate (figure 2b).
 */
export function throttleReading(state: RateState, now: number): ThrottleReading {
  const verdict = throttleVerdict(state, now);
  return verdict === 'same-burst' ? 'too-fast' : verdict;
}

/**
 * The state after the provider said "too fast": a lower rate, and a pause before the next slot.
 * How much lower depends on how recently it last happened: a first throttle after a quiet window is
 * treated as jitter (trim, short pause), another within the window as a rate that is too high
 * (halve, longer pause). Answers from the same burst act once.
 */
export function afterThrottle(state: RateState, now: number): RateState {
  const verdict = throttleVerdict(state, now);
  if (verdict === 'same-burst') return state;
  const repeated = verdict === 'too-fast';
  const pause = repeated ? THROTTLE_PAUSE_MS : ISOLATED_THROTTLE_PAUSE_MS;
  const decrease = repeated ? REPEATED_THROTTLE_DECREASE : ISOLATED_THROTTLE_DECREASE;
  return { tat: Math.max(state.tat, now + pause), factor: Math.max(MIN_FACTOR, state.factor * decrease), throttledAt: now };
}
