/**
 * What the audit log keeps of a staff request, and which requests it keeps. Pure: the HTTP edge
 * (runtime/staff-audit.ts) gathers the facts and writes the entry.
 */
import type { AuditEntry } from './ports';

/** Entries are kept two years (the table's TTL removes them after). */
export const AUDIT_RETENTION_MS = 2 * 365 * 24 * 3_600_000;

const STATE_CHANGING = new Set(['POST', 'PATCH', 'DELETE']);
/** Path parameters that hold secrets (a sign-in link's token) are never written down. */
const SECRET_PARAMETERS = new Set(['token']);
const MAX_TEXT = 200;

const bounded = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

/**
 * Whether a request is a staff action the log records: every POST, PATCH and DELETE to `/admin/*`
 * and `/console/*`, except asking for a sign-in link (its typed address may be anyone's, and a
 * stranger's address has no place in staff's log).
 *
 * @example
 * isAuditedRoute('POST /admin/releases/{id}/pause'); // true
 * isAuditedRoute('POST /console/sign-in'); // false
 */
export function isAuditedRoute(routeKey: string | undefined): boolean {
  const [method = '', path = ''] = (routeKey ?? '').split(' ');
  if (!STATE_CHANGING.has(method)) return false;
  if (routeKey === 'POST /console/sign-in') return false;
  return path.startsWith('/admin/') || path.startsWith('/console/');
}

export interface AuditFacts {
  actor: Pick<AuditEntry, 'actor' | 'via' | 'tokenName'>;
  routeKey: string;
  pathParameters?: Record<string, string | undefined>;
  status: number;
  at: Date;
  sourceIp?: string;
  userAgent?: string;
}

/**
 * The entry for one answered request: the route key as the action, its path parameters as the
 * target (secrets left out, values decoded and shortened), the status as the outcome.
 *
 * @example
 * auditEntry({ actor: { actor: 'editor@example.org', via: 'console' }, routeKey: 'POST /admin/releases/{id}/pause',
 *   pathParameters: { id: 'r1' }, status: 200, at: new Date(), sourceIp: '192.0.2.1', userAgent: 'curl/8' });
 * // { action: 'POST /admin/releases/{id}/pause', target: { id: 'r1' }, outcome: 200, … }
 */
export function auditEntry(facts: AuditFacts): AuditEntry {
  const target: Record<string, string> = {};
  for (const [name, value] of Object.entries(facts.pathParameters ?? {})) {
    if (value === undefined || SECRET_PARAMETERS.has(name)) continue;
    target[name] = bounded(safeDecode(value));
  }
  return {
    at: facts.at.toISOString(),
    ...facts.actor,
    action: facts.routeKey,
    target,
    outcome: facts.status,
    sourceIp: bounded(facts.sourceIp ?? ''),
    userAgent: bounded(facts.userAgent ?? ''),
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
