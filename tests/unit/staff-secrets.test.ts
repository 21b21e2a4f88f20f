import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSecrets } from '../../functions/runtime/aws';
import { loadDevSecrets } from '../../functions/local/dev-secrets';
import { ConfigError } from '../../functions/runtime/config';
import { StaffAccess } from '../../functions/services/staff';
import { AuthenticationError } from '../../functions/domain/errors';

/**
 * A blank admin token would let `Authorization: Bearer ` followed by spaces in (the presented token
 * trims to the same empty string), and a blank webhook secret fails every webhook with a 500: both
 * are configuration errors found at start-up.
 */
const secret = {
  webhookSecret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
  adminToken: 'a-real-admin-token',
  signingKeys: `k1:${Buffer.alloc(32, 2).toString('base64')}`,
  addressHashKey: Buffer.alloc(32, 3).toString('base64'),
};

function refusal(parse: () => unknown): Error {
  try {
    parse();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a ConfigError');
}

describe('staff secrets at start-up', () => {
  it.each(['', ' ', '\t\n '])('refuses an admin token of %j, naming it', (adminToken) => {
    const error = refusal(() => parseSecrets(JSON.stringify({ ...secret, adminToken })));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('adminToken');
  });

  it.each([[{ webhookSecret: '  ' }], [{ webhookSecret: 'whsec_ ' }], [{ webhookSecret: undefined, webhookSecrets: [secret.webhookSecret, ' '] }]])(
    'refuses a blank webhook secret: %j',
    (change) => {
      const error = refusal(() => parseSecrets(JSON.stringify({ ...secret, ...change })));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/webhookSecret/);
    },
  );

  it('takes a secret with both set', () => {
    expect(parseSecrets(JSON.stringify(secret))).toMatchObject({ adminToken: 'a-real-admin-token', webhookSecrets: [secret.webhookSecret] });
  });

  describe('locally', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pressroom-staff-secrets-'));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('refuses a whitespace PRESSROOM_ADMIN_TOKEN or PRESSROOM_WEBHOOK_SECRET rather than running with it', () => {
      expect(refusal(() => loadDevSecrets(dataDir, { PRESSROOM_ADMIN_TOKEN: '   ' })).message).toContain('PRESSROOM_ADMIN_TOKEN');
      expect(refusal(() => loadDevSecrets(dataDir, { PRESSROOM_WEBHOOK_SECRET: ' ' })).message).toContain('PRESSROOM_WEBHOOK_SECRET');
      expect(loadDevSecrets(dataDir, {}).adminToken.trim()).not.toBe('');
    });
  });

  it('never admits an empty bearer token, even if a blank admin token slipped through', async () => {
    const staff = new StaffAccess({ adminToken: '', webhookSecrets: [], clock: { now: () => new Date() }, publicUrl: 'https://news.example.org' });
    for (const authorization of ['Bearer   ', 'Bearer \t ', 'Bearer']) await expect(staff.authorizeApi(authorization, 'GET /admin/lists')).rejects.toThrow(AuthenticationError);
  });
});

