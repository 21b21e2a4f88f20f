import { resolve } from 'node:path';
import { startLocalPressroom } from './runner';

/**
 * `npm start`: Pressroom on this machine with embedded stand-ins. Configuration comes from the
 * environment (see README.md); everything has a default, so no set-up is needed.
 */
/** Staff to sign in to the console with, locally, when PRESSROOM_STAFF does not name any (their emails land in the mailbox). */
const DEFAULT_LOCAL_STAFF = 'admin@example.org=admin,editor@example.org=editor';
const env: NodeJS.ProcessEnv & { PRESSROOM_STAFF: string } = { ...process.env, PRESSROOM_STAFF: process.env.PRESSROOM_STAFF ?? DEFAULT_LOCAL_STAFF };
const dataDir = resolve(env.PRESSROOM_DATA_DIR ?? '.data');
const rate = env.PRESSROOM_LOCAL_SES_RATE ? Number(env.PRESSROOM_LOCAL_SES_RATE) : undefined;

const pressroom = await startLocalPressroom({
  dataDir,
  port: Number(env.PORT ?? 3000),
  env,
  schedulerIntervalMs: env.PRESSROOM_SCHEDULER_INTERVAL_MS ? Number(env.PRESSROOM_SCHEDULER_INTERVAL_MS) : undefined,
  sesMaxSendRate: rate,
  sesMax24HourSend: env.PRESSROOM_LOCAL_SES_DAILY_QUOTA ? Number(env.PRESSROOM_LOCAL_SES_DAILY_QUOTA) : undefined,
  visibilityTimeoutMs: env.PRESSROOM_LOCAL_VISIBILITY_TIMEOUT_MS ? Number(env.PRESSROOM_LOCAL_VISIBILITY_TIMEOUT_MS) : undefined,
});

// For a parent process (tests, scripts) that started this one with PORT=0: one JSON line to read
// the address from, before the banner meant for people.
if (env.PRESSROOM_READY_LINE) {
  console.log(JSON.stringify({ ready: true, url: pressroom.url, sqsEndpoint: pressroom.sqsEndpoint, secretsEndpoint: pressroom.secretsEndpoint, pid: process.pid }));
}

// npm runs every script from the package root, so this path works from anywhere in any clone.
const sample = 'examples/ice-retaliation.json';
const webhookSecret = pressroom.secrets.webhookSecrets[0];
console.log(`
Pressroom is running locally.

  API            ${pressroom.url}
  Mailbox        ${pressroom.mailboxUrl}   (every email sent, rendered; JSON at ${pressroom.url}/local/mail)
  Social posts   ${pressroom.url}/local/social
  Queues         ${pressroom.url}/local/queues   (metrics the functions counted: ${pressroom.url}/local/metrics)
  Archive        ${pressroom.url}/archive   (feeds at ${pressroom.url}/feeds/all.rss, .atom, .json)
  Files (S3)     ${pressroom.s3Endpoint}   (import uploads and export downloads: POST /admin/imports/uploads)
  Data           ${dataDir}
  Webhook secret ${webhookSecret}
  Admin token    ${pressroom.secrets.adminToken}
  Console        ${pressroom.url}/console   (sign in as ${env.PRESSROOM_STAFF.split(',').map((s) => s.trim().replace('=', ' (') + ')').join(', ')}; the link arrives in the mailbox)

Add a subscriber to both lists:
  curl -s -X POST ${pressroom.url}/admin/subscribers -H 'Authorization: Bearer ${pressroom.secrets.adminToken}' -H 'content-type: application/json' -d '{"email":"reader@example.com","lists":["blog","press-releases"]}'

Publish the sample release (signed like a real webhook):
  PRESSROOM_WEBHOOK_SECRET='${webhookSecret}' npm run publish-release -- ${sample} --url ${pressroom.url}

Stop with Ctrl+C.
`);

const shutdown = async () => {
  await pressroom.stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
