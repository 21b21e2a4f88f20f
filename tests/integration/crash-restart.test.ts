import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../functions/domain/security/standard-webhooks';
import { releaseBody } from '../helpers/releases';

/**
 * `kill -9` of the local runner in the middle of a send, then a restart on the same data dir: the
 * queues' journals keep every message that was sent and not deleted, so the send finishes.
 *
 * What the engine guarantees (functions/domain/delivery/README.md): a recipient's claim is taken
 * before the SES call, so a recipient whose email SES accepted just before the kill, but whose
 * delivery was not yet marked sent, is sent once more after the claim lease: at most one duplicate
 * per recipient per crash, and only for messages that were being handled at that moment (at most
 * maxConcurrency × batch size = 2 × 10 of them).
 */
const RECIPIENTS = 150;
const IN_FLIGHT_BOUND = 2 * 10;
const adminToken = randomBytes(18).toString('base64url');
const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'pressroom-crash-'));
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `functions/local/main.ts` in a child process and resolves with its URL from the ready line. */
async function startRunner(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/local/main.ts'], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      PORT: '0',
      PRESSROOM_READY_LINE: '1',
      PRESSROOM_DATA_DIR: dataDir,
      PRESSROOM_LISTS: 'crash=Crash',
      PRESSROOM_ADMIN_TOKEN: adminToken,
      PRESSROOM_WEBHOOK_SECRET: webhookSecret,
      // Slow enough to kill partway; retries and leases short enough to finish within the test.
      PRESSROOM_LOCAL_SES_RATE: '20',
      PRESSROOM_LOCAL_VISIBILITY_TIMEOUT_MS: '3000',
      PRESSROOM_CLAIM_LEASE_SECONDS: '3',
      PRESSROOM_SCHEDULER_INTERVAL_MS: '3600000',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.stderr!.resume(); // SDK warnings; read so the pipe never fills
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error('the runner did not print its ready line within 30 s')), 30_000);
    child.once('exit', (code) => fail(new Error(`the runner exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{"ready":true')) return;
      clearTimeout(timer);
      done((JSON.parse(line) as { url: string }).url);
    });
  });
  return { child, url };
}

const admin = (url: string, path: string, init: RequestInit = {}) =>
  fetch(`${url}${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}`, ...init.headers } });

/** Recipient → how many emails with this subject the local SES kept for them. */
async function mailCounts(url: string, subject: string): Promise<Map<string, number>> {
  const mail = (await (await fetch(`${url}/local/mail`)).json()) as { to: string[]; subject: string }[];
  const counts = new Map<string, number>();
  for (const to of mail.filter((m) => m.subject === subject).flatMap((m) => m.to)) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

const until = async (what: string, check: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
};

describe('the local runner killed mid-send', () => {
  it('finishes the send after a restart: every subscriber mailed, at most one duplicate each, status sent', { timeout: 90_000 }, async () => {
    const first = await startRunner();
    const emails = Array.from({ length: RECIPIENTS }, (_, i) => `reader${String(i).padStart(3, '0')}@example.com`);
    const added = await admin(first.url, '/admin/subscribers', { method: 'POST', body: JSON.stringify(emails.map((email) => ({ email, lists: ['crash'] }))) });
    expect(added.status).toBe(200);

    const body = JSON.stringify(releaseBody({ id: 'crash-test', title: 'Crash test', lists: ['crash'] }));
    const timestamp = Math.floor(Date.now() / 1000);
    const published = await fetch(`${first.url}/webhooks/releases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_crash', 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(webhookSecret, 'msg_crash', timestamp, body) },
      body,
    });
    expect(published.status).toBe(202);

    await until('a quarter of the emails', async () => (await mailCounts(first.url, 'Crash test')).size >= RECIPIENTS / 4, 30_000);
    first.child.kill('SIGKILL');
    await new Promise((done) => first.child.once('exit', done));

    const second = await startRunner();
    const mailedAtCrash = (await mailCounts(second.url, 'Crash test')).size;
    expect(mailedAtCrash).toBeGreaterThan(0);
    expect(mailedAtCrash).toBeLessThan(RECIPIENTS); // the kill really was partway

    let status: Record<string, unknown> = {};
    await until(
      'the send to finish',
      async () => {
        status = (await (await admin(second.url, '/admin/releases/crash-test/send')).json()) as Record<string, unknown>;
        return status.status === 'sent' || status.status === 'failed';
      },
      45_000,
    );
    // Counting is at least once (send-email.ts EndingTally): a worker killed after counting its batch
    // but before clearing the marks has those endings counted again, so the status can read `sent`
    // while the last few redelivered jobs still wait out their claim lease. They are sent then.
    // Waits at most 30 s; the comparison below then names anyone still missing.
    await until('every subscriber mailed', async () => (await mailCounts(second.url, 'Crash test')).size >= RECIPIENTS, 30_000).catch(() => undefined);
    const counts = await mailCounts(second.url, 'Crash test');
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    console.info(`crash test: ${mailedAtCrash} of ${RECIPIENTS} mailed when killed; ${duplicates} recipient(s) mailed twice; send ${JSON.stringify(status)}`);

    expect(status).toMatchObject({ status: 'sent' });
    expect([...counts.keys()].sort()).toEqual(emails);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    expect(duplicates).toBeLessThanOrEqual(IN_FLIGHT_BOUND);
    second.child.kill('SIGTERM');
    await new Promise((done) => second.child.once('exit', done));
  });
});
