import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseMarkdownRelease } from '../domain/release/markdown-file';
import { signWebhook } from '../domain/security/standard-webhooks';

/**
 * Staff CLI: publishes a release file (webhook JSON, or Markdown with YAML front matter) to a
 * Pressroom API, signed exactly like a CMS webhook.
 *
 *   npm run publish-release -- release.md --url https://news.example.org
 *
 * The secret comes from PRESSROOM_WEBHOOK_SECRET, or locally from the development secrets file.
 */
export function releaseBodyFromFile(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8');
  if (extname(path).toLowerCase() === '.json') return JSON.parse(text);
  const { frontMatter, markdown } = parseMarkdownRelease(text);
  // YAML turns unquoted dates into Date objects; the webhook wants ISO strings.
  const fields = Object.fromEntries(
    Object.entries(frontMatter).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
  return { ...fields, markdown };
}

export async function publishFile(options: { file: string; url: string; secret: string; webhookId?: string }) {
  const body = JSON.stringify(releaseBodyFromFile(options.file));
  const id = options.webhookId ?? `msg_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(`${options.url.replace(/\/$/, '')}/webhooks/releases`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(options.secret, id, timestamp, body),
    },
    body,
  });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

function secretFromEnvOrDataDir(): string {
  if (process.env.PRESSROOM_WEBHOOK_SECRET) return process.env.PRESSROOM_WEBHOOK_SECRET;
  const file = resolve(process.env.PRESSROOM_DATA_DIR ?? '.data', 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).webhookSecret;
  throw new Error('Set PRESSROOM_WEBHOOK_SECRET (the whsec_… secret of the Pressroom you publish to)');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { url: { type: 'string', default: `http://localhost:${process.env.PORT ?? 3000}` }, 'webhook-id': { type: 'string' } },
  });
  if (positionals.length !== 1) {
    console.error('Usage: npm run publish-release -- <release.json|release.md> [--url URL] [--webhook-id ID]');
    process.exit(2);
  }
  const result = await publishFile({ file: positionals[0], url: values.url!, secret: secretFromEnvOrDataDir(), webhookId: values['webhook-id'] });
  console.log(`HTTP ${result.status}`, JSON.stringify(result.body, null, 2));
  process.exit(result.status < 300 ? 0 : 1);
}
