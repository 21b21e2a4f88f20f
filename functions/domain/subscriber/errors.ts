import { PressroomError } from '../errors';

/**
 * Too many sign-ups from one client in the current window: nothing was stored or sent. Edges answer
 * 429 with `Retry-After: retryAfterSeconds`.
 *
 * @example
 * if (!(await rateLimiter.consume(`signup-ip:${ip}`, 20, HOUR_MS, now))) throw new RateLimitedError(3600);
 */
export class RateLimitedError extends PressroomError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests; try again later',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RateLimitedError';
  }
}
