/**
 * Figure 8 of issue 18: from the publishing webhook to the first email on AWS, modelled, with every
 * function cold (the "works as deployed" case: the first release after a deploy or a quiet spell).
 *
 * Measured here: the MJML render of the sample release (examples/ice-retaliation.json) with
 * `MjmlRenderer`, cold in a fresh `node` process and then warm; and how many AWS requests each
 * function makes on the way to the first email, recorded per function (the local runner's
 * `onAwsCall`) on a real publish through the local stack with one subscriber. Taken from figure 5's
 * recorded run (docs/benchmarks.md): each bundle's import time (the bundles are built by that
 * figure's CDK synth in a temporary folder and not kept). Modelled: Lambda's init before the import,
 * API Gateway, each request's latency (DynamoDB ~5 ms, SQS ~10 ms, SES ~40 ms) with the requests
 * made one after another (an upper bound: a few go at once), and the SQS event source's pick-up.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { AwsCall } from '../functions/local/aws-call-recorder';
import { signWebhook } from '../functions/domain/security/standard-webhooks';
import { LATENCY_MS } from './million';
import { startBenchPressroom } from './local-stack';
import { seedSubscribers } from './seed';
import type { BenchResult, BenchRow } from './result';

export interface FirstEmailOptions {
  /** Measure the render in a fresh process (false: the smoke test skips the child process). */
  measureRender: boolean;
  /** Measure the requests on the local stack (false: the smoke test's fixed counts). */
  measureRequests: boolean;
}

const DEFAULTS: FirstEmailOptions = { measureRender: true, measureRequests: true };

/** Figure 5's recorded import medians (docs/benchmarks.md, 2026-12-07, at dc8fac2), ms. */
export const FIGURE_5_IMPORT_MS = { 'publish-release': 176, 'fan-out': 131, 'send-email': 65 } as const;
/** Lambda's own init before the handler module loads (Node.js on arm64, p50 80–200 ms: docs/benchmarks.md, Figure 8). */
export const LAMBDA_INIT_MS = 150;
/** API Gateway (HTTP API) in front of the function: its own overhead, chosen. */
export const API_GATEWAY_MS = 20;
/** Until the SQS event source's long poll hands a new message to the function: chosen (AWS publishes no figure). */
export const EVENT_SOURCE_PICKUP_MS = 100;

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RenderTiming {
  importMs: number;
  coldMs: number;
  warmMs: number;
}

/** The script a fresh `node` runs: import the renderer, render the sample twice, print the times. */
const RENDER_SCRIPT = `
const t0 = performance.now();
const { MjmlRenderer } = await import('./functions/adapters/render/mjml-renderer.ts');
const { parseReleaseInput } = await import('./functions/domain/release/release-input.ts');
const { newRelease } = await import('./functions/domain/release/release.ts');
const { readFileSync } = await import('node:fs');
const t1 = performance.now();
const input = JSON.parse(readFileSync('examples/ice-retaliation.json', 'utf8'));
const release = newRelease(parseReleaseInput(input, new Set(input.lists)), new Date());
const renderer = new MjmlRenderer({ templatesDir: 'templates', brand: { organisationName: 'Pressroom bench', postalAddress: '1 Example Street', accentColour: '#b3261e' }, publicUrl: 'https://news.example.org' });
const t2 = performance.now();
await renderer.render(release);
const t3 = performance.now();
await renderer.render(release);
const t4 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, coldMs: t3 - t2, warmMs: t4 - t3 }));
`;

/** The first render in a fresh process (MJML loads lazily on it) and a second, warm one. */
export function measureRender(): RenderTiming {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', RENDER_SCRIPT], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) throw new Error(`render child failed: ${child.stderr.slice(0, 500)}`);
  return JSON.parse(line) as RenderTiming;
}

/** AWS requests each function makes on the way to the first email, by `service` (dynamodb, sqs, ses). */
export interface PathRequests {
  publish: { dynamodb: number; sqs: number };
  /** Up to and including the first SendMessageBatch to the send queue. */
  fanOut: { dynamodb: number; sqs: number };
  /** Up to the first SendRawEmail. */
  send: { dynamodb: number; ses: number };
}

const before = (calls: AwsCall[], fn: string, stop: (c: AwsCall) => boolean) => {
  const mine = calls.filter((c) => c.fn === fn);
  const end = mine.findIndex(stop);
  return end === -1 ? mine : mine.slice(0, end + 1);
};
const countOf = (calls: AwsCall[], service: string) => calls.filter((c) => c.action.startsWith(`${service}:`)).length;

/** A real publish through the local stack with one subscriber, every AWS call recorded by function. */
export async function measurePathRequests(): Promise<PathRequests> {
  const calls: AwsCall[] = [];
  const pressroom = await startBenchPressroom({ env: { PRESSROOM_LISTS: 'blog=Blog' }, onAwsCall: (call) => calls.push(call) });
  try {
    await seedSubscribers(pressroom.table, { listId: 'blog', count: 1, concurrency: 1 });
    calls.length = 0;
    const body = JSON.stringify({ id: 'first-email', title: 'First email', url: 'https://example.org/first', html: '<p>Hello readers.</p>', lists: ['blog'] });
    const id = 'msg_first';
    const timestamp = Math.floor(Date.now() / 1000);
    const published = await fetch(`${pressroom.url}/webhooks/releases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(pressroom.secrets.webhookSecrets[0], id, timestamp, body) },
      body,
    });
    if (published.status !== 202) throw new Error(`publish answered ${published.status}`);
    await pressroom.settle(60_000);
  } finally {
    await pressroom.close();
  }
  const publish = calls.filter((c) => c.fn === 'publish-release');
  const fanOut = before(calls, 'fan-out', (c) => c.action === 'sqs:SendMessage');
  const send = before(calls, 'send-email', (c) => c.action === 'ses:SendRawEmail');
  if (!send.some((c) => c.action === 'ses:SendRawEmail')) throw new Error('the local send made no SendRawEmail');
  return {
    publish: { dynamodb: countOf(publish, 'dynamodb'), sqs: countOf(publish, 'sqs') },
    fanOut: { dynamodb: countOf(fanOut, 'dynamodb'), sqs: countOf(fanOut, 'sqs') },
    send: { dynamodb: countOf(send, 'dynamodb'), ses: countOf(send, 'ses') },
  };
}

export interface Step {
  step: string;
  ms: number;
  how: 'measured' | 'modelled' | 'figure 5';
}

/** The chain, step by step, from the measured render and request counts. */
export function firstEmailSteps(render: RenderTiming, requests: PathRequests): Step[] {
  const ddb = (n: number) => n * LATENCY_MS.dynamo;
  return [
    { step: 'API Gateway → publish-release', ms: API_GATEWAY_MS, how: 'modelled' },
    { step: 'publish-release cold: Lambda init', ms: LAMBDA_INIT_MS, how: 'modelled' },
    { step: 'publish-release cold: bundle import', ms: FIGURE_5_IMPORT_MS['publish-release'], how: 'figure 5' },
    { step: 'publish-release: MJML render, first in the process', ms: render.coldMs, how: 'measured' },
    { step: `publish-release: ${requests.publish.dynamodb} DynamoDB requests (counted) × ${LATENCY_MS.dynamo} ms`, ms: ddb(requests.publish.dynamodb), how: 'modelled' },
    { step: `publish-release: ${requests.publish.sqs} SQS request(s) (fan-out job) × ${LATENCY_MS.sqs} ms`, ms: requests.publish.sqs * LATENCY_MS.sqs, how: 'modelled' },
    { step: 'fan-out queue → event source pick-up', ms: EVENT_SOURCE_PICKUP_MS, how: 'modelled' },
    { step: 'fan-out cold: Lambda init', ms: LAMBDA_INIT_MS, how: 'modelled' },
    { step: 'fan-out cold: bundle import', ms: FIGURE_5_IMPORT_MS['fan-out'], how: 'figure 5' },
    { step: `fan-out: ${requests.fanOut.dynamodb} DynamoDB requests before the first page is enqueued (counted)`, ms: ddb(requests.fanOut.dynamodb), how: 'modelled' },
    { step: `fan-out: ${requests.fanOut.sqs} SendMessageBatch to the send queue`, ms: requests.fanOut.sqs * LATENCY_MS.sqs, how: 'modelled' },
    { step: 'send queue → event source pick-up', ms: EVENT_SOURCE_PICKUP_MS, how: 'modelled' },
    { step: 'send-email cold: Lambda init', ms: LAMBDA_INIT_MS, how: 'modelled' },
    { step: 'send-email cold: bundle import', ms: FIGURE_5_IMPORT_MS['send-email'], how: 'figure 5' },
    { step: `send-email: ${requests.send.dynamodb} DynamoDB requests before the SES call (counted)`, ms: ddb(requests.send.dynamodb), how: 'modelled' },
    { step: `send-email: SES SendRawEmail (${requests.send.ses} request(s) incl. GetSendQuota)`, ms: requests.send.ses * LATENCY_MS.ses, how: 'modelled' },
  ];
}

/** The smoke test's request counts when the local stack is not run. */
const FIXED_REQUESTS: PathRequests = { publish: { dynamodb: 6, sqs: 1 }, fanOut: { dynamodb: 6, sqs: 1 }, send: { dynamodb: 6, ses: 2 } };
const FIXED_RENDER: RenderTiming = { importMs: 0, coldMs: 300, warmMs: 30 };

export async function run(options: Partial<FirstEmailOptions> = {}): Promise<BenchResult> {
  const opts = { ...DEFAULTS, ...options };
  const load = loadavg()[0];
  const render = opts.measureRender ? measureRender() : FIXED_RENDER;
  const requests = opts.measureRequests ? await measurePathRequests() : FIXED_REQUESTS;
  const steps = firstEmailSteps(render, requests);
  const total = steps.reduce((sum, s) => sum + s.ms, 0);
  const failures: string[] = [];
  if (!steps.every((s) => Number.isFinite(s.ms) && s.ms >= 0)) failures.push('a step has no finite, non-negative time');
  const rows: BenchRow[] = [
    ...steps.map((s) => ({ metric: `${s.how}: ${s.step}`, value: `${s.ms.toFixed(0)} ms` })),
    { metric: 'webhook → first email accepted by SES, every function cold', value: `${total.toFixed(0)} ms`, target: '≤ 2,000 ms' },
    { metric: 'measured: MJML render warm (second in the process); renderer module import (tsx, not the bundle)', value: `${render.warmMs.toFixed(0)} ms; ${render.importMs.toFixed(0)} ms` },
    { metric: '1-minute load average', value: `${load.toFixed(2)} → ${loadavg()[0].toFixed(2)}` },
  ];
  return {
    name: 'first-email',
    title: 'Figure 8: webhook to first email on AWS, every function cold (modelled)',
    rows,
    values: { totalMs: total, stepsMs: steps.reduce((sum, s) => sum + s.ms, 0), steps: steps.length, renderColdMs: render.coldMs, renderWarmMs: render.warmMs, load1: load },
    failures,
    notes: [
      opts.measureRender ? 'Render: examples/ice-retaliation.json through MjmlRenderer in a fresh node (tsx), first render cold (MJML loads on it), then warm.' : 'Render: fixed figures (not measured in this run).',
      opts.measureRequests ? 'Requests: recorded per function (runner option onAwsCall) on a real publish to one subscriber through the local stack.' : 'Requests: fixed counts (not measured in this run).',
      `Bundle imports are figure 5's recorded medians (its bundles are built in a temporary folder and not kept); Lambda init ${LAMBDA_INIT_MS} ms, API Gateway ${API_GATEWAY_MS} ms and event-source pick-up ${EVENT_SOURCE_PICKUP_MS} ms are modelled; requests are taken one after another.`,
    ],
  };
}
