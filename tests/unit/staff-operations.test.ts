import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { AuthenticationError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../functions/domain/errors';
import { ADMIN_ROUTE_ROLES, authenticateApiToken, BAD_TOKEN_MESSAGE, createApiToken, revokeApiToken, roleForAdminRoute } from '../../functions/domain/staff/api-tokens';
import { auditEntry, isAuditedRoute } from '../../functions/domain/staff/audit';
import { addMember, changeRole, removeMember } from '../../functions/domain/staff/roster';
import { hashSecretToken } from '../../functions/domain/staff/secrets';
import { functionSpecs } from '../../functions/runtime/function-specs';
import { StaffAccess } from '../../functions/services/staff';
import { AuditTrail } from '../../functions/services/audit';
import { logger } from '../../functions/runtime/logger';
import { composeServices } from '../../functions/runtime/compose';
import type { Adapters } from '../../functions/runtime/adapters';
import { readConfig } from '../../functions/runtime/config';
import { FakeClock, MemoryApiTokenStore, MemoryStaffDirectory, MemoryStaffSessionStore } from '../helpers/fakes';

function given(members: [string, 'contributor' | 'editor' | 'admin'][]) {
  const staff = new MemoryStaffDirectory();
  for (const [email, role] of members) staff.members.set(email, { email, role, addedAt: '2026-01-01T00:00:00.000Z' });
  return { staff, tokens: new MemoryApiTokenStore(), clock: new FakeClock() };
}

describe('personal API tokens', () => {
  it('are stored as a SHA-256 hash only, and shown once as a prefixed high-entropy secret', async () => {
    const deps = given([['editor@example.org', 'editor']]);
    const { token, stored } = await createApiToken({ owner: 'editor@example.org', ownerRole: 'editor', name: ' CI ', role: 'editor' }, deps);
    expect(token).toMatch(/^prt_[A-Za-z0-9_-]{43}$/);
    expect(stored).toMatchObject({ name: 'CI', role: 'editor', tokenHash: hashSecretToken(token) });
    expect(JSON.stringify([...deps.tokens.tokens.values()])).not.toContain(token);
    expect(stored.tokenHash.startsWith(stored.id)).toBe(true);
  });

  it('never get a role above their owner\'s, and need a name and a known role', async () => {
    const deps = given([['c@example.org', 'contributor']]);
    const make = (role: string, name = 'x') => createApiToken({ owner: 'c@example.org', ownerRole: 'contributor', name, role }, deps);
    await expect(make('editor')).rejects.toThrow(ForbiddenError);
    await expect(make('admin')).rejects.toThrow(ForbiddenError);
    await expect(make('owner')).rejects.toThrow(ValidationError);
    await expect(make('contributor', '   ')).rejects.toThrow(ValidationError);
    expect(deps.tokens.tokens.size).toBe(0);
    await expect(make('contributor')).resolves.toBeDefined();
  });

  it('act with the lesser of their role and their owner\'s current one, and stop with the owner', async () => {
    const deps = given([['e@example.org', 'admin']]);
    const { token } = await createApiToken({ owner: 'e@example.org', ownerRole: 'admin', name: 'ops', role: 'admin' }, deps);
    expect(await authenticateApiToken(token, deps)).toEqual({ owner: 'e@example.org', name: 'ops', role: 'admin' });
    await deps.staff.setRole('e@example.org', 'editor');
    expect((await authenticateApiToken(token, deps)).role).toBe('editor');
    await deps.staff.remove('e@example.org');
    await expect(authenticateApiToken(token, deps)).rejects.toThrow(BAD_TOKEN_MESSAGE);
  });

  it('record use at most once a minute', async () => {
    const deps = given([['e@example.org', 'editor']]);
    const { token, stored } = await createApiToken({ owner: 'e@example.org', ownerRole: 'editor', name: 'ops', role: 'editor' }, deps);
    await authenticateApiToken(token, deps);
    const first = deps.tokens.tokens.get(stored.tokenHash)!.lastUsedAt;
    expect(first).toBe(deps.clock.now().toISOString());
    deps.clock.advance(30_000);
    await authenticateApiToken(token, deps);
    expect(deps.tokens.tokens.get(stored.tokenHash)!.lastUsedAt).toBe(first);
    deps.clock.advance(30_000);
    await authenticateApiToken(token, deps);
    expect(deps.tokens.tokens.get(stored.tokenHash)!.lastUsedAt).toBe(deps.clock.now().toISOString());
  });

  it('are revoked by their owner only; a revoked token is refused like an unknown one', async () => {
    const deps = given([['a@example.org', 'admin'], ['b@example.org', 'admin']]);
    const { token, stored } = await createApiToken({ owner: 'a@example.org', ownerRole: 'admin', name: 'x', role: 'admin' }, deps);
    await expect(revokeApiToken('b@example.org', stored.id, deps)).rejects.toThrow(NotFoundError);
    await revokeApiToken('a@example.org', stored.id, deps);
    const revoked = await authenticateApiToken(token, deps).catch((e: Error) => e);
    const unknown = await authenticateApiToken('prt_unknown', deps).catch((e: Error) => e);
    expect(revoked).toBeInstanceOf(AuthenticationError);
    expect((revoked as Error).message).toBe((unknown as Error).message);
  });
});

describe('roles of /admin routes', () => {
  it('let editors control sends, contributors read, and keep everything else (and anything new) to admins', () => {
    expect(roleForAdminRoute('POST /admin/releases/{id}/pause')).toBe('editor');
    expect(roleForAdminRoute('GET /admin/releases')).toBe('contributor');
    expect(roleForAdminRoute('POST /admin/imports')).toBe('admin');
    expect(roleForAdminRoute('POST /admin/some-route-added-later')).toBe('admin');
  });

  it('are the table the README shows', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const rows = new Map(readme.split('\n').map((line) => /^\s*\| (contributor|editor|admin) \| (.*) \|$/.exec(line)).filter((m) => m !== null).map((m) => [m[1], m[2]]));
    const listed = [...rows.values()].flatMap((row) => [...row.matchAll(/`([A-Z]+ \/admin[^`]*)`/g)].map((m) => m[1]));
    expect(listed.sort()).toEqual(Object.keys(ADMIN_ROUTE_ROLES).sort());
    for (const [route, role] of Object.entries(ADMIN_ROUTE_ROLES)) expect(rows.get(role), route).toContain(`\`${route}\``);
  });

  it('name only routes that exist', () => {
    const declared = new Set(Object.values(functionSpecs).flatMap((spec) => ('http' in spec ? [...spec.http] : [])));
    for (const route of Object.keys(ADMIN_ROUTE_ROLES)) expect(declared.has(route as never), route).toBe(true);
  });

  it('are enforced for personal tokens at the edge; the shared admin token may do everything', async () => {
    const deps = given([['e@example.org', 'editor']]);
    const access = new StaffAccess(
      { adminToken: 'shared-admin-token', webhookSecrets: [], clock: deps.clock, publicUrl: 'https://news.example.org' },
      { tokens: deps.tokens, staff: deps.staff, sessions: new MemoryStaffSessionStore() },
    );
    const { token } = await createApiToken({ owner: 'e@example.org', ownerRole: 'editor', name: 'ci', role: 'editor' }, deps);
    expect(await access.authorizeApi(`Bearer ${token}`, 'POST /admin/releases/{id}/pause')).toEqual({
      actor: { actor: 'e@example.org', via: 'api-token', tokenName: 'ci' },
      role: 'editor',
    });
    await expect(access.authorizeApi(`Bearer ${token}`, 'POST /admin/imports')).rejects.toThrow(ForbiddenError);
    expect(await access.authorizeApi('Bearer shared-admin-token', 'POST /admin/imports')).toMatchObject({ role: 'admin', actor: { via: 'admin-token' } });
    await expect(access.authorizeApi('Bearer prt_nope', 'GET /admin/lists')).rejects.toThrow(AuthenticationError);
    await expect(access.authorizeApi(undefined, 'GET /admin/lists')).rejects.toThrow(AuthenticationError);
  });
});

describe('managing staff', () => {
  it('adds a member once, lower-cased', async () => {
    const deps = given([['a@example.org', 'admin']]);
    expect(await addMember({ email: ' New@Example.org ', role: 'editor' }, deps)).toMatchObject({ email: 'new@example.org', role: 'editor' });
    await expect(addMember({ email: 'new@example.org', role: 'admin' }, deps)).rejects.toThrow(ConflictError);
    await expect(addMember({ email: 'not an address', role: 'admin' }, deps)).rejects.toThrow(ValidationError);
    await expect(addMember({ email: 'x@example.org', role: 'owner' }, deps)).rejects.toThrow(ValidationError);
    expect((await deps.staff.get('new@example.org'))?.role).toBe('editor');
  });

  it('never removes or demotes the last admin, but may once there is another', async () => {
    const deps = given([['a@example.org', 'admin'], ['e@example.org', 'editor']]);
    await expect(changeRole({ email: 'a@example.org', role: 'editor' }, deps)).rejects.toThrow(/last admin/);
    await expect(removeMember('a@example.org', deps)).rejects.toThrow(ConflictError);
    expect((await deps.staff.get('a@example.org'))?.role).toBe('admin');
    await changeRole({ email: 'e@example.org', role: 'admin' }, deps);
    await changeRole({ email: 'a@example.org', role: 'contributor' }, deps);
    expect((await deps.staff.get('a@example.org'))?.role).toBe('contributor');
    await removeMember('a@example.org', deps);
    expect(await deps.staff.get('a@example.org')).toBeUndefined();
    await expect(removeMember('a@example.org', deps)).rejects.toThrow(NotFoundError);
    await expect(changeRole({ email: 'nobody@example.org', role: 'admin' }, deps)).rejects.toThrow(NotFoundError);
  });
});

describe('audit entries', () => {
  it('records state-changing staff requests only, never the request for a sign-in link', () => {
    expect(isAuditedRoute('POST /admin/releases/{id}/pause')).toBe(true);
    expect(isAuditedRoute('DELETE /admin/subscribers/{subscriberId}')).toBe(true);
    expect(isAuditedRoute('PATCH /admin/lists/{listId}')).toBe(true);
    expect(isAuditedRoute('POST /console/staff')).toBe(true);
    expect(isAuditedRoute('POST /console/sign-in/{token}')).toBe(true);
    expect(isAuditedRoute('POST /console/sign-in')).toBe(false);
    expect(isAuditedRoute('GET /admin/lists')).toBe(false);
    expect(isAuditedRoute('POST /subscribe')).toBe(false);
    expect(isAuditedRoute(undefined)).toBe(false);
  });

  it('keeps the route as the action, decoded path parameters as the target, never a token, and bounds the text', () => {
    const entry = auditEntry({
      actor: { actor: 'e@example.org', via: 'api-token', tokenName: 'ci' },
      routeKey: 'POST /console/staff/{email}/role',
      pathParameters: { email: 'new%40example.org', token: 'secret-link-token' },
      status: 303,
      at: new Date('2026-12-07T10:00:00Z'),
      sourceIp: '192.0.2.7',
      userAgent: 'x'.repeat(500),
    });
    expect(entry).toEqual({
      at: '2026-12-07T10:00:00.000Z',
      actor: 'e@example.org',
      via: 'api-token',
      tokenName: 'ci',
      action: 'POST /console/staff/{email}/role',
      target: { email: 'new@example.org' },
      outcome: 303,
      sourceIp: '192.0.2.7',
      userAgent: `${'x'.repeat(199)}…`,
    });
  });
});

describe('the audit trail', () => {
  const entry = auditEntry({ actor: { actor: 'a@example.org', via: 'console' }, routeKey: 'POST /console/staff', status: 303, at: new Date('2026-12-07T10:00:00Z') });

  it('never fails the action it records: a failed write is logged at error level with the whole entry', async () => {
    const failing = { record: async () => Promise.reject(new Error('table unavailable')), page: async () => ({ entries: [] }) };
    const lost: unknown[] = [];
    await expect(new AuditTrail(failing, new FakeClock(), (e, error) => lost.push([e, (error as Error).message])).record(entry)).resolves.toBeUndefined();
    expect(lost).toEqual([[entry, 'table unavailable']]);
    // The wiring sends it to the log at error level.
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      const services = composeServices({}, { clock: new FakeClock(), auditLog: failing } as unknown as Adapters, {
        config: readConfig({ PRESSROOM_PUBLIC_URL: 'https://news.example.org', PRESSROOM_TABLE_NAME: 'pressroom' }),
        secrets: { adminToken: 't', webhookSecrets: [] },
      });
      await services.audit.record(entry);
      expect(errors).toHaveBeenCalledWith('Audit entry not stored', expect.objectContaining({ auditEntry: entry }));
    } finally {
      errors.mockRestore();
    }
  });

  it('refuses a limit out of range and a cursor it did not give', async () => {
    const trail = new AuditTrail(new DynamoShapedLog(), new FakeClock(), () => undefined);
    await expect(trail.page({ limit: '0' })).rejects.toThrow(ValidationError);
    await expect(trail.page({ limit: '201' })).rejects.toThrow(ValidationError);
    await expect(trail.page({ cursor: 'not-json' })).rejects.toThrow(ValidationError);
  });
});

/** Decodes cursors as the DynamoDB store does (base64url JSON). */
class DynamoShapedLog {
  async record() {}
  async page(query: { cursor?: string }) {
    if (query.cursor) JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
    return { entries: [] };
  }
}
