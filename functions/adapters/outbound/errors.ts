import { PressroomError } from '../../domain/errors';

/**
 * Why the guarded fetcher gave up on a URL. Each is final for that URL as it stands: asking again
 * will not change a scheme, an address or a body.
 */
export const OUTBOUND_REFUSALS = [
  'invalid-url',
  'not-https',
  'private-address',
  'unresolvable',
  'too-many-redirects',
  'bad-status',
  'too-large',
  'not-an-image',
  'timeout',
  'network',
] as const;
export type OutboundRefusal = (typeof OUTBOUND_REFUSALS)[number];

/** A URL from outside (a release, a feed) that the guarded fetcher would not, or could not, fetch. */
export class OutboundFetchRefusedError extends PressroomError {
  constructor(
    readonly reason: OutboundRefusal,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboundFetchRefusedError';
  }
}
