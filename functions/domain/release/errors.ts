import { PressroomError } from '../errors';
import type { Finding } from './finding';

/** The rendered release has blocking preflight findings: it must not be sent as it is. */
export class PreflightError extends PressroomError {
  readonly findings: Finding[];
  constructor(findings: Finding[]) {
    super(`Release blocked by preflight: ${findings.filter((f) => f.severity === 'blocking').map((f) => f.code).join(', ')}`);
    this.name = 'PreflightError';
    this.findings = findings;
  }
}
