import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { startLocalPressroom, type LocalOptions, type LocalPressroom } from '../../functions/local/runner';
import { signWebhook } from '../../functions/domain/security/standard-webhooks';

const quiet = { info() {}, warn() {}, error: (m: string, a?: unknown) => console.error(m, a) };

/** Starts the whole local stack (dynalite, local SES, queues, scheduler, HTTP API) in a temp dir. */
export async function startTestPressroom(options: Partial<LocalOptions> = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pressroom-test-'));
  const pressroom = await startLocalPressroom({
    port: 0,
    // Short enough that a retried job comes back quickly, long enough for a cold MJML render
    // (middy aborts a handler when the fake Lambda context's deadline, this timeout, runs out).
    visibilityTimeoutMs: 3_000,
    // Tests drive the scheduler with runNow(); keep its own ticks out of the way.
    schedulerIntervalMs: 3_600_000,
    logger: quiet,
    // Set by vitest.config.mts: the IAM conformance test reads what every test's handlers called.
    awsCallLog: process.env.PRESSROOM_AWS_CALL_LOG || undefined,
    ...options,
    dataDir,
  });
  return { ...pressroom, dataDir, client: new TestClient(pressroom), cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

export class TestClient {
  constructor(private readonly pressroom: LocalPressroom) {}

  /** POSTs a body to the publish webhook, signed as a CMS would sign it. */
  async publish(body: unknown, options: { webhookId?: string; secret?: string; timestamp?: number } = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const id = options.webhookId ?? `msg_${Math.random().toString(36).slice(2)}`;
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const response = await fetch(`${this.pressroom.url}/webhooks/releases`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(options.secret ?? this.pressroom.secrets.webhookSecrets[0], id, timestamp, text),
      },
      body: text,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async addSubscribers(body: unknown, token = this.pressroom.secrets.adminToken) {
    const response = await fetch(`${this.pressroom.url}/admin/subscribers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** Every message in the local mailbox, parsed from the raw MIME the local SES kept. */
  async mail(): Promise<(ParsedMail & { id: string; to: string[]; raw: Buffer })[]> {
    const list = (await (await fetch(`${this.pressroom.url}/local/mail`)).json()) as { id: string; to: string[] }[];
    return Promise.all(
      list.map(async ({ id, to }) => {
        const raw = Buffer.from(await (await fetch(`${this.pressroom.url}/local/mail/${id}`)).arrayBuffer());
        return Object.assign(await simpleParser(raw), { id, to, raw });
      }),
    );
  }

  async social() {
    return (await (await fetch(`${this.pressroom.url}/local/social`)).json()) as { releaseId: string; channel: string; text: string; url: string }[];
  }
}
