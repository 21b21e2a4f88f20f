import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PressroomSecrets } from '../runtime/config';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-context';
import { readBody } from './api-gateway';

export interface LocalSecretsManagerOptions {
  /** The one secret served, as `parseSecrets` in runtime/aws.ts reads it back. */
  secrets: PressroomSecrets;
  /** The secret's name; its ARN ends `<name>-XXXXXX` as a Secrets Manager ARN does. Default `pressroom`. */
  name?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export interface LocalSecretsManager {
  /** `http://127.0.0.1:<port>`: the `endpoint` of a `SecretsManagerClient` (or `AWS_ENDPOINT_URL_SECRETS_MANAGER`). */
  endpoint: string;
  /** What `PRESSROOM_SECRET_ARN` holds on AWS. */
  secretArn: string;
  close(): Promise<void>;
}

/** The secret's JSON, in the shape the AWS wiring's `parseSecrets` reads (channel keys at top level). */
export function secretsToJson(secrets: PressroomSecrets): string {
  return JSON.stringify({
    webhookSecrets: secrets.webhookSecrets,
    webhookSecret: secrets.webhookSecrets[0],
    adminToken: secrets.adminToken,
    signingKeys: secrets.signingKeys,
    addressHashKey: secrets.addressHashKey,
    ...secrets.channels,
  });
}

/**
 * A local AWS Secrets Manager endpoint serving one secret through GetSecretValue and DescribeSecret
 * (JSON 1.1 protocol, `X-Amz-Target: secretsmanager.<Action>`), so a function bundle run against
 * the local stack reads its secrets the way it does on AWS (Powertools' `SecretsProvider`). The
 * secret can be asked for by ARN or by name; anything else is `ResourceNotFoundException`.
 *
 * @example
 * const sm = await startLocalSecretsManager({ secrets: loadDevSecrets(dataDir, env) });
 * // AWS_ENDPOINT_URL_SECRETS_MANAGER=${sm.endpoint} PRESSROOM_SECRET_ARN=${sm.secretArn} node bundle.mjs
 */
export async function startLocalSecretsManager(options: LocalSecretsManagerOptions): Promise<LocalSecretsManager> {
  const name = options.name ?? 'pressroom';
  // Stable across restarts (a bundle's PRESSROOM_SECRET_ARN keeps working); the six characters
  // stand where Secrets Manager puts its random suffix.
  const suffix = createHash('sha256').update(name).digest('base64url').replace(/[^A-Za-z0-9]/g, '').slice(0, 6);
  const secretArn = `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${name}-${suffix}`;
  const secretString = secretsToJson(options.secrets);
  const versionId = randomUUID();
  const createdDate = Math.floor(Date.now() / 1000);

  const server = createServer(async (req, res) => {
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(body));
    };
    const body = await readBody(req);
    let input: { SecretId?: unknown };
    try {
      input = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      return reply(400, { __type: 'InvalidRequestException', message: 'The request body is not JSON.' });
    }
    const action = String(req.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
    if (action !== 'GetSecretValue' && action !== 'DescribeSecret') {
      return reply(400, { __type: 'InvalidRequestException', message: `The local Secrets Manager does not support ${action || 'this request'}.` });
    }
    if (input.SecretId !== secretArn && input.SecretId !== name) {
      return reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
    }
    if (action === 'DescribeSecret') {
      return reply(200, { ARN: secretArn, Name: name, CreatedDate: createdDate, VersionIdsToStages: { [versionId]: ['AWSCURRENT'] } });
    }
    reply(200, { ARN: secretArn, Name: name, VersionId: versionId, SecretString: secretString, VersionStages: ['AWSCURRENT'], CreatedDate: createdDate });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secretArn,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
