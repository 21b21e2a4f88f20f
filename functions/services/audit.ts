import type { AuditEntry, AuditLog, AuditPage } from '../domain/staff/ports';
import type { Clock } from '../domain/ports';
import { ValidationError } from '../domain/errors';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

/**
 * The audit log of staff actions: written by the HTTP edge after each state-changing staff request
 * (runtime/staff-audit.ts), read by admins on the audit page.
 *
 * @example
 * await audit.record(entry); // never throws: a failed write is logged with the whole entry
 * const { entries, next } = await audit.page({ actor: 'editor@example.org' });
 */
export class AuditTrail {
  constructor(
    private readonly log: AuditLog,
    private readonly clock: Clock,
    /** Where a lost entry goes (the wiring logs it at error level, which the log alarm watches). */
    private readonly lost: (entry: AuditEntry, error: unknown) => void,
  ) {}

  /** When an entry being written now happened (the wiring's clock, which tests may set). */
  now(): Date {
    return this.clock.now();
  }

  /**
   * Writes the entry after the action has been answered. A failed write does not turn a done
   * action into an error (the change happened; answering 500 would invite a retry that repeats
   * it): it is logged at error level with the entry, so the log's alarm sees it and nothing is lost.
   */
  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.log.record(entry);
    } catch (error) {
      this.lost(entry, error);
    }
  }

  /** Newest first; `actor` keeps one member's (or `admin token`'s) entries. @throws ValidationError for a bad limit or cursor. */
  async page(query: { actor?: string; cursor?: string; limit?: string }): Promise<AuditPage> {
    const limit = query.limit === undefined || query.limit === '' ? DEFAULT_LIMIT : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new ValidationError([{ field: 'limit', message: `1 to ${MAX_LIMIT}` }], 'Invalid query');
    const actor = query.actor?.trim().toLowerCase() || undefined;
    try {
      return await this.log.page({ actor, cursor: query.cursor || undefined, limit });
    } catch (error) {
      // A cursor is ours, base64url JSON: anything else was edited by hand.
      if (query.cursor && (error instanceof SyntaxError || (error as Error).name === 'ValidationException')) {
        throw new ValidationError([{ field: 'cursor', message: 'not a cursor this page gave' }], 'Invalid query');
      }
      throw error;
    }
  }
}
