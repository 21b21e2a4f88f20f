/**
 * Figure 2b of issue 4: the delivery engine sending 10,000 at 200 messages/s when the database is
 * not the bottleneck. Figure 2 (local-send.ts) runs the whole local stack and is held to ~0.1 of the
 * limit by dynalite's CPU; this variant keeps everything on the sending path real and swaps out
 * only what figure 2 showed to be the local bottleneck.
 *
 * Real: `fanOutRelease` and `sendBatch` (functions/domain/delivery), the GCRA pacer's pure
 * `reserveSlots` / `afterThrottle`, `maxSendRate` reading GetSendQuota, `SesMailer` over
 * `@aws-sdk/client-ses` with `sesRetryStrategy()`, and the local SES over HTTP on 127.0.0.1, whose
 * record gives every figure. The send queue is the local runner's `LocalQueue` (SQS-like batches of
 * 10, N batches in flight, `delaySeconds` honoured). In memory: the stores (tests/helpers/fakes.ts)
 * and the pacer's state, which the DynamoDB gate would keep in one item.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { SESClient } from '@aws-sdk/client-ses';
import type { SQSEvent } from 'aws-lambda';
import type { JobQueue } from '../functions/domain/ports';
import type { Mailer, SendJob, SendRateGate } from '../functions/domain/delivery/ports';
import type { MemberSummary } from '../functions/domain/subscriber/ports';
import { fanOutRelease } from '../functions/domain/delivery/fan-out';
import { sendBatch, type SendEmailDeps } from '../functions/domain/delivery/send-email';
import { MailerThrottledError } from '../functions/domain/delivery/errors';
import { afterThrottle, initialRateState, reserveSlots, throttleReading, throttleVerdict, type RateState, type ThrottleReading } from '../functions/domain/delivery/send-rate';
import { sumCounts, type ReleaseCounts } from '../functions/domain/delivery/release-stats';
import { newRelease } from '../functions/domain/release/release';
import { parseReleaseInput } from '../functions/domain/release/release-input';
import { SendStatus } from '../functions/domain/release/send-status';
import { MembershipStatus } from '../functions/domain/subscriber/subscriber';
import { parseKeyring } from '../functions/domain/security/link-tokens';
import { MjmlRenderer } from '../functions/adapters/render/mjml-renderer';
import { SesMailer } from '../functions/adapters/ses/ses-mailer';
import { sesRetryStrategy } from '../functions/adapters/ses/retry-strategy';
import { maxSendRate } from '../functions/adapters/ses/send-quota';
import { LocalQueue } from '../functions/local/local-queue';
import { LOCAL_CLIENT_CONFIG } from '../functions/local/dynamo';
import { startLocalSes, type LocalSesOptions, type LocalSesStats } from '../functions/local/ses-server';
import { systemClock } from '../functions/runtime/adapters';
import {
  MemoryDeliveryStore, MemoryFanOutPlanStore, MemoryReleaseStatsStore, MemoryReleaseStore, MemorySubscriberStore,
} from '../tests/helpers/fakes';
import { achievedRate, checkSend, readSesRecord, type SesRecord, type SesRecordSource } from './local-send';
import { summarise, type BenchResult, type BenchRow } from './result';
import { fixedListNames } from '../functions/domain/lists/list-names';

export interface EngineSendOptions {
  subscribers: number;
  /** Messages per second the local SES enforces and reports through GetSendQuota. */
  rate: number;
  /** Send batches in flight at once (the event source's maximum concurrency): one send per entry. */
  workers: number[];
  /** Jobs per batch, as the SQS event source's batch size (10 in infra/messaging.ts). */
  batchSize: number;
  /** How soon a failed job comes back. */
  visibilityTimeoutMs: number;
  /**
   * Where the local SES runs: `own` on a worker thread (SES is another service on AWS, and its
   * HTTP, MIME parsing and file writes then take the second core), `shared` on the engine's thread.
   */
  sesThread: 'own' | 'shared';
  /** Rounds of warm-up messages sent to the local SES before the clock starts (see warmUpSes). */
  warmUpRounds: number;
}

const DEFAULTS: EngineSendOptions = {
  subscribers: 10_000, rate: 200, workers: [2, 4], batchSize: 10, visibilityTimeoutMs: 5_000, sesThread: 'own', warmUpRounds: 3,
};

const LIST = 'blog';
const PUBLIC_URL = 'https://news.example.org';
const TEMPLATES_DIR = fileURLToPath(new URL('../templates', import.meta.url));
// The histogram records the whole timer period; the delay is what exceeds it.
const LOOP_RESOLUTION_MS = 2;
const loopDelay = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
const quiet = { info() {}, warn() {}, error: (m: string, a?: unknown) => console.error(m, a) };

/**
 * The pacer's state in memory, shared by every worker of this process: the same pure steps as
 * `DynamoSendRateGate` (functions/adapters/dynamodb/send-rate-gate.ts), without the read and
 * conditional write around them.
 */
class MemorySendRateGate implements SendRateGate {
  state?: RateState;
  slowDowns = 0;
  /** How the pacer answered each throttle report: cut as jitter, cut as a too-high rate, or part of a burst it had answered. */
  responses = { isolated: 0, repeated: 0, sameBurst: 0 };
  /** Time no slot was reserved for because no worker asked (every worker busy elsewhere). */
  idleMs = 0;

  constructor(
    private readonly maxRate: () => Promise<number | undefined>,
    /** Overrides the pause after a throttle (THROTTLE_PAUSE_MS), to measure another value; unset = the engine's. */
    private readonly throttlePauseMs?: number,
  ) {}

  async reserve(count: number, now: Date): Promise<Date[]> {
    const maxRate = await this.maxRate();
    if (!maxRate || maxRate <= 0) return Array.from({ length: count }, () => now);
    const at = Math.max(now.getTime(), Date.now());
    // Slots start at the pacer's next free time or now, whichever is later: a gap is rate nobody used.
    if (this.state && this.state.tat < at) this.idleMs += at - this.state.tat;
    if (process.env.IDLE_DEBUG && this.state && this.state.tat < at) console.error("IDLE", Date.now(), (at - this.state.tat).toFixed(1));
    const { slots, next } = reserveSlots(this.state ?? initialRateState(at), count, maxRate, at);
    this.state = next;
    return slots.map((ms) => new Date(ms));
  }

  async slowDown(now: Date): Promise<ThrottleReading> {
    const at = Math.max(now.getTime(), Date.now());
    this.slowDowns++;
    const state = this.state ?? initialRateState(at);
    const next = afterThrottle(state, at);
    const verdict = throttleVerdict(state, at);
    this.responses[verdict === 'same-burst' ? 'sameBurst' : verdict === 'too-fast' ? 'repeated' : 'isolated']++;
    this.state = this.throttlePauseMs === undefined ? next : { ...next, tat: Math.max(state.tat, at + this.throttlePauseMs) };
    return throttleReading(state, at);
  }
}

/**
 * The fake keeps every increment and sums them all on each read: O(sends) a read, which grew to the
 * heaviest cost of the engine thread on a 10,000 send. The DynamoDB store answers each increment of
 * a begun release with its totals from one item; this keeps a running total and does the same.
 * Figure 7 (million.ts) uses it too.
 */
export class RunningReleaseStatsStore extends MemoryReleaseStatsStore {
  private readonly totals = new Map<string, ReleaseCounts>();

  async increment(releaseId: string, counts: Partial<ReleaseCounts>): Promise<ReleaseCounts | void> {
    const total = sumCounts([this.totals.get(releaseId) ?? {}, counts]);
    this.totals.set(releaseId, total);
    if (this.begun.has(releaseId)) return { ...total };
  }

  async begin(releaseId: string) {
    if (!this.totals.has(releaseId)) this.begun.add(releaseId);
  }

  async get(releaseId: string) {
    return sumCounts([this.totals.get(releaseId) ?? {}]);
  }
}

/**
 * The fake builds and filters every membership on each page the planner asks for: O(list) a page,
 * O(list²) a fan-out, which kept the engine's thread busy for the first ~10 s of a 10,000 send while
 * the workers were already sending (the DynamoDB store reads one page with one Query). This lists a
 * list's members once; nobody joins or leaves during the benchmark.
 */
class ListedSubscriberStore extends MemorySubscriberStore {
  private readonly listed = new Map<string, MemberSummary[]>();

  async pageMembers(listId: string, cursor: string | undefined, limit: number) {
    let members = this.listed.get(listId);
    if (!members) {
      members = [...this.subscribers.values()].flatMap((s) =>
        s.memberships.filter((m) => m.listId === listId).map((m) => ({ subscriberId: s.id, ...m, suppressed: !!s.suppressedAt })),
      );
      this.listed.set(listId, members);
    }
    const start = cursor ? Number(cursor) : 0;
    return { members: members.slice(start, start + limit), cursor: start + limit < members.length ? String(start + limit) : undefined };
  }
}

/** A local SES this run talks to over HTTP, on this thread or its own. */
interface SesHost {
  endpoint: string;
  /** Busy time of the SES's own thread so far; undefined when it shares the engine's. */
  utilization(): EventLoopUtilization | undefined;
  /** Stops the server and returns what it recorded. */
  finish(): Promise<SesRecordSource>;
}

interface SesRecordCopy {
  messages: { to: string[]; acceptedAtMs?: number }[];
  stats: LocalSesStats;
}

const recordFrom = (copy: SesRecordCopy): SesRecordSource => ({ mailbox: { list: () => copy.messages }, stats: () => copy.stats });

async function sesOnThisThread(options: LocalSesOptions): Promise<SesHost> {
  const ses = await startLocalSes(options);
  return {
    endpoint: ses.endpoint,
    utilization: () => undefined,
    async finish() {
      const copy = { messages: ses.mailbox.list(), stats: ses.stats() };
      await ses.close();
      return recordFrom(copy);
    },
  };
}

/**
 * Runs `startLocalSes` on a worker thread: this module is the worker's entry (see the end of the
 * file). tsx's loader hooks do not reach worker threads on Node 20 (privatenumber/tsx#354), so the
 * worker registers them itself before importing this TypeScript file.
 */
async function sesOnOwnThread(options: LocalSesOptions): Promise<SesHost> {
  const entry = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(entry, { eval: true, workerData: { localSes: options } });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  const { endpoint } = await next<{ endpoint: string }>();
  return {
    endpoint,
    utilization: () => worker.performance.eventLoopUtilization(),
    async finish() {
      const reply = next<SesRecordCopy>();
      worker.postMessage('finish');
      const copy = await reply;
      await worker.terminate();
      return recordFrom(copy);
    },
  };
}

/** The worker side of {@link sesOnOwnThread}. */
async function serveLocalSes(options: LocalSesOptions): Promise<void> {
  const ses = await startLocalSes(options);
  parentPort!.once('message', async () => {
    const copy: SesRecordCopy = { messages: ses.mailbox.list().map(({ to, acceptedAtMs }) => ({ to, acceptedAtMs })), stats: ses.stats() };
    await ses.close();
    parentPort!.postMessage(copy);
  });
  parentPort!.postMessage({ endpoint: ses.endpoint });
}

export interface EngineSendMeasurement extends SesRecord {
  subscribers: number;
  rate: number;
  workers: number;
  batchSize: number;
  sesThread: EngineSendOptions['sesThread'];
  /** From the fan-out's start until the send queue is empty. */
  startToDrainedMs: number;
  /** CPU of this whole process (engine, SDK client, local SES, queue, stores) over that time. */
  processCpuMs: number;
  /** Busy (not idle) time of the engine's event loop, and of the local SES's when it has its own thread. */
  engineBusyMs: number;
  sesBusyMs?: number;
  /** Jobs `sendBatch` put back on the queue with a delay (throttled, or behind a throttle in their batch). */
  requeued: number;
  /** Receives that failed (returned after the visibility timeout) and messages dead-lettered. */
  failedReceives: number;
  deadLetters: number;
  releaseStatus: string;
  countedSent: number;
  /** The pacer's rate factor at the end (1 = full rate). */
  finalFactor: number;
  /** How the pacer answered the throttle reports (see MemorySendRateGate.responses). */
  throttleResponses: { isolated: number; repeated: number; sameBurst: number };
  /** Time the pacer had slots to give and no worker asked for them (MemorySendRateGate.idleMs). */
  pacerIdleMs: number;
  /** How long after its reserved slot each send started, ms. */
  lateMs: { median: number; p95: number; max: number };
  /** Sends that started more than one slot interval after their slot. */
  lateByAnInterval: number;
  /** The longest stretch without an acceptance, and the time spent in stretches of 500 ms or more. */
  longestGapMs: number;
  pausedMs: number;
  /** Every acceptance instant (epoch ms, ascending), for a closer look at the timeline. */
  acceptances: number[];
  /** SendRawEmail round trip through the SDK to the local SES, ms. */
  sesRoundTripMs: { median: number; p95: number };
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  load: { before: number; after: number };
}

function seed(subscribers: MemorySubscriberStore, count: number, now: Date): string[] {
  const emails: string[] = [];
  for (let i = 0; i < count; i++) {
    // ULID-length ids, as Pressroom's are, so tokens and tags have their real size.
    const id = `01JENGINE${String(i).padStart(17, '0')}`;
    const email = `reader.${i}@example.com`;
    // Straight into the fake's map: its addConfirmed looks the address up with a scan, O(n²) for a list.
    subscribers.subscribers.set(id, {
      id, email, createdAt: now.toISOString(), memberships: [{ listId: LIST, status: MembershipStatus.Confirmed, changedAt: now.toISOString() }],
    });
    emails.push(email);
  }
  return emails;
}

/** A proposed change to the engine, or another network, measured against the same harness. */
export interface EngineVariant {
  /** Another `sendBatch`, e.g. a patched copy of send-email.ts. */
  sendBatch?: typeof sendBatch;
  /** Another pause after a throttle than the engine's THROTTLE_PAUSE_MS. */
  throttlePauseMs?: number;
  /** Added before each SendRawEmail, to stand in for the network between a Lambda and SES (0 locally). */
  sesLatencyMs?: number;
}

/** Messages sent to the local SES in each warm-up round (rounds are a second apart), at most three quarters of the rate. */
const WARM_UP_PER_ROUND = 150;

/**
 * Warms the local SES before the measured send: its thread is a fresh V8 isolate for each run, and
 * SES itself is never cold. (The engine's own thread still warms up during the send's first
 * seconds, which shows as "pacer idle"; docs/benchmarks.md, figure 2b.) Each round sends one message
 * at a time, at most three quarters of the rate, and the last one ends over a second before the send
 * starts, so the sliding window is empty again.
 */
async function warmUpSes(mailer: Mailer, rounds: number, rate: number): Promise<{ addresses: Set<string>; throttled: number }> {
  const perRound = Math.min(WARM_UP_PER_ROUND, Math.floor(rate * 0.75));
  const addresses = new Set<string>();
  let throttled = 0;
  const body = `${'Warming up the local SES before the measured send.\r\n'.repeat(260)}`; // ~13 KB, like the release
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < perRound; i++) {
      const to = `warm-up.${round}.${i}@example.net`;
      addresses.add(to);
      const raw = Buffer.from(`From: bench@example.org\r\nTo: ${to}\r\nSubject: warm-up\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`);
      try {
        await mailer.sendRaw({ from: 'bench@example.org', to, raw });
      } catch (error) {
        if (!(error instanceof MailerThrottledError)) throw error;
        throttled++;
      }
    }
    // A second after its last send a round has left the window.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  }
  return { addresses, throttled };
}

/** The local SES's record without the warm-up's messages and counts. */
function withoutWarmUp(record: SesRecordSource, warmUp: { addresses: Set<string>; throttled: number }): SesRecordSource {
  const isWarmUp = (m: { to: readonly string[] }) => m.to.some((to) => warmUp.addresses.has(to));
  const warmed = record.mailbox.list().filter(isWarmUp).length;
  return {
    mailbox: { list: () => record.mailbox.list().filter((m) => !isWarmUp(m)) },
    stats: () => {
      const stats = record.stats();
      return { accepted: stats.accepted - warmed, throttled: stats.throttled - warmUp.throttled };
    },
  };
}

/**
 * The engine's thread runs ~80% busy for the first seconds of a send and ~50% afterwards (V8 still
 * compiling the SDK's and the engine's hot paths), enough to leave slots unused while it catches up.
 * A long-lived worker sends warm; this row shows the rate once it is.
 */
const STEADY_AFTER_MS = 10_000;

function steadyRate(m: Pick<EngineSendMeasurement, 'acceptances' | 'rate'>): string {
  const from = m.acceptances[0] + STEADY_AFTER_MS;
  const steady = m.acceptances.filter((t) => t >= from);
  if (steady.length < 2) return 'n/a (too short)';
  const rate = ((steady.length - 1) * 1000) / (steady.at(-1)! - steady[0]);
  return `${rate.toFixed(1)} msg/s = ${(rate / m.rate).toFixed(3)} of the limit (${steady.length} messages)`;
}

/** One send of `options.subscribers` with `options.workers` batches in flight. */
export async function measure(options: Omit<EngineSendOptions, 'workers'> & { workers: number }, variant: EngineVariant = {}): Promise<EngineSendMeasurement> {
  const { subscribers: count, rate, workers, batchSize, visibilityTimeoutMs, sesThread } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'pressroom-engine-'));
  const ses = await (sesThread === 'own' ? sesOnOwnThread : sesOnThisThread)({ dataDir, maxSendRate: rate });
  let record: SesRecordSource | undefined;
  const client = new SESClient({ ...LOCAL_CLIENT_CONFIG, endpoint: ses.endpoint, retryStrategy: sesRetryStrategy() });
  try {
    const releases = new MemoryReleaseStore();
    const subscribers = new ListedSubscriberStore();
    const releaseStats = new RunningReleaseStatsStore();
    const emails = seed(subscribers, count, systemClock.now());
    const release = newRelease(
      parseReleaseInput({ id: 'engine-send', title: 'Benchmark send', url: 'https://example.org/bench', html: '<p>Hello readers.</p>', lists: [LIST] }, new Set([LIST])),
      systemClock.now(),
    );
    await releases.create(release);

    const gate = new MemorySendRateGate(maxSendRate(client, undefined), variant.throttlePauseMs);
    const sesMailer = new SesMailer({ client });
    const roundTrips: number[] = [];
    const late: number[] = [];
    /**
     * Instruments, outside the engine: each batch gets a gate and a mailer that note the slots it
     * reserved and when each send started (each message of a batch waits for its own slot, so a
     * batch's sends start in slot order).
     */
    const instrumented = (): Pick<SendEmailDeps, 'rateGate' | 'mailer'> => {
      const slots: number[] = [];
      const rateGate: SendRateGate = {
        async reserve(n, now) {
          const reserved = await gate.reserve(n, now);
          slots.push(...reserved.map((slot) => slot.getTime()));
          return reserved;
        },
        slowDown: (now) => gate.slowDown(now),
      };
      const mailer: Mailer = {
        async sendRaw(email) {
          const slot = slots.shift();
          if (slot !== undefined) late.push(Date.now() - slot);
          const started = performance.now();
          try {
            if (variant.sesLatencyMs) await new Promise((resolve) => setTimeout(resolve, variant.sesLatencyMs));
            return await sesMailer.sendRaw(email);
          } finally {
            roundTrips.push(performance.now() - started);
          }
        },
      };
      return { rateGate, mailer };
    };
    let requeued = 0;
    let failedReceives = 0;
    // Declared before the queue that calls it; `deps` exists by the time the first batch arrives.
    const handler = async (event: SQSEvent) => {
      const jobs = event.Records.map((r) => JSON.parse(r.body) as SendJob);
      const results = await (variant.sendBatch ?? sendBatch)(jobs, { ...deps, ...instrumented() });
      const batchItemFailures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ itemIdentifier: event.Records[i].messageId }] : []));
      failedReceives += batchItemFailures.length;
      return { batchItemFailures };
    };
    const queue = new LocalQueue<SendJob>({ name: 'send', handler, visibilityTimeoutMs, maxReceiveCount: 5, batchSize, maxConcurrency: workers, logger: quiet });
    const sendQueue: JobQueue<SendJob> = {
      async send(jobs, opts) {
        // The fan-out sends without options; sendBatch puts jobs back with a delay given (0 for throttled ones).
        if (opts?.delaySeconds !== undefined) requeued += jobs.length;
        return queue.send(jobs, opts);
      },
    };
    const deps: SendEmailDeps = {
      releases,
      subscribers,
      deliveries: new MemoryDeliveryStore(),
      mailer: sesMailer,
      clock: systemClock,
      keyring: parseKeyring(`bench:${Buffer.alloc(32, 7).toString('base64')}`),
      sender: { from: { name: 'Pressroom bench', address: 'news@example.org' }, publicUrl: PUBLIC_URL, listNames: fixedListNames(new Map([[LIST, 'Blog']])) },
      templates: new Map(),
      rateGate: gate,
      releaseStats,
      sendQueue,
    };
    const renderer = new MjmlRenderer({
      templatesDir: TEMPLATES_DIR,
      brand: { organisationName: 'Pressroom bench', postalAddress: '1 Example Street, Example City', accentColour: '#b3261e' },
      publicUrl: PUBLIC_URL,
    });
    // Render before the clock starts (figure 2 counts it, but it is once per release, ~0.3 s).
    await releases.saveRendered(release.id, await renderer.render(release));
    const warmUp = await warmUpSes(sesMailer, options.warmUpRounds, rate);
    await gate.reserve(0, systemClock.now()); // reads GetSendQuota once, as the first batch would

    const loadBefore = loadavg()[0];
    const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loop.enable();
    const cpuBefore = process.cpuUsage();
    const engineBefore = performance.eventLoopUtilization();
    const sesBefore = ses.utilization();
    const started = performance.now();
    queue.start();
    await fanOutRelease(
      { releaseId: release.id },
      { releases, subscribers, renderer, sendQueue, plans: new MemoryFanOutPlanStore(), releaseStats, clock: systemClock },
    );
    if (process.env.IDLE_DEBUG) console.error('FANOUT done after', performance.now() - started);
    await queue.drain(30 * 60_000);
    const startToDrainedMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const engineBusyMs = performance.eventLoopUtilization(engineBefore).active;
    const sesNow = ses.utilization();
    const sesBusyMs = sesNow && sesBefore ? sesNow.active - sesBefore.active : undefined;
    loop.disable();
    await queue.stop();
    record = withoutWarmUp(await ses.finish(), warmUp);

    const counts = await releaseStats.get(release.id);
    const trips = summarise(roundTrips);
    const lateness = summarise(late);
    const interval = 1000 / rate;
    const times = record.mailbox.list().map((m) => m.acceptedAtMs!).sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    return {
      ...readSesRecord(record, emails),
      subscribers: count,
      rate,
      workers,
      batchSize,
      sesThread,
      startToDrainedMs,
      processCpuMs: (cpu.user + cpu.system) / 1000,
      engineBusyMs,
      sesBusyMs,
      requeued,
      failedReceives,
      deadLetters: queue.deadLetters().length,
      releaseStatus: (await releases.get(release.id))!.sendStatus,
      countedSent: counts.sent,
      finalFactor: gate.state?.factor ?? 1,
      throttleResponses: { ...gate.responses },
      pacerIdleMs: gate.idleMs,
      lateMs: { median: lateness.median, p95: lateness.p95, max: Math.max(...late) },
      lateByAnInterval: late.filter((ms) => ms > interval).length,
      longestGapMs: Math.max(...gaps),
      pausedMs: gaps.filter((gap) => gap >= 500).reduce((sum, gap) => sum + gap, 0),
      acceptances: times,
      sesRoundTripMs: { median: trips.median, p95: trips.p95 },
      eventLoopDelayMs: { p50: loopDelay(loop.percentile(50)), p99: loopDelay(loop.percentile(99)), max: loopDelay(loop.max) },
      load: { before: loadBefore, after: loadavg()[0] },
    };
  } finally {
    client.destroy();
    if (!record) await ses.finish().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function check(m: EngineSendMeasurement, label: string): string[] {
  const failures = checkSend(m, m.rate, label);
  if (m.releaseStatus !== SendStatus.Sent) failures.push(`${label}: the release ended ${m.releaseStatus}, not sent`);
  if (m.countedSent !== m.subscribers) failures.push(`${label}: ${m.countedSent} counted as sent, not ${m.subscribers}`);
  if (m.deadLetters) failures.push(`${label}: ${m.deadLetters} job(s) dead-lettered`);
  return failures;
}

const ms = (n: number) => n.toFixed(1);

function rows(m: EngineSendMeasurement): BenchRow[] {
  const achieved = achievedRate(m);
  const w = `${m.workers} workers${m.batchSize === 10 ? '' : ` × batches of ${m.batchSize}`}${m.sesThread === 'shared' ? ', SES on the engine thread' : ''}`;
  return [
    { metric: `${w}: messages accepted by the local SES`, value: String(m.accepted), target: String(m.subscribers) },
    { metric: `${w}: achieved rate, first to last acceptance`, value: `${achieved.toFixed(1)} msg/s = ${(achieved / m.rate).toFixed(3)} of the limit`, target: '≥ 0.95' },
    { metric: `${w}: the same after the first ${STEADY_AFTER_MS / 1000} s (engine thread warm)`, value: steadyRate(m) },
    { metric: `${w}: busiest one-second window`, value: `${m.busiestSecond} messages`, target: `≤ ${m.rate}` },
    { metric: `${w}: Throttling answers from SES / jobs re-enqueued after one`, value: `${m.throttled} / ${m.requeued} (rate factor at the end ${m.finalFactor.toFixed(2)})` },
    {
      metric: `${w}: pacer's answers: trimmed as jitter / halved as too fast / same burst`,
      value: `${m.throttleResponses.isolated} / ${m.throttleResponses.repeated} / ${m.throttleResponses.sameBurst}`,
    },
    { metric: `${w}: pacer idle (slots due, no worker asking)`, value: `${(m.pacerIdleMs / 1000).toFixed(1)} s` },
    { metric: `${w}: lost / duplicated`, value: `${m.lost} / ${m.duplicated}`, target: '0 / 0' },
    { metric: `${w}: failed receives / dead-lettered`, value: `${m.failedReceives} / ${m.deadLetters}` },
    { metric: `${w}: fan-out start → queue empty; first → last acceptance`, value: `${(m.startToDrainedMs / 1000).toFixed(1)} s; ${(m.firstToLastMs / 1000).toFixed(1)} s` },
    {
      metric: `${w}: process CPU (engine, SDK, local SES, queue, stores)`,
      value: `${ms(m.processCpuMs / m.accepted)} ms per email, ${((m.processCpuMs / m.startToDrainedMs) * 100).toFixed(0)}% of one core`,
    },
    {
      metric: `${w}: busy event-loop time per email, engine thread${m.sesBusyMs === undefined ? ' (local SES included)' : ' / local SES thread'}`,
      value: `${ms(m.engineBusyMs / m.accepted)}${m.sesBusyMs === undefined ? '' : ` / ${ms(m.sesBusyMs / m.accepted)}`} ms (engine thread busy ${((m.engineBusyMs / m.startToDrainedMs) * 100).toFixed(0)}% of the time)`,
    },
    { metric: `${w}: SendRawEmail round trip, median / p95`, value: `${ms(m.sesRoundTripMs.median)} / ${ms(m.sesRoundTripMs.p95)} ms` },
    {
      metric: `${w}: send start after its slot, median / p95 / max; sends over one interval late`,
      value: `${ms(m.lateMs.median)} / ${ms(m.lateMs.p95)} / ${ms(m.lateMs.max)} ms; ${m.lateByAnInterval} of ${m.accepted + m.throttled}`,
    },
    { metric: `${w}: longest pause between acceptances; time in pauses ≥ 0.5 s`, value: `${ms(m.longestGapMs)} ms; ${(m.pausedMs / 1000).toFixed(1)} s` },
    { metric: `${w}: event-loop delay p50 / p99 / max`, value: `${ms(m.eventLoopDelayMs.p50)} / ${ms(m.eventLoopDelayMs.p99)} / ${ms(m.eventLoopDelayMs.max)} ms` },
    { metric: `${w}: 1-minute load average before → after`, value: `${m.load.before.toFixed(2)} → ${m.load.after.toFixed(2)}` },
  ];
}

export async function run(options: Partial<EngineSendOptions> = {}): Promise<BenchResult> {
  const opts = { ...DEFAULTS, ...options };
  const measured: EngineSendMeasurement[] = [];
  // One after the other: they share the machine's cores and the clock.
  for (const workers of opts.workers) measured.push(await measure({ ...opts, workers }));
  const values: Record<string, number> = { subscribers: opts.subscribers, rate: opts.rate, batchSize: opts.batchSize, sesOnOwnThread: opts.sesThread === 'own' ? 1 : 0 };
  for (const m of measured) {
    const at = `_w${m.workers}`;
    Object.assign(values, {
      [`accepted${at}`]: m.accepted,
      [`achievedFraction${at}`]: achievedRate(m) / m.rate,
      [`busiestSecond${at}`]: m.busiestSecond,
      [`throttled${at}`]: m.throttled,
      [`requeued${at}`]: m.requeued,
      [`lost${at}`]: m.lost,
      [`duplicated${at}`]: m.duplicated,
      [`cpuMsPerEmail${at}`]: m.processCpuMs / m.accepted,
      [`firstToLastMs${at}`]: m.firstToLastMs,
      [`lateP95Ms${at}`]: m.lateMs.p95,
      [`pausedMs${at}`]: m.pausedMs,
      [`load1Before${at}`]: m.load.before,
    });
  }
  return {
    name: 'engine-send',
    title: `Figure 2b: the delivery engine sending ${opts.subscribers.toLocaleString('en')} at ${opts.rate} msg/s, stores in memory`,
    rows: measured.flatMap(rows),
    values,
    failures: measured.flatMap((m) => check(m, `${m.workers} workers, ${m.subscribers} at ${m.rate}/s`)),
    notes: [
      'Real: fanOutRelease and sendBatch, the GCRA pacer (reserveSlots / afterThrottle, one state shared by all workers), GetSendQuota, SesMailer over @aws-sdk/client-ses with sesRetryStrategy(), the local SES over HTTP (its record gives every figure), LocalQueue (batches of 10, delaySeconds honoured).',
      'In memory: the stores (tests/helpers/fakes.ts) and the pacer state, because dynalite is what holds figure 2 to ~0.2 of the limit on this machine (see docs/benchmarks.md, figure 2).',
      `The local SES runs ${opts.sesThread === 'own' ? 'on its own worker thread' : "on the engine's thread"} of this process: its HTTP and MIME header parsing and file writes are in the process CPU figure${opts.sesThread === 'own' ? ', not in the engine thread\'s busy time' : ''}.`,
      'Late = a send started after its reserved slot (each message of a batch waits for its own slot and sends without waiting for the previous answer).',
    ],
  };
}

// Entry point of the local SES's worker thread (sesOnOwnThread).
if (!isMainThread && (workerData as { localSes?: LocalSesOptions } | undefined)?.localSes) {
  await serveLocalSes((workerData as { localSes: LocalSesOptions }).localSes);
}
