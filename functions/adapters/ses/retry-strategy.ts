import type { SESClientConfig } from '@aws-sdk/client-ses';

/** The SDK's v2 retry interface, as SESClient takes it (named here so no @smithy package is imported). */
type RetryStrategy = Extract<SESClientConfig['retryStrategy'], { acquireInitialRetryToken: unknown }>;

const MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 100;

const token = (retries: number) => ({
  getRetryCount: () => retries,
  // Full jitter: concurrent workers that failed together do not retry together.
  getRetryDelay: () => (retries ? Math.random() * BASE_DELAY_MS * 2 ** retries : 0),
});

/**
 * The SDK retry policy for the SES client: network errors and 5xx answers are retried (up to three
 * attempts, jittered backoff) as the SDK's standard mode would, but `Throttling` never is. A throttled
 * send has to reach the shared pacer (domain/delivery/send-rate.ts), which halves the rate for every
 * worker and hands the rest of the batch back to the queue; the SDK's own retry would hide it and
 * resend at the rate SES just refused. `maxAttempts: 1` would do that too, but would also turn every
 * dropped connection into a delivery stuck behind its claim lease.
 *
 * @example
 * const ses = new SESClient({ retryStrategy: sesRetryStrategy() });
 */
export function sesRetryStrategy(maxAttempts = MAX_ATTEMPTS): RetryStrategy {
  return {
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (previous, { errorType }) => {
      const retries = previous.getRetryCount() + 1;
      // Throwing here makes the SDK give up and surface the original error to the caller.
      if (errorType !== 'TRANSIENT' || retries >= maxAttempts) throw new Error(`SES ${errorType} error not retried by the SDK`);
      return token(retries);
    },
    recordSuccess: () => {},
  };
}
