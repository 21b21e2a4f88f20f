import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, isBlankSecret, type PressroomSecrets } from '../runtime/config';
import { CHANNEL_SECRET_LOCATIONS, type ChannelSecrets } from '../channels';

type Env = Record<string, string | undefined>;

/**
 * Development secrets for local mode: taken from the environment when given, otherwise generated
 * once and kept in `<dataDir>/dev-secrets.json` (mode 0600) so links in already-sent local emails
 * keep working across restarts. Social channel tokens and webhook URLs come only from the
 * environment (each channel's `secret` in functions/channels/ names its variable) and are never written to the file. Never used on AWS.
 */
export function loadDevSecrets(dataDir: string, env: Env): PressroomSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  let stored: Partial<PressroomSecrets> & { webhookSecret?: string } = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8'));
  const generated = {
    webhookSecret: stored.webhookSecret ?? `whsec_${randomBytes(32).toString('base64')}`,
    adminToken: stored.adminToken ?? randomBytes(24).toString('base64url'),
    signingKeys: stored.signingKeys ?? `dev1:${randomBytes(32).toString('base64')}`,
    addressHashKey: stored.addressHashKey ?? randomBytes(32).toString('base64'),
  };
  if (JSON.stringify(stored) !== JSON.stringify(generated)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
  }
  return {
    webhookSecrets: [staffSecret(env, 'PRESSROOM_WEBHOOK_SECRET') ?? generated.webhookSecret],
    adminToken: staffSecret(env, 'PRESSROOM_ADMIN_TOKEN') ?? generated.adminToken,
    signingKeys: env.PRESSROOM_SIGNING_KEYS || generated.signingKeys,
    addressHashKey: env.PRESSROOM_ADDRESS_HASH_KEY || generated.addressHashKey,
    channels: channelSecretsFromEnv(env),
  };
}

/** An admin token or webhook secret from its variable: unset or empty means generated, blank is refused. */
function staffSecret(env: Env, name: string): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  if (isBlankSecret(value)) throw new ConfigError(`${name} is blank: unset it to use a generated one`);
  return value;
}

function channelSecretsFromEnv(env: Env): ChannelSecrets {
  const channels: ChannelSecrets = {};
  for (const { key, env: name } of CHANNEL_SECRET_LOCATIONS) {
    const value = env[name];
    if (value) channels[key] = value;
  }
  return channels;
}
