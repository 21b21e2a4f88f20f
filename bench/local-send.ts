/**
 * Figure 2 of issue 4: an end-to-end local send of 10,000 subscribers with the local SES limited to
 * 200 messages/s. The whole local stack runs (dynalite, local SES, the local SQS endpoint and event sources with the real
 * fan-out, send and mail-events handlers); the release is published through the signed webhook and
 * the run ends when every queue is empty.
 *
 * Every figure comes from the local SES's own record: the time it admitted each message against its
 * sliding window (`acceptedAtMs`), and its counts of accepted and throttled sends. Lost and
 * duplicated are counted per seeded address from the mailbox. The same run feeds figure 4
 * (cost-model.ts): SDK requests are counted per command and handler wall time is summed.
 */
import { signWebhook } from '../functions/domain/security/standard-webhooks';
import { busiestWindow, type LocalSesStats, type StoredMessage } from '../functions/local/ses-server';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { countCapacity, countEnqueued, countRequests, timeHandlers, type CapacityUnits, type InvocationStats, type RequestCounts } from './instrument';
import { startBenchPressroom } from './local-stack';
import { checkSeeded, seedSubscribers } from './seed';
import type { BenchResult } from './result';

export interface LocalSendOptions {
  subscribers: number;
  /** Messages per second the local SES enforces. */
  rate: number;
  /** How soon a failed (e.g. throttled) job comes back; 30 s by default on the local runner. */
  visibilityTimeoutMs: number;
  /**
   * A smaller send at a rate this machine can keep up with, run first: it shows how close the
   * pacer itself comes to the limit when the stand-ins' CPU is not what limits the send. 0 = none.
   */
  control: { subscribers: number; rate: number } | 0;
  /**
   * The release sent: figure 2's one-line body, or the sample release (`examples/ice-retaliation.json`,
   * ~5.6 KB of HTML) so that reads of the release item are priced at a real item's size.
   */
  release?: 'small' | 'sample';
  /** More environment for the local Pressroom, e.g. `PRESSROOM_DELIVERY_EVENTS: 'false'` (figure 4 prices both). */
  env?: Record<string, string>;
}

const DEFAULTS: LocalSendOptions = { subscribers: 10_000, rate: 200, visibilityTimeoutMs: 5_000, control: { subscribers: 400, rate: 10 } };

/** What the local SES recorded of one send: every rate, window and loss figure comes from here. */
export interface SesRecord {
  accepted: number;
  throttled: number;
  lost: number;
  duplicated: number;
  /** From the first acceptance to the last. */
  firstToLastMs: number;
  busiestSecond: number;
}

/** The parts of a local SES (`startLocalSes`) a send is judged by; a copy sent back from a worker thread fits too. */
export interface SesRecordSource {
  mailbox: { list(): readonly Pick<StoredMessage, 'to' | 'acceptedAtMs'>[] };
  stats(): LocalSesStats;
}

/**
 * Reads a finished send back from the local SES: its accepted and throttled counts, the instants it
 * admitted each message (`acceptedAtMs`) and, per expected address, how many emails arrived.
 */
export function readSesRecord(ses: SesRecordSource, addresses: readonly string[]): SesRecord {
  const mail = ses.mailbox.list();
  const perAddress = new Map<string, number>();
  for (const m of mail) for (const to of m.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
  const lost = addresses.filter((address) => !perAddress.has(address)).length;
  const duplicated = [...perAddress.values()].reduce((sum, n) => sum + n - 1, 0);
  const times = mail.map((m) => m.acceptedAtMs!).sort((a, b) => a - b);
  const { accepted, throttled } = ses.stats();
  return { accepted, throttled, lost, duplicated, firstToLastMs: times.at(-1)! - times[0], busiestSecond: busiestWindow(times) };
}

/** What one run measured, kept for the cost model so it need not send 10,000 again. */
export interface LocalSendMeasurement extends SesRecord {
  options: LocalSendOptions;
  publishToSettledMs: number;
  /** CPU time of this whole process (handlers, dynalite, local SES, queues) from publish to settled. */
  processCpuMs: number;
  requests: RequestCounts;
  handlers: Map<string, InvocationStats>;
  /** Messages each queue was sent, and in how many send calls. */
  /** Capacity units DynamoDB reported for every request (what on-demand bills). */
  capacity?: CapacityUnits;
  /** Items the BatchGetItem requests asked for (each billed as a read unit at least). */
  batchGetItems?: number;
  enqueued: Map<string, { messages: number; calls: number }>;
}

const SAMPLE_RELEASE = fileURLToPath(new URL('../examples/ice-retaliation.json', import.meta.url));

export let lastMeasurement: LocalSendMeasurement | undefined;

export async function measure(options: Partial<LocalSendOptions> = {}): Promise<LocalSendMeasurement> {
  const opts = { ...DEFAULTS, ...options, control: 0 as const };
  const timing = timeHandlers(['fan-out', 'send-email', 'mail-events']);
  const pressroom = await startBenchPressroom({
    sesMaxSendRate: opts.rate,
    visibilityTimeoutMs: opts.visibilityTimeoutMs,
    env: { PRESSROOM_LISTS: 'blog=Blog', ...opts.env },
  });
  try {
    const seeded = await seedSubscribers(pressroom.table, { listId: 'blog', count: opts.subscribers, concurrency: 4 });
    const problems = await checkSeeded(pressroom.adapters.subscribers, seeded, 'blog', true);
    if (problems.length) throw new Error(`seeding: ${problems.join('; ')}`);

    const requests: RequestCounts = new Map();
    const items = { batchGetItems: 0 };
    countRequests(pressroom.clients.dynamo, 'dynamodb', requests, items);
    const capacity: CapacityUnits = { read: 0, write: 0, byKind: new Map() };
    countCapacity(pressroom.clients.dynamo, capacity);
    countRequests(pressroom.clients.ses, 'ses', requests);
    // The handlers enqueue through SqsQueue over the local SQS endpoint: count at the SQS client.
    const enqueued = countEnqueued(pressroom.clients.sqs, new Map([...pressroom.queues.byName].map(([name, queue]) => [queue.url, name])));

    const small = { title: 'Benchmark send', url: 'https://example.org/bench', html: '<p>Hello readers.</p>' };
    const sample = opts.release === 'sample' ? (JSON.parse(await readFile(SAMPLE_RELEASE, 'utf8')) as Record<string, unknown>) : small;
    const body = JSON.stringify({ ...sample, id: 'bench-send', lists: ['blog'], tags: [] });
    const id = 'msg_bench';
    const timestamp = Math.floor(Date.now() / 1000);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const published = await fetch(`${pressroom.url}/webhooks/releases`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(pressroom.secrets.webhookSecrets[0], id, timestamp, body),
      },
      body,
    });
    if (published.status !== 202) throw new Error(`publish answered ${published.status}: ${await published.text()}`);
    await pressroom.settle(30 * 60_000);
    const publishToSettledMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const processCpuMs = (cpu.user + cpu.system) / 1000;

    lastMeasurement = {
      options: opts,
      ...readSesRecord(pressroom.ses, seeded.map((s) => s.email)),
      publishToSettledMs,
      processCpuMs,
      requests,
      batchGetItems: items.batchGetItems,
      capacity,
      handlers: timing.stats,
      enqueued,
    };
    return lastMeasurement;
  } finally {
    timing.restore();
    await pressroom.close();
  }
}

/** Messages per second: n messages accepted between the first and the last acceptance span n - 1 intervals. */
export const achievedRate = (m: Pick<SesRecord, 'accepted' | 'firstToLastMs'>) => (m.accepted - 1) / (m.firstToLastMs / 1000);

/** The correctness checks of a send at `rate`: nobody lost, nobody mailed twice, no second over the limit. */
export function checkSend(m: SesRecord, rate: number, label: string): string[] {
  const failures: string[] = [];
  if (m.lost) failures.push(`${label}: ${m.lost} subscriber(s) got no email`);
  if (m.duplicated) failures.push(`${label}: ${m.duplicated} duplicate email(s)`);
  if (m.busiestSecond > rate) failures.push(`${label}: ${m.busiestSecond} messages in one second, over the limit of ${rate}`);
  return failures;
}

export async function run(options: Partial<LocalSendOptions> = {}): Promise<BenchResult> {
  const { control, ...headline } = { ...DEFAULTS, ...options };
  const c = control ? await measure({ ...headline, ...control }) : undefined;
  const m = await measure(headline);
  const { rate, subscribers } = m.options;
  const achieved = achievedRate(m);
  const endToEnd = m.accepted / (m.publishToSettledMs / 1000);
  const failures = [...checkSend(m, rate, `${subscribers} at ${rate}/s`), ...(c ? checkSend(c, c.options.rate, `control ${c.options.subscribers} at ${c.options.rate}/s`) : [])];
  const controlRows = c
    ? [
        {
          metric: `control: ${c.options.subscribers} at ${c.options.rate}/s, achieved / busiest second / throttled`,
          value: `${(achievedRate(c) / c.options.rate).toFixed(3)} of the limit / ${c.busiestSecond} / ${c.throttled}`,
          target: `≥ 0.95 / ≤ ${c.options.rate} / –`,
        },
        { metric: 'control: lost / duplicated', value: `${c.lost} / ${c.duplicated}`, target: '0 / 0' },
      ]
    : [];
  return {
    name: 'local-send',
    title: `Figure 2: end-to-end local send of ${subscribers.toLocaleString('en')} at ${rate} msg/s`,
    rows: [
      { metric: 'messages accepted by the local SES', value: String(m.accepted), target: String(subscribers) },
      { metric: 'achieved rate, first to last acceptance', value: `${achieved.toFixed(1)} msg/s = ${(achieved / rate).toFixed(3)} of the limit`, target: '≥ 0.95' },
      { metric: 'busiest one-second window', value: `${m.busiestSecond} messages`, target: `≤ ${rate}` },
      { metric: 'Throttling answers from SES', value: String(m.throttled) },
      { metric: 'lost / duplicated', value: `${m.lost} / ${m.duplicated}`, target: '0 / 0' },
      { metric: 'publish → every queue empty', value: `${(m.publishToSettledMs / 1000).toFixed(1)} s (${endToEnd.toFixed(1)} msg/s incl. render, fan-out, mail events)` },
      { metric: 'first → last acceptance', value: `${(m.firstToLastMs / 1000).toFixed(1)} s` },
      {
        metric: 'process CPU while sending (all stand-ins in one process)',
        value: `${(m.processCpuMs / 1000).toFixed(1)} s = ${(m.processCpuMs / m.accepted).toFixed(1)} ms per email, ${((m.processCpuMs / m.publishToSettledMs) * 100).toFixed(0)}% of one core`,
      },
      { metric: 'rate this process could sustain at that CPU cost', value: `≈ ${(1000 / (m.processCpuMs / m.accepted)).toFixed(0)} msg/s per core` },
      ...controlRows,
    ],
    values: {
      subscribers,
      rate,
      accepted: m.accepted,
      achievedRate: achieved,
      achievedFraction: achieved / rate,
      busiestSecond: m.busiestSecond,
      throttled: m.throttled,
      lost: m.lost,
      duplicated: m.duplicated,
      publishToSettledMs: m.publishToSettledMs,
      firstToLastMs: m.firstToLastMs,
      processCpuMs: m.processCpuMs,
      ...(c ? { controlAchievedFraction: achievedRate(c) / c.options.rate, controlBusiestSecond: c.busiestSecond, controlThrottled: c.throttled, controlLost: c.lost, controlDuplicated: c.duplicated } : {}),
    },
    failures,
    notes: [
      `Two send workers (the local event source's concurrency), batches of 10, visibility timeout ${m.options.visibilityTimeoutMs / 1000} s; the engine paces at 97% of GetSendQuota's MaxSendRate.`,
      'The mail-events consumer runs in the same process and competes for the same cores, as do dynalite and the local SES.',
    ],
  };
}
