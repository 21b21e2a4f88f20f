/**
 * Figure 7 of issue 18: a million subscribers on two lists with 20 % overlap, SES at 1,000 msg/s.
 *
 * The two lists: A holds subscribers 0 … 599,999 and B holds 400,000 … 999,999, so 200,000 (20 % of
 * the 1,000,000 unique) are on both and each list has 600,000. The engine sends each unique
 * subscriber once: the planner pages A, then B, and drops B's members it already planned through A.
 *
 * Measured (this machine, in this process):
 * - planning: the real `fanOutRelease` over both lists against in-memory stores (the harness of
 *   figure 2b: the subscriber fake's map seeded directly, each list's members listed once, a
 *   running-total stats fake), with a send queue that counts the jobs per subscriber and drops them;
 * - the engine's own CPU per email: the real `sendBatch` on a sample, with the pacer's pure
 *   `reserveSlots` over an in-memory gate and a mailer that answers after a modelled SES delay (this
 *   machine cannot push 1,000 msg/s through HTTP to the local SES; figure 2 and 2b). It counts the
 *   store and gate calls per email;
 * - requests per email for the bill: `measure()` of figure 2, the real handlers on dynalite, priced
 *   by `priceRun` (cost-model.ts), so the bill follows whatever the engine does when this runs;
 * - the stored size of one delivery's items: the real DynamoDB stores on dynalite, read back.
 *
 * Modelled: the million-email send itself, as a deterministic discrete-event simulation on a
 * simulated clock (no sleeping) with AWS latencies (SES ~40 ms, DynamoDB ~5 ms, SQS ~10 ms, each
 * ±25 % from a seeded generator), the fan-out paging as fan-out.ts does, send workers taking SQS
 * batches of 10 and stepping through them as `sendBatch` does, and the shared pacer item moved on by
 * a read and a conditional write per reservation as `DynamoSendRateGate` does, with the real
 * `reserveSlots` computing the slots.
 */
import { loadavg } from 'node:os';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { fileURLToPath } from 'node:url';
import type { JobQueue } from '../functions/domain/ports';
import type { Mailer, SendJob, SendRateGate } from '../functions/domain/delivery/ports';
import { fanOutRelease } from '../functions/domain/delivery/fan-out';
import { sendBatch, type SendEmailDeps } from '../functions/domain/delivery/send-email';
import { initialRateState, RATE_HEADROOM, reserveSlots, type RateState } from '../functions/domain/delivery/send-rate';
import { DeliveryStatus } from '../functions/domain/delivery/delivery';
import { newRelease } from '../functions/domain/release/release';
import { SendStatus } from '../functions/domain/release/send-status';
import { parseReleaseInput } from '../functions/domain/release/release-input';
import { MembershipStatus } from '../functions/domain/subscriber/subscriber';
import { parseKeyring } from '../functions/domain/security/link-tokens';
import { fixedListNames } from '../functions/domain/lists/list-names';
import { dynamoItemSize } from '../functions/adapters/dynamodb/item-size';
import { MjmlRenderer } from '../functions/adapters/render/mjml-renderer';
import { busiestWindow } from '../functions/local/ses-server';
import { timeoutSecondsOf } from '../functions/runtime/function-specs';
import { minSendConcurrency } from '../infra/send-concurrency';
import {
  MemoryDeliveryStore, MemoryFanOutPlanStore, MemoryReleaseStore, MemorySubscriberStore,
} from '../tests/helpers/fakes';
import { AWS_MODEL_MS, PRICES, priceOnAws, type CostBreakdown } from './cost-model';
import { measure as measureLocalSend } from './local-send';
import { RunningReleaseStatsStore } from './engine-send';
import { startBenchPressroom } from './local-stack';
import type { BenchResult, BenchRow } from './result';

export interface MillionOptions {
  /** Unique recipients; the lists are 60 % each of it, overlapping in 20 %. */
  unique: number;
  /** SES's maximum send rate, messages per second. */
  rate: number;
  /** Emails the real `sendBatch` sends to measure its CPU per email. */
  cpuSample: number;
  /** Subscribers and rate of figure 2's real local send whose requests price the bill; 0 = skip (no bill). */
  pricedRun: { subscribers: number; rate: number } | 0;
  /** Read the real delivery items' sizes back from dynalite (false: the smoke test's shortcut). */
  measureItems: boolean;
  /**
   * Send workers in the simulation; default sized to the modelled batch ({@link sizedWorkers}). The
   * stack's floor, `minSendConcurrency(rate)` (infra/send-concurrency.ts, 300 ms of overhead per
   * batch to leave room for cold workers), is simulated beside it.
   */
  workers?: number;
}

const DEFAULTS: MillionOptions = { unique: 1_000_000, rate: 1_000, cpuSample: 20_000, pricedRun: { subscribers: 1_500, rate: 100 }, measureItems: true };

/** Modelled AWS latencies (ms): one request's round trip from a Lambda in the same region. */
export const LATENCY_MS = { ses: 40, dynamo: 5, sqs: 10 } as const;
/** Each modelled latency varies uniformly by this share either side, from a seeded generator. */
const JITTER = 0.25;
const BATCH = 10;
/**
 * A send batch's time outside its slots in the simulation (status read, subscriber reads and claims,
 * the pacer's read and write, the last SES answer and sent record, the count, receipt and release
 * read), with room for jitter: ~100 ms modelled, 130 ms allowed.
 */
const MODELLED_BATCH_OVERHEAD_MS = 130;

/** Workers that keep `rate` filled with batches of {@link BATCH} taking the modelled overhead (the formula of infra/send-concurrency.ts). */
export const sizedWorkers = (rate: number) => Math.max(2, Math.ceil(1 + (rate * MODELLED_BATCH_OVERHEAD_MS) / (BATCH * 1000)));

/** Mail events per invocation on AWS (infra/messaging.ts MAIL_EVENTS_BATCH). */
const MAIL_EVENTS_BATCH = 100;
const PAGE = 100;
const LAMBDA_GB = 0.5;
/** DynamoDB standard table class storage, us-east-1 (docs/benchmarks.md, Figure 8). */
export const DYNAMO_STORAGE_PER_GB_MONTH = 0.25;
/** DynamoDB bills 100 bytes of index overhead per item on top of its size. */
const ITEM_OVERHEAD_BYTES = 100;
/** Lambda's init before the handler module's import on a cold worker (docs/benchmarks.md, Figure 8). */
const LAMBDA_INIT_MS = 150;
/** The send-email bundle's import, figure 5's recorded median. */
const SEND_IMPORT_MS = 65;
/** The status read in a batch is reused for this long (send-email.ts DEFAULT_STATUS_MAX_AGE_MS). */
const STATUS_MAX_AGE_MS = 1000;

const LISTS = ['list-a', 'list-b'] as const;
const PUBLIC_URL = 'https://news.example.org';
const TEMPLATES_DIR = fileURLToPath(new URL('../templates', import.meta.url));

/** The two lists for `unique` recipients: A = [0, 0.6 n), B = [0.4 n, n), both = [0.4 n, 0.6 n). */
export function listRanges(unique: number) {
  const aEnd = Math.round(unique * 0.6);
  const bStart = Math.round(unique * 0.4);
  return { a: [0, aEnd] as const, b: [bStart, unique] as const, overlap: aEnd - bStart };
}

const subscriberId = (i: number) => `01JMILLION${String(i).padStart(16, '0')}`;
const indexOf = (id: string) => Number(id.slice(10));

/**
 * The fake filters and sorts every subscriber on each page, O(list) a page: this lists each list's
 * confirmed members once (nobody joins or leaves during the benchmark), as the DynamoDB store reads
 * one page with one Query.
 */
class ListedSubscriberStore extends MemorySubscriberStore {
  private readonly listed = new Map<string, string[]>();
  async pageConfirmedMembers(listId: string, cursor: string | undefined, limit: number) {
    let ids = this.listed.get(listId);
    if (!ids) {
      ids = [...this.subscribers.values()].filter((s) => s.memberships.some((m) => m.listId === listId && m.status === MembershipStatus.Confirmed)).map((s) => s.id).sort();
      this.listed.set(listId, ids);
    }
    const start = cursor ? Number(cursor) : 0;
    return { subscriberIds: ids.slice(start, start + limit), cursor: start + limit < ids.length ? String(start + limit) : undefined };
  }
}

/** Straight into the fake's map (its addConfirmed scans for the address: O(n²) for a list). */
function seed(store: MemorySubscriberStore, unique: number, at: Date): void {
  const { a, b } = listRanges(unique);
  const changedAt = at.toISOString();
  for (let i = 0; i < unique; i++) {
    const memberships = LISTS.filter((_, k) => i >= [a, b][k][0] && i < [a, b][k][1]).map((listId) => ({ listId, status: MembershipStatus.Confirmed, changedAt }));
    const id = subscriberId(i);
    store.subscribers.set(id, { id, email: `reader.${i}@example.com`, createdAt: changedAt, memberships });
  }
}

export interface PlanningMeasurement {
  unique: number;
  listSizes: [number, number];
  overlap: number;
  seedMs: number;
  planMs: number;
  planCpuMs: number;
  jobs: number;
  /** Unique subscribers with no job, and with more than one. */
  missing: number;
  duplicated: number;
  pages: number;
  peakRssMiB: number;
}

/** The real planner over both lists; the send queue counts each subscriber's jobs and drops them. */
export async function measurePlanning(unique: number): Promise<{ planning: PlanningMeasurement; stores: { subscribers: ListedSubscriberStore } }> {
  const { a, b, overlap } = listRanges(unique);
  const now = new Date();
  const subscribers = new ListedSubscriberStore();
  let started = performance.now();
  seed(subscribers, unique, new Date(now.getTime() - 60_000));
  const seedMs = performance.now() - started;
  const releases = new MemoryReleaseStore();
  const release = newRelease(
    parseReleaseInput({ id: 'million', title: 'A million', url: 'https://example.org/m', html: '<p>Hello readers.</p>', lists: [...LISTS] }, new Set(LISTS)),
    now,
  );
  await releases.create(release);
  // Rendered beforehand: the figure is planning (figure 8 times the render).
  await releases.saveRendered(release.id, { subject: 'A million', html: '<p>Hello</p>', text: 'Hello' });
  const jobsPer = new Uint8Array(unique);
  let jobs = 0;
  const sendQueue: JobQueue<SendJob> = {
    async send(batch) {
      jobs += batch.length;
      for (const job of batch) jobsPer[indexOf(job.subscriberId)]++;
    },
  };
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const cpu = process.cpuUsage();
  started = performance.now();
  const result = await fanOutRelease(
    { releaseId: release.id },
    { releases, subscribers, renderer: { render: () => Promise.reject(new Error('rendered beforehand')) } as never, sendQueue, plans: new MemoryFanOutPlanStore(), releaseStats: new RunningReleaseStatsStore(), clock: { now: () => new Date() } },
  );
  const planMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  let missing = 0;
  let duplicated = 0;
  for (const n of jobsPer) {
    if (n === 0) missing++;
    else duplicated += n - 1;
  }
  return {
    planning: {
      unique, listSizes: [a[1] - a[0], b[1] - b[0]], overlap, seedMs, planMs, planCpuMs: (used.user + used.system) / 1000, jobs, missing, duplicated, pages: result.pages,
      peakRssMiB: Math.max(peakRss, process.memoryUsage().rss) / 2 ** 20,
    },
    stores: { subscribers },
  };
}

/** Wraps an object so every method call counts under `<name>.<method>`. */
function counting<T extends object>(name: string, target: T, counts: Map<string, number>): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        counts.set(`${name}.${prop}`, (counts.get(`${name}.${prop}`) ?? 0) + 1);
        return value.apply(obj, args);
      };
    },
  });
}

export interface EngineCpuMeasurement {
  emails: number;
  sent: number;
  /** Process CPU (engine, fakes, timers) per email, ms; and the engine thread's busy time per email. */
  cpuMsPerEmail: number;
  busyMsPerEmail: number;
  /** Store and gate calls per email, by `<store>.<method>`. */
  callsPerEmail: Record<string, number>;
}

/**
 * The real `sendBatch` over `emails` of the seeded subscribers with the pacer's pure `reserveSlots`
 * behind an in-memory gate, and a mailer answering after the modelled SES delay. Slots are not
 * waited for (`wait` returns at once): this measures the engine's CPU, not the rate.
 */
export async function measureEngineCpu(subscribers: MemorySubscriberStore, emails: number, rate: number): Promise<EngineCpuMeasurement> {
  const counts = new Map<string, number>();
  const now = () => new Date();
  const release = newRelease(
    parseReleaseInput({ id: 'million-cpu', title: 'A million', url: 'https://example.org/m', html: '<p>Hello readers.</p>', lists: [...LISTS] }, new Set(LISTS)),
    now(),
  );
  const releases = new MemoryReleaseStore();
  await releases.create(release);
  const renderer = new MjmlRenderer({
    templatesDir: TEMPLATES_DIR,
    brand: { organisationName: 'Pressroom bench', postalAddress: '1 Example Street, Example City', accentColour: '#b3261e' },
    publicUrl: PUBLIC_URL,
  });
  await releases.saveRendered(release.id, await renderer.render(release));
  await releases.transition(release.id, [release.sendStatus], SendStatus.Sending, now());
  // Planning finished, so each batch's completion check reads the counters as it does on a real send.
  await releases.markPlanningFinished(release.id, subscribers.subscribers.size, now());
  let state: RateState | undefined;
  const gate: SendRateGate = {
    async reserve(count, at) {
      const { slots, next } = reserveSlots(state ?? initialRateState(at.getTime()), count, rate, at.getTime());
      state = next;
      return slots.map((ms) => new Date(ms));
    },
    async slowDown() {
      return 'jitter';
    },
  };
  let sent = 0;
  const mailer: Mailer = {
    sendRaw: () => new Promise((resolve) => setTimeout(() => resolve({ messageId: `m-${++sent}` }), LATENCY_MS.ses)),
  };
  // Counted since before the send, as the fan-out makes it: each count write answers with the totals.
  const stats = new RunningReleaseStatsStore();
  await stats.begin(release.id);
  const deps: SendEmailDeps = {
    releases: counting('releases', releases, counts),
    subscribers: counting('subscribers', subscribers, counts),
    deliveries: counting('deliveries', new MemoryDeliveryStore(), counts),
    releaseStats: counting('releaseStats', stats, counts),
    rateGate: counting('pacer', gate, counts),
    sendQueue: counting('sendQueue', { send: async () => undefined } as JobQueue<SendJob>, counts),
    mailer,
    clock: { now },
    wait: async () => undefined,
    keyring: parseKeyring(`bench:${Buffer.alloc(32, 7).toString('base64')}`),
    sender: { from: { name: 'Pressroom bench', address: 'news@example.org' }, publicUrl: PUBLIC_URL, listNames: fixedListNames(new Map([['list-a', 'List A'], ['list-b', 'List B']])) },
    templates: new Map(),
  };
  // Jobs as the planner makes them: a member of both lists through list A.
  const { a } = listRanges(subscribers.subscribers.size);
  const job = (i: number): SendJob => ({ releaseId: release.id, subscriberId: subscriberId(i), listId: i < a[1] ? 'list-a' : 'list-b' });
  // Warm the engine's hot paths first, as a long-lived worker is; then measure.
  const warm = Math.min(1_000, Math.floor(emails / 10));
  const runBatches = async (from: number, to: number) => {
    const inFlight = 50;
    let next = from;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next < to) {
        const start = next;
        next = Math.min(to, next + BATCH);
        await sendBatch(Array.from({ length: next - start }, (_, k) => job(start + k)), deps);
      }
    }));
  };
  await runBatches(0, warm);
  counts.clear();
  const sentBefore = sent;
  const cpu = process.cpuUsage();
  const busy = performance.eventLoopUtilization();
  await runBatches(warm, warm + emails);
  const used = process.cpuUsage(cpu);
  const busyMs = performance.eventLoopUtilization(busy).active;
  const measured = sent - sentBefore;
  return {
    emails,
    sent: measured,
    cpuMsPerEmail: (used.user + used.system) / 1000 / emails,
    busyMsPerEmail: busyMs / emails,
    callsPerEmail: Object.fromEntries([...counts].sort().map(([k, n]) => [k, n / emails])),
  };
}

/** Mulberry32: a small seeded generator, so the simulation gives the same figures every run. */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A min-heap of events on the simulated clock; ties keep their scheduling order. */
class Events {
  private readonly heap: { at: number; seq: number; run: () => void }[] = [];
  private seq = 0;
  now = 0;
  at(at: number, run: () => void) {
    const item = { at: Math.max(at, this.now), seq: this.seq++, run };
    const h = this.heap;
    h.push(item);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (h[p].at < item.at || (h[p].at === item.at && h[p].seq < item.seq)) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }
  run(): void {
    const h = this.heap;
    while (h.length) {
      const top = h[0];
      const last = h.pop()!;
      if (h.length) {
        h[0] = last;
        for (let i = 0; ; ) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          const less = (x: number, y: number) => h[x].at < h[y].at || (h[x].at === h[y].at && h[x].seq < h[y].seq);
          if (l < h.length && less(l, m)) m = l;
          if (r < h.length && less(r, m)) m = r;
          if (m === i) break;
          [h[m], h[i]] = [h[i], h[m]];
          i = m;
        }
      }
      this.now = top.at;
      top.run();
    }
  }
}

export interface SimulationInput {
  unique: number;
  rate: number;
  workers: number;
  /** The engine's own CPU per email (measured), added to each batch's preparation. */
  cpuMsPerEmail: number;
  /** The fan-out's SendMessageBatch calls of a page: one after another (SqsQueue today) or all at once. */
  enqueue: 'sequential' | 'parallel';
  seed?: number;
}

export interface SimulationResult {
  sent: number;
  /** Subscribers sent 0 times, or more than once. */
  missing: number;
  duplicated: number;
  /** Fan-out start → last SES acceptance, ms; and first → last acceptance. */
  sendMs: number;
  firstToLastMs: number;
  planningMs: number;
  busiestSecond: number;
  pacer: { reservations: number; conflicts: number; writesPerSecondMean: number; writesPerSecondPeak: number };
  sendInvocations: number;
  /** Busy send-worker time (billed), ms, and the part of it spent waiting for rate slots. */
  sendBusyMs: number;
  slotWaitMs: number;
  concurrency: { peak: number; mean: number };
  fanOutInvocations: number;
  fanOutBusyMs: number;
}

/**
 * The million-email send on a simulated clock. The fan-out pages list A then list B (PAGE members a
 * page: a status read from the second page on, the Query, for B the BatchGet of who was on A, one
 * SendMessageBatch per 10 jobs, the checkpoint and the targeted counter), handing over to a new
 * invocation when its time budget runs out. Each send worker takes up to 10 visible jobs and does
 * what `sendBatch` does: the release status read; per job the subscriber read then the claim; the
 * engine's CPU; one pacer reservation (a consistent read, then a conditional write that fails if
 * another reservation wrote in between, retried after a random 0–5·attempt ms as the gate does);
 * each message at its own slot (a status re-read when the last is older than 1 s), the SES call,
 * the sent record; then the counter write, the counted marks, the completion check's two reads.
 */
export function simulateSend(input: SimulationInput): SimulationResult {
  const { unique, rate, workers } = input;
  const random = seeded(input.seed ?? 18);
  const lat = (base: number) => base * (1 - JITTER + 2 * JITTER * random());
  const ddb = () => lat(LATENCY_MS.dynamo);
  const ev = new Events();
  const { a, b } = listRanges(unique);

  // The send queue: ranges of subscriber indexes, visible from a time on.
  const queue: { from: number; to: number; visibleAt: number }[] = [];
  let head = 0;
  const waiting: (() => void)[] = [];
  const enqueue = (from: number, to: number, at: number) => {
    queue.push({ from, to, visibleAt: at });
    ev.at(at, () => waiting.splice(0).forEach((wake) => wake()));
  };

  // The fan-out.
  const budgetMs = (timeoutSecondsOf('fan-out') - 20) * 1000;
  let fanOutInvocations = 1;
  let fanOutBusyMs = 0;
  let planningMs = 0;
  const pages: { from: number; to: number; list: 0 | 1 }[] = [];
  for (let i = a[0]; i < a[1]; i += PAGE) pages.push({ from: i, to: Math.min(a[1], i + PAGE), list: 0 });
  for (let i = b[0]; i < b[1]; i += PAGE) pages.push({ from: i, to: Math.min(b[1], i + PAGE), list: 1 });
  {
    // Start: release read, sending transition, plan claim.
    let t = 3 * ddb();
    let invocationStart = 0;
    pages.forEach((page, p) => {
      if (t - invocationStart >= budgetMs) {
        // Continuation: release the plan, enqueue the next job; SQS hands it to a warm worker.
        t += ddb() + lat(LATENCY_MS.sqs);
        fanOutBusyMs += t - invocationStart;
        t += lat(LATENCY_MS.sqs);
        invocationStart = t;
        fanOutInvocations++;
        t += 2 * ddb(); // release read, plan claim
      }
      if (p > 0) t += ddb(); // status read
      t += ddb(); // Query
      // Who of B's page was on A already (planned through A): the BatchGet, then only the rest.
      const from = page.list === 1 ? Math.max(page.from, a[1]) : page.from;
      if (page.list === 1) t += ddb();
      const recipients = Math.max(0, page.to - from);
      const calls = Math.ceil(recipients / BATCH);
      const chunk = (c: number) => [from + c * BATCH, Math.min(page.to, from + (c + 1) * BATCH)] as const;
      if (input.enqueue === 'parallel' && calls > 0) {
        // All of a page's calls at once: the page waits for the slowest.
        t += Math.max(...Array.from({ length: calls }, () => lat(LATENCY_MS.sqs)));
        for (let c = 0; c < calls; c++) enqueue(...chunk(c), t);
      } else {
        for (let c = 0; c < calls; c++) {
          t += lat(LATENCY_MS.sqs);
          enqueue(...chunk(c), t);
        }
      }
      t += ddb(); // checkpoint
      if (recipients) t += ddb(); // targeted counter
    });
    t += 3 * ddb(); // planning finished, completion check, plan release
    planningMs = t;
    fanOutBusyMs += t - invocationStart;
  }

  // The pacer item: its state, version, and every write attempt's time.
  let pacer: RateState | undefined;
  let version = 0;
  let reservations = 0;
  let conflicts = 0;
  const pacerWrites: number[] = [];
  const reserve = (count: number, attempt: number, done: (slots: number[]) => void) => {
    const readAt = ev.now + lat(LATENCY_MS.dynamo) / 2;
    ev.at(readAt, () => {
      const seen = version;
      const state = pacer ?? initialRateState(ev.now);
      const now = ev.now + lat(LATENCY_MS.dynamo) / 2; // the read's answer is back
      const { slots, next } = reserveSlots(state, count, rate, now);
      ev.at(now + lat(LATENCY_MS.dynamo) / 2, () => {
        pacerWrites.push(ev.now);
        if (version !== seen) {
          conflicts++;
          const backoff = random() * 5 * (attempt + 1);
          ev.at(ev.now + lat(LATENCY_MS.dynamo) / 2 + backoff, () => reserve(count, attempt + 1, done));
          return;
        }
        version++;
        pacer = next;
        reservations++;
        ev.at(ev.now + lat(LATENCY_MS.dynamo) / 2, () => done(slots));
      });
    });
  };

  const sentCount = new Uint8Array(unique);
  const accepted = new Float64Array(unique);
  let acceptedN = 0;
  let sendInvocations = 0;
  let sendBusyMs = 0;
  let slotWaitMs = 0;
  let busy = 0;
  let peak = 0;
  let lastChange = 0;
  let busyIntegral = 0;
  const setBusy = (delta: number) => {
    busyIntegral += busy * (ev.now - lastChange);
    lastChange = ev.now;
    busy += delta;
    peak = Math.max(peak, busy);
  };

  const take = (): number[] | undefined => {
    const ids: number[] = [];
    while (ids.length < BATCH && head < queue.length && queue[head].visibleAt <= ev.now) {
      const range = queue[head];
      const n = Math.min(BATCH - ids.length, range.to - range.from);
      for (let k = 0; k < n; k++) ids.push(range.from + k);
      range.from += n;
      if (range.from >= range.to) head++;
    }
    return ids.length ? ids : undefined;
  };

  const worker = (cold: boolean) => {
    const ids = take();
    if (!ids) {
      // Every job planned (the fan-out scheduled them all up front) has been taken: this worker stops.
      if (head >= queue.length) return;
      waiting.push(() => ev.at(ev.now + lat(LATENCY_MS.sqs), () => worker(cold)));
      return;
    }
    const start = ev.now + (cold ? LAMBDA_INIT_MS + SEND_IMPORT_MS : 0);
    sendInvocations++;
    setBusy(1);
    // Status read, then per job subscriber read → claim (all jobs at once), then the engine's CPU.
    let statusAt = start + ddb();
    const prepared = statusAt + Math.max(...ids.map(() => ddb() + ddb())) + input.cpuMsPerEmail * ids.length;
    ev.at(prepared, () =>
      reserve(ids.length, 0, (slots) => {
        const reservedAt = ev.now;
        let pending = ids.length;
        let lastEnd = reservedAt;
        ids.forEach((id, n) => {
          const slot = Math.max(slots[n], reservedAt);
          // The batch waits as long as its last slot is away (its messages wait side by side).
          if (n === ids.length - 1) slotWaitMs += slot - reservedAt;
          let sendAt = slot;
          if (slot - statusAt > STATUS_MAX_AGE_MS) {
            sendAt += ddb();
            statusAt = slot;
          }
          const ses = lat(LATENCY_MS.ses);
          // SES counts the message when the request reaches it: half the round trip.
          accepted[acceptedN++] = sendAt + ses / 2;
          sentCount[id]++;
          const end = sendAt + ses + ddb(); // the sent record
          lastEnd = Math.max(lastEnd, end);
          if (--pending === 0) {
            // Counter write (answering with the totals), tally receipt, completion check (the release;
            // the counters only in the batch whose totals say the send may be complete).
            const finished = lastEnd + ddb() + ddb() + ddb();
            ev.at(finished, () => {
              sendBusyMs += ev.now - (start - (cold ? LAMBDA_INIT_MS + SEND_IMPORT_MS : 0));
              setBusy(-1);
              // The event source deletes the batch and hands over the next.
              ev.at(ev.now + lat(LATENCY_MS.sqs), () => worker(false));
            });
          }
        });
      }),
    );
  };
  for (let w = 0; w < workers; w++) ev.at(0, () => worker(true));
  ev.run();
  setBusy(0);

  const times = Array.from(accepted.subarray(0, acceptedN)).sort((x, y) => x - y);
  let missing = 0;
  let duplicated = 0;
  for (const n of sentCount) {
    if (n === 0) missing++;
    else duplicated += n - 1;
  }
  const seconds = new Map<number, number>();
  for (const t of pacerWrites) seconds.set(Math.floor(t / 1000), (seconds.get(Math.floor(t / 1000)) ?? 0) + 1);
  const sendMs = times.at(-1) ?? 0;
  return {
    sent: acceptedN,
    missing,
    duplicated,
    sendMs,
    firstToLastMs: sendMs - (times[0] ?? 0),
    planningMs,
    busiestSecond: busiestWindow(times),
    pacer: { reservations, conflicts, writesPerSecondMean: pacerWrites.length / (sendMs / 1000), writesPerSecondPeak: Math.max(0, ...seconds.values()) },
    sendInvocations,
    sendBusyMs,
    slotWaitMs,
    concurrency: { peak: peak + 1, mean: busyIntegral / sendMs + fanOutBusyMs / sendMs },
    fanOutInvocations,
    fanOutBusyMs,
  };
}

/** An item a send leaves per email: its size, whether it expires, and how many per email (a batch's receipt is a tenth). */
export interface ItemPerEmail {
  key: string;
  bytes: number;
  expires: boolean;
  perEmail: number;
}

/**
 * What one delivery leaves in the table: its items and their stored bytes, read back from the real
 * stores on dynalite. The delivery (kept, with its report), and the tally receipt of its send batch
 * (ten subscribers, a tenth per email, expiring); with delivery events, a hundredth of a mail-events
 * batch's receipt too (its entries name a report each).
 */
export async function measureDeliveryItems(): Promise<{ items: ItemPerEmail[] }> {
  const pressroom = await startBenchPressroom({ env: { PRESSROOM_LISTS: 'list-a=List A' } });
  try {
    const { Items: before = [] } = await pressroom.table.doc.send(new ScanCommand({ TableName: pressroom.table.tableName }));
    const known = new Set(before.map((i) => `${i.pk}|${i.sk}`));
    const now = new Date();
    const { deliveries, releaseStats } = pressroom.adapters;
    const [releaseId, subscriber] = ['01JMILLIONRELEASE000000000', subscriberId(0)];
    const [sendTally, eventTally] = ['5b0c1f9e-2d3a-4c5b-8e7f-6a1b2c3d4e5f', '7c1d2e3f-4a5b-4c6d-9e8f-0a1b2c3d4e5f'];
    await deliveries.claim(releaseId, subscriber, 'list-a', now, 300_000);
    await deliveries.markSent(releaseId, subscriber, '0100019a1b2c3d4e-5f6a7b8c-9d0e-1f2a-3b4c-5d6e7f8a9b0c-000000', now, sendTally);
    await releaseStats.recordTally({ releaseId, tally: sendTally, entries: Array.from({ length: BATCH }, (_, i) => subscriberId(i)) }, now);
    // The SES delivery event: the report on the delivery, named in its batch's receipt.
    await deliveries.recordReport(releaseId, subscriber, { kind: 'delivered', at: now }, eventTally);
    await releaseStats.recordTally({ releaseId: `${releaseId}-events`, tally: eventTally, entries: Array.from({ length: MAIL_EVENTS_BATCH }, (_, i) => `${subscriberId(i)}#delivered`) }, now);
    const { Items: after = [] } = await pressroom.table.doc.send(new ScanCommand({ TableName: pressroom.table.tableName }));
    const items = after
      .filter((i) => !known.has(`${i.pk}|${i.sk}`))
      .map((i) => ({
        key: String(i.pk).split('#')[0] + (String(i.pk).includes('-events#') ? ' (mail events)' : ''),
        bytes: dynamoItemSize(i),
        expires: i.expiresAt !== undefined,
        status: i.status,
        perEmail: String(i.pk).startsWith('TALLY') ? 1 / (String(i.pk).includes('-events#') ? MAIL_EVENTS_BATCH : BATCH) : 1,
      }));
    if (!items.some((i) => i.key === 'DELIVERY' && i.status === DeliveryStatus.Sent)) throw new Error('no sent delivery item was read back');
    return { items: items.map(({ status: _status, ...item }) => item) };
  } finally {
    await pressroom.close();
  }
}

/** The items one delivery left in the recorded run (docs/benchmarks.md, Figure 7), for the smoke test (no dynalite). */
const DELIVERY_ITEM_ESTIMATE: ItemPerEmail[] = [
  { key: 'DELIVERY', bytes: 420, expires: false, perEmail: 1 },
  { key: 'TALLY', bytes: 500, expires: true, perEmail: 1 / BATCH },
  { key: 'TALLY (mail events)', bytes: 4_000, expires: true, perEmail: 1 / 100 },
];

export interface Bill {
  ses: number;
  lambda: number;
  dynamoRequests: number;
  sqs: number;
  sns: number;
  storage: number;
  total: number;
}

/** A send's priced requests split into what every send pays once and what each email adds. */
export interface PricedSend {
  /** $ per 1,000 emails added by each email (the slope between two sends). */
  perEmail: CostBreakdown;
  /** $ every send pays once, whatever its size: the release, its rendering, status changes, webhooks. */
  fixed: { dynamo: number; sqs: number; sns: number };
}

/**
 * Two priced sends of different sizes, split as cost(n) = fixed + n × per email, so that a million
 * is priced by the slope rather than by a small send's average (which spreads the release's own
 * writes over its few emails).
 */
export function splitFixed(small: CostBreakdown, large: CostBreakdown): PricedSend {
  const total = (c: CostBreakdown, k: 'dynamo' | 'sqs' | 'sns') => (c.perThousand[k] * c.emails) / 1000;
  const part = (k: 'dynamo' | 'sqs' | 'sns') => {
    const slope = (total(large, k) - total(small, k)) / (large.emails - small.emails);
    return { perThousand: slope * 1000, fixed: Math.max(0, total(small, k) - small.emails * slope) };
  };
  const [dynamo, sqs, sns] = (['dynamo', 'sqs', 'sns'] as const).map(part);
  const slopeOf = (k: keyof CostBreakdown['perEmail']) =>
    typeof large.perEmail[k] === 'number' ? ((large.perEmail[k] as number) * large.emails - (small.perEmail[k] as number) * small.emails) / (large.emails - small.emails) : 0;
  return {
    perEmail: {
      emails: large.emails,
      perEmail: { ...large.perEmail, dynamoReads: slopeOf('dynamoReads'), dynamoWrites: slopeOf('dynamoWrites'), sqsRequests: slopeOf('sqsRequests') },
      perThousand: { ...large.perThousand, dynamo: dynamo.perThousand, sqs: sqs.perThousand, sns: sns.perThousand },
    },
    fixed: { dynamo: dynamo.fixed, sqs: sqs.fixed, sns: sns.fixed },
  };
}

function bill(unique: number, priced: PricedSend, sim: SimulationResult, itemBytes: { kept: number; expiring: number }, mailEventBusyMs: number, mailEventInvocations: number): Bill {
  const thousands = unique / 1000;
  const c = priced.perEmail;
  const busyMs = sim.sendBusyMs + sim.fanOutBusyMs + mailEventBusyMs;
  const invocations = sim.sendInvocations + sim.fanOutInvocations + mailEventInvocations;
  const lambda = (busyMs / 1000) * LAMBDA_GB * PRICES.lambdaArmGbSecond + (invocations / 1e6) * PRICES.lambdaPerMillionRequests;
  // The local run's requests per email include one pacer read and write per batch; contention on
  // AWS adds a read and a (failed, still billed) conditional write per conflict.
  const dynamoRequests = c.perThousand.dynamo * thousands + priced.fixed.dynamo + (sim.pacer.conflicts / 1e6) * (PRICES.dynamoPerMillionReadUnits + PRICES.dynamoPerMillionWriteUnits);
  // Kept items for one month; receipts expire within their 14-day TTL, counted as half a month.
  const gb = (bytes: number) => bytes / 1e9;
  const storage = (gb(itemBytes.kept * unique) + gb(itemBytes.expiring * unique) / 2) * DYNAMO_STORAGE_PER_GB_MONTH;
  const ses = thousands * PRICES.sesPerThousandEmails;
  const sqs = c.perThousand.sqs * thousands + priced.fixed.sqs;
  const sns = c.perThousand.sns * thousands + priced.fixed.sns;
  return { ses, lambda, dynamoRequests, sqs, sns, storage, total: ses + lambda + dynamoRequests + sqs + sns + storage };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const min = (ms: number) => `${(ms / 60_000).toFixed(2)} min`;
const usd = (n: number) => `$${n < 0.01 ? n.toFixed(4) : n.toFixed(2)}`;
const fmt = (n: number) => n.toLocaleString('en');

export async function run(options: Partial<MillionOptions> = {}): Promise<BenchResult> {
  const opts = { ...DEFAULTS, ...options };
  const loadBefore = loadavg()[0];
  const failures: string[] = [];
  const { planning, stores } = await measurePlanning(opts.unique);
  if (planning.missing || planning.duplicated || planning.jobs !== opts.unique) {
    failures.push(`planning: ${fmt(planning.jobs)} jobs for ${fmt(opts.unique)} unique subscribers (${planning.missing} without a job, ${planning.duplicated} extra)`);
  }
  const cpu = await measureEngineCpu(stores.subscribers, Math.min(opts.cpuSample, opts.unique), opts.rate);
  if (cpu.sent !== cpu.emails) failures.push(`engine sample: ${cpu.sent} of ${cpu.emails} emails sent`);
  stores.subscribers.subscribers.clear();

  const workers = opts.workers ?? sizedWorkers(opts.rate);
  const simulate = (enqueue: SimulationInput['enqueue'], w = workers) => simulateSend({ unique: opts.unique, rate: opts.rate, workers: w, cpuMsPerEmail: cpu.cpuMsPerEmail, enqueue });
  // Every worker the event source may run is busy while jobs wait, most of it waiting for slots it
  // booked ahead of the others, and Lambda bills the wait: more workers than the rate needs cost
  // without sending faster.
  const floor = minSendConcurrency(opts.rate);
  const atFloor = floor === workers ? undefined : simulate('parallel', floor);
  // The engine sends a page's SQS calls together (SqsQueue.send); one after another was the engine before.
  const sim = simulate('parallel');
  const what = simulate('sequential');
  for (const [label, r] of [['simulation', sim], ['simulation (sequential enqueue)', what]] as const) {
    if (r.missing || r.duplicated) failures.push(`${label}: ${r.missing} subscriber(s) not sent, ${r.duplicated} sent twice`);
    if (r.busiestSecond > opts.rate) failures.push(`${label}: ${r.busiestSecond} messages in one second, over ${opts.rate}`);
  }

  // Priced as figure 4 prices a send on AWS, with and without delivery events.
  // Two sizes each (a third of pricedRun and pricedRun itself), split into per send and per email.
  const priceAt = async (env: Record<string, string>) => {
    if (!opts.pricedRun) return undefined;
    const send = async (subscribers: number) => priceOnAws(await measureLocalSend({ ...opts.pricedRun as { rate: number }, subscribers, release: 'sample', control: 0, env }));
    const pricedRun = opts.pricedRun as { subscribers: number };
    return splitFixed(await send(Math.round(pricedRun.subscribers / 3)), await send(pricedRun.subscribers));
  };
  // Delivery events are off by default (runtime/config.ts); `pricedSplit` is a stack deployed with them.
  const pricedSplit = await priceAt({ PRESSROOM_DELIVERY_EVENTS: 'true' });
  const pricedOff = await priceAt({});
  const priced = pricedSplit?.perEmail;
  const items = opts.measureItems ? (await measureDeliveryItems()).items : DELIVERY_ITEM_ESTIMATE;
  const stored = (list: typeof items) => list.reduce((sum, i) => sum + (i.bytes + ITEM_OVERHEAD_BYTES) * i.perEmail, 0);
  const itemsPerEmail = items.reduce((sum, i) => sum + i.perEmail, 0);
  const itemBytes = { kept: stored(items.filter((i) => !i.expires)), expiring: stored(items.filter((i) => i.expires)) };
  // Mail events (modelled): one delivery event per email, batches of 100 (AWS_MODEL_MS.mailEventsBatch
  // each: ten events at a time, a subscriber read and the report each, then the batch's count).
  const mailEventInvocations = Math.ceil(opts.unique / MAIL_EVENTS_BATCH);
  const mailEventBusyMs = mailEventInvocations * AWS_MODEL_MS.mailEventsBatch;
  const mailEventConcurrency = (mailEventBusyMs / sim.sendMs);
  const total = pricedSplit ? bill(opts.unique, pricedSplit, sim, itemBytes, mailEventBusyMs, mailEventInvocations) : undefined;
  // Without delivery events no mail-events receipt is written.
  const sendItems = items.filter((i) => !i.key.includes('mail events'));
  const totalOff = pricedOff ? bill(opts.unique, pricedOff, sim, { kept: stored(sendItems.filter((i) => !i.expires)), expiring: stored(sendItems.filter((i) => i.expires)) }, 0, 0) : undefined;
  const target = (1.05 * opts.unique) / opts.rate * 1000;
  const [la, lb] = planning.listSizes;

  const rows: BenchRow[] = [
    { metric: 'lists (A = first 60 %, B = last 60 %)', value: `A ${fmt(la)}, B ${fmt(lb)}, on both ${fmt(planning.overlap)} → ${fmt(opts.unique)} unique` },
    { metric: 'measured: seeding the in-memory subscribers', value: s(planning.seedMs) },
    { metric: 'measured: planning (real fanOutRelease, in memory), wall / CPU', value: `${s(planning.planMs)} / ${s(planning.planCpuMs)} (${fmt(Math.round(opts.unique / (planning.planMs / 1000)))} jobs/s, ${fmt(planning.pages)} pages, peak RSS ${Math.round(planning.peakRssMiB)} MiB)` },
    { metric: 'measured: send jobs planned / without a job / extra', value: `${fmt(planning.jobs)} / ${planning.missing} / ${planning.duplicated}`, target: `${fmt(opts.unique)} / 0 / 0` },
    { metric: `measured: engine CPU per email (real sendBatch, ${fmt(cpu.emails)} emails), process / event loop busy`, value: `${cpu.cpuMsPerEmail.toFixed(3)} / ${cpu.busyMsPerEmail.toFixed(3)} ms` },
    { metric: 'measured: store and pacer calls per email', value: Object.entries(cpu.callsPerEmail).map(([k, n]) => `${k} ${n.toFixed(2)}`).join(', ') },
    { metric: `modelled: send workers (1 + rate × ${MODELLED_BATCH_OVERHEAD_MS} ms / ${BATCH}; the stack's sendMaxConcurrency)`, value: String(workers) },
    ...(atFloor
      ? [{ metric: `modelled: the same at minSendConcurrency(${opts.rate}) = ${floor} workers: send time / billed worker time / of it waiting for slots`, value: `${min(atFloor.sendMs)} / ${s(atFloor.sendBusyMs)} / ${s(atFloor.slotWaitMs)}` }]
      : []),
    { metric: 'modelled: planning on AWS (a page\'s SendMessageBatch calls at once)', value: `${min(sim.planningMs)} (${fmt(Math.round(opts.unique / (sim.planningMs / 1000)))} jobs/s, ${sim.fanOutInvocations} fan-out invocations)` },
    { metric: 'modelled: publish → last email accepted', value: `${min(sim.sendMs)} (first → last ${min(sim.firstToLastMs)})`, target: `≤ ${min(target)}` },
    { metric: 'modelled: the same with a page\'s calls one after another (the engine before)', value: `${min(what.sendMs)} (planning ${min(what.planningMs)})` },
    { metric: 'modelled: sent / not sent / twice; busiest one-second window', value: `${fmt(sim.sent)} / ${sim.missing} / ${sim.duplicated}; ${sim.busiestSecond}`, target: `${fmt(opts.unique)} / 0 / 0; ≤ ${opts.rate}` },
    {
      metric: 'modelled: pacer item writes per second, mean / peak (incl. failed conditional writes)',
      value: `${sim.pacer.writesPerSecondMean.toFixed(0)} / ${sim.pacer.writesPerSecondPeak} (${fmt(sim.pacer.reservations)} reservations, ${fmt(sim.pacer.conflicts)} conflicts retried)`,
      target: '≤ 1,000 WCU/s per partition',
    },
    { metric: 'modelled: Lambda concurrency, peak / mean (send + fan-out); mail events', value: `${sim.concurrency.peak} / ${sim.concurrency.mean.toFixed(1)}; ≈ ${mailEventConcurrency.toFixed(1)}` },
    { metric: 'modelled: send workers busy (billed) / of it waiting for slots', value: `${s(sim.sendBusyMs)} / ${s(sim.slotWaitMs)} over ${fmt(sim.sendInvocations)} invocations` },
    {
      metric: 'measured: items one delivery leaves (real stores on dynalite), bytes each',
      value: items.map((i) => `${i.key} ${i.bytes} B${i.expires ? ' (TTL)' : ''}`).join(', ') + (opts.measureItems ? '' : ' (estimate: not read back)'),
    },
    { metric: 'DynamoDB items / storage written for the send', value: `${fmt(Math.round(itemsPerEmail * opts.unique))} items, ${((itemBytes.kept + itemBytes.expiring) * opts.unique / 1e9).toFixed(2)} GB incl. 100 B/item overhead (${(itemBytes.kept * opts.unique / 1e9).toFixed(2)} GB kept)` },
  ];
  if (priced && total) {
    rows.push(
      { metric: `measured: per email, the slope between real sends of ${opts.pricedRun ? `${Math.round(opts.pricedRun.subscribers / 3)} and ${opts.pricedRun.subscribers}` : 0} on dynalite, with delivery events: DynamoDB read / write units, SQS (modelled at AWS batch sizes), SNS`, value: `${priced.perEmail.dynamoReads.toFixed(2)} / ${priced.perEmail.dynamoWrites.toFixed(2)}, ${priced.perEmail.sqsRequests.toFixed(3)}, ${priced.perEmail.snsPublishes.toFixed(2)}` },
      ...(pricedSplit && pricedOff ? [{ metric: 'measured: what every send pays once (DynamoDB + SQS), with / without delivery events', value: `${usd(pricedSplit.fixed.dynamo + pricedSplit.fixed.sqs)} / ${usd(pricedOff.fixed.dynamo + pricedOff.fixed.sqs)}` }] : []),
      { metric: 'DynamoDB writes for the send, with delivery events', value: `${fmt(Math.round(priced.perEmail.dynamoWrites * opts.unique + sim.pacer.conflicts))} write requests` },
      { metric: 'bill with delivery events: SES', value: usd(total.ses) },
      { metric: 'bill with delivery events: Lambda (modelled busy time, 512 MB arm64)', value: usd(total.lambda) },
      { metric: 'bill with delivery events: DynamoDB requests (measured per email + modelled pacer conflicts)', value: usd(total.dynamoRequests) },
      { metric: 'bill with delivery events: SQS / SNS', value: `${usd(total.sqs)} / ${usd(total.sns)}` },
      { metric: 'bill with delivery events: DynamoDB storage, first month', value: usd(total.storage) },
      { metric: 'bill with delivery events (-c deliveryEvents=true): total', value: `${usd(total.total)} (Pressroom ${usd(total.total - total.ses)})`, target: '≤ $102' },
      ...(totalOff ? [{ metric: 'bill without delivery events (default): DynamoDB / SQS / SNS', value: `${usd(totalOff.dynamoRequests)} / ${usd(totalOff.sqs)} / ${usd(totalOff.sns)}` }, { metric: 'bill without delivery events (default): total', value: `${usd(totalOff.total)} (Pressroom ${usd(totalOff.total - totalOff.ses)})`, target: '≤ $102' }] : []),
    );
  }
  rows.push({ metric: '1-minute load average before → after', value: `${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)}` });

  return {
    name: 'million',
    title: `Figure 7: ${fmt(opts.unique)} subscribers on two lists (20 % overlap), SES at ${fmt(opts.rate)} msg/s`,
    rows,
    values: {
      unique: opts.unique,
      rate: opts.rate,
      planMs: planning.planMs,
      plannedJobs: planning.jobs,
      cpuMsPerEmail: cpu.cpuMsPerEmail,
      workers,
      simPlanningMs: sim.planningMs,
      simSendMs: sim.sendMs,
      simSendMsParallelEnqueue: what.sendMs,
      targetSendMs: target,
      simSent: sim.sent,
      simMissing: sim.missing,
      simDuplicated: sim.duplicated,
      simBusiestSecond: sim.busiestSecond,
      pacerWritesPerSecondPeak: sim.pacer.writesPerSecondPeak,
      pacerConflicts: sim.pacer.conflicts,
      concurrencyPeak: sim.concurrency.peak,
      itemsPerEmail,
      bytesPerEmail: itemBytes.kept + itemBytes.expiring,
      ...(total ? { billTotal: total.total, billSes: total.ses } : {}),
      ...(totalOff ? { billTotalWithoutDeliveryEvents: totalOff.total } : {}),
      load1Before: loadBefore,
    },
    failures,
    notes: [
      'Measured on this machine: planning, the engine CPU per email, the store calls per email, the requests per email of figure 2\'s real send (priced), the items one delivery leaves. Modelled: everything on AWS (the simulation).',
      `Simulation: SES ${LATENCY_MS.ses} ms, DynamoDB ${LATENCY_MS.dynamo} ms, SQS ${LATENCY_MS.sqs} ms round trips, each ±${JITTER * 100} % (seeded); pacer at ${RATE_HEADROOM * 100} % of the rate; SES counts a message half a round trip after the send starts; cold workers pay ${LAMBDA_INIT_MS} + ${SEND_IMPORT_MS} ms once.`,
      'The engine CPU sample uses in-memory fakes (structuredClone on reads): an upper bound for the engine alone. The local SES is not used: this machine cannot push 1,000 msg/s through HTTP (figures 2 and 2b).',
      `Storage: delivery items are kept (no TTL) and billed for one month at $${DYNAMO_STORAGE_PER_GB_MONTH}/GB-month; mail-event receipts expire after 14 days (half a month billed).`,
    ],
  };
}
