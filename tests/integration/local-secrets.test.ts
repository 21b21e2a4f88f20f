import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSecrets } from '../../functions/runtime/aws';
import type { PressroomSecrets } from '../../functions/runtime/config';
import { LOCAL_CLIENT_CONFIG } from '../../functions/local/dynamo';
import { startLocalSecretsManager, type LocalSecretsManager } from '../../functions/local/secrets-server';

/** The local Secrets Manager through the real client and Powertools' SecretsProvider, as runtime/aws.ts reads it. */

const secrets: PressroomSecrets = {
  webhookSecrets: ['whsec_new', 'whsec_old'],
  adminToken: 'admin-token',
  signingKeys: 'dev1:c2lnbmluZw==',
  addressHashKey: Buffer.alloc(32, 7).toString('base64'),
  channels: { mastodonAccessToken: 'masto-token' },
};

let server: LocalSecretsManager | undefined;
afterEach(async () => server?.close());

describe('local Secrets Manager endpoint', () => {
  it('serves the secret by ARN to SecretsProvider, in the JSON parseSecrets reads back unchanged', async () => {
    server = await startLocalSecretsManager({ secrets });
    expect(server.secretArn).toMatch(/^arn:aws:secretsmanager:local:000000000000:secret:pressroom-[A-Za-z0-9]{6}$/);
    const provider = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ ...LOCAL_CLIENT_CONFIG, endpoint: server.endpoint }) });

    const json = await provider.get(server.secretArn, { maxAge: 300 });

    expect(typeof json).toBe('string');
    expect(parseSecrets(json as string)).toEqual(secrets);
  });

  it('answers by name too, with the version metadata, and ResourceNotFoundException for any other secret', async () => {
    server = await startLocalSecretsManager({ secrets });
    const client = new SecretsManagerClient({ ...LOCAL_CLIENT_CONFIG, endpoint: server.endpoint });

    const byName = await client.send(new GetSecretValueCommand({ SecretId: 'pressroom' }));
    expect(byName).toMatchObject({ ARN: server.secretArn, Name: 'pressroom', VersionStages: ['AWSCURRENT'], CreatedDate: expect.any(Date) });

    await expect(client.send(new GetSecretValueCommand({ SecretId: 'other' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    client.destroy();
  });
});
