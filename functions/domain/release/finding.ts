/**
 * What the preflight check says of a release (preflight.ts), kept apart so the release model can
 * carry its warnings without importing the check.
 */
export const FindingSeverity = { Blocking: 'blocking', Warning: 'warning' } as const;
export type FindingSeverity = (typeof FindingSeverity)[keyof typeof FindingSeverity];

export interface Finding {
  code: string;
  severity: FindingSeverity;
  message: string;
}
