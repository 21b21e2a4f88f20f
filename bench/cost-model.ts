/**
 * Figure 4 of issue 4: what sending costs on AWS besides SES itself, per 1,000 emails.
 *
 * Measured (from figure 2's run when it ran first in this process, else from a send of its own):
 * handler wall time per email (Lambda bills wall time, including a send worker's wait for its rate
 * slots), SDK requests per email counted per command on the real clients (every attempt, as AWS
 * bills), and messages put on each queue. Modelled: the SQS requests of the Lambda event source
 * (one ReceiveMessage and one DeleteMessageBatch per invocation) and SES → SNS → SQS for each mail
 * event. Each count is priced at the published us-east-1 rates below (docs/benchmarks.md cites them).
 */
import { lastMeasurement, measure, type LocalSendMeasurement } from './local-send';
import type { BenchResult, BenchRow } from './result';

/** Published on-demand prices, us-east-1 (see docs/benchmarks.md for the sources). */
export const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  sqsPerMillionRequests: 0.4,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  snsPerMillionPublishes: 0.5,
  sesPerThousandEmails: 0.1,
} as const;

/** The functions' memory (infra/functions.ts: 512 MB, arm64). */
const LAMBDA_GB = 0.5;
const SQS_BATCH = 10;
/** The mail-events event source's batches on AWS (infra/messaging.ts MAIL_EVENTS_BATCH); locally they are SQS's 10. */
const AWS_MAIL_EVENTS_BATCH = 100;

/**
 * Modelled on AWS, in ms of billed Lambda duration, with the round trips figure 7 uses (DynamoDB
 * ~5 ms, SES ~40 ms, SQS ~10 ms): a send batch of 10 reads the status (5), reads each subscriber and
 * claims (10, the batch's jobs side by side), reserves its slots (10: the pacer item's read and
 * write), sends each at its slot (SES 40 + the sent record 5, overlapped), then counts (counter and
 * receipt, 10) and checks completion (10): ~90 ms, plus the wait for its slots, which at the full
 * rate is the batch's share of a second (10 slots at 1,000/s: 10 ms). A mail-events batch of 100
 * handles ten events at a time, each a subscriber read and the report (10 rounds × 10 ms) then its
 * count (10). A fan-out page of 100: query, de-duplication read, the page's SQS calls at once,
 * checkpoint, counter (~35 ms).
 */
export const AWS_MODEL_MS = { sendBatch: 100, mailEventsBatch: 110, fanOutPage: 35 } as const;
const WRITES = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];
const READS = ['GetItem', 'Query', 'BatchGetItem', 'Scan'];

export interface CostBreakdown {
  emails: number;
  perEmail: { workerMs: Record<string, number>; dynamoReads: number; dynamoWrites: number; sqsRequests: number; sesRequests: number; snsPublishes: number; lambdaInvocations: number };
  perThousand: { lambda: number; sqs: number; dynamo: number; sns: number; ses: number; total: number };
}

export function priceRun(m: LocalSendMeasurement): CostBreakdown {
  const emails = m.accepted;
  const count = (service: string, names: string[]) =>
    [...m.requests].filter(([key]) => names.some((n) => key === `${service}:${n}`)).reduce((sum, [, n]) => sum + n, 0);
  // Billed units as DynamoDB reported them (item sizes and indexes included) when counted; else one
  // unit per request, a BatchGetItem per item.
  const dynamoReads = m.capacity?.read ?? count('dynamodb', READS) - count('dynamodb', ['BatchGetItem']) + (m.batchGetItems ?? count('dynamodb', ['BatchGetItem']));
  const dynamoWrites = m.capacity?.write ?? count('dynamodb', WRITES);
  const sesRequests = count('ses', ['SendRawEmail', 'GetSendQuota']);
  const invocations = [...m.handlers.values()].reduce((sum, h) => sum + h.invocations, 0);
  const wallMs = [...m.handlers.values()].reduce((sum, h) => sum + h.wallMs, 0);
  // Sends: the fan-out enqueues pages through SendMessageBatch (10 a call); each mail event is one
  // SNS → SQS delivery. Receives and deletes: one each per event-source invocation.
  const sqsSends = [...m.enqueued].reduce((sum, [name, q]) => sum + (name === 'mail-events' ? q.messages : Math.max(q.calls, Math.ceil(q.messages / SQS_BATCH))), 0);
  const sqsRequests = sqsSends + 2 * invocations;
  const snsPublishes = m.enqueued.get('mail-events')?.messages ?? 0;
  const perThousand = (n: number) => (n / emails) * 1000;
  const lambda = perThousand((wallMs / 1000) * LAMBDA_GB * PRICES.lambdaArmGbSecond + (invocations / 1e6) * PRICES.lambdaPerMillionRequests);
  const sqs = perThousand((sqsRequests / 1e6) * PRICES.sqsPerMillionRequests);
  // One request unit per request: items here are well under 1 KB (writes) and 4 KB (reads).
  const dynamo = perThousand((dynamoWrites / 1e6) * PRICES.dynamoPerMillionWriteUnits + (dynamoReads / 1e6) * PRICES.dynamoPerMillionReadUnits);
  // (Request counts per command are in the notes; the units above are what is billed.)
  const sns = perThousand((snsPublishes / 1e6) * PRICES.snsPerMillionPublishes);
  const ses = PRICES.sesPerThousandEmails;
  return {
    emails,
    perEmail: {
      workerMs: Object.fromEntries([...m.handlers].map(([name, h]) => [name, h.wallMs / emails])),
      dynamoReads: dynamoReads / emails,
      dynamoWrites: dynamoWrites / emails,
      sqsRequests: sqsRequests / emails,
      sesRequests: sesRequests / emails,
      snsPublishes: snsPublishes / emails,
      lambdaInvocations: invocations / emails,
    },
    perThousand: { lambda, sqs, dynamo, sns, ses, total: lambda + sqs + dynamo + sns + ses },
  };
}

/**
 * What the same send costs on AWS: DynamoDB and SES requests per email as measured on the local
 * stack (the real handlers and stores), queue and Lambda traffic at AWS's batch sizes, and Lambda
 * billed for the modelled round trips of {@link AWS_MODEL_MS} rather than for local wall time (where
 * every stand-in shares two cores). SNS → SQS deliveries are counted as SQS sends (conservative).
 */
export function priceOnAws(m: LocalSendMeasurement): CostBreakdown {
  const local = priceRun(m);
  const emails = local.emails;
  const events = m.enqueued.get('mail-events')?.messages ?? 0;
  const sendCalls = m.enqueued.get('send')?.calls ?? 0;
  const sendBatches = emails / SQS_BATCH;
  const eventBatches = events / AWS_MAIL_EVENTS_BATCH;
  const pages = emails / 100;
  const sqsRequests = sendCalls + 2 * sendBatches + events + 2 * eventBatches + 3 * Math.ceil(pages / 1000);
  const invocations = sendBatches + eventBatches + 1;
  const gbSeconds = ((sendBatches * AWS_MODEL_MS.sendBatch + eventBatches * AWS_MODEL_MS.mailEventsBatch + pages * AWS_MODEL_MS.fanOutPage) / 1000) * LAMBDA_GB;
  const perThousand = (n: number) => (n / emails) * 1000;
  const lambda = perThousand(gbSeconds * PRICES.lambdaArmGbSecond + (invocations / 1e6) * PRICES.lambdaPerMillionRequests);
  const sqs = perThousand((sqsRequests / 1e6) * PRICES.sqsPerMillionRequests);
  const { dynamo, sns, ses } = local.perThousand;
  return {
    emails,
    perEmail: { ...local.perEmail, workerMs: {}, sqsRequests: sqsRequests / emails, lambdaInvocations: invocations / emails },
    perThousand: { lambda, sqs, dynamo, sns, ses, total: lambda + sqs + dynamo + sns + ses },
  };
}

const usd = (n: number) => `$${n < 0.01 ? n.toFixed(5) : n.toFixed(4)}`;

/** Emails in each of figure 4's own sends (one with delivery events, and one without when figure 2 did not run). */
const OWN_SEND = { subscribers: 1_000, rate: 100, release: 'sample' as const };

export async function run(): Promise<BenchResult> {
  const figure2 = lastMeasurement;
  // The default stack publishes no delivery events (figure 2's run); a stack deployed with them is priced beside it.
  const off = figure2 ?? (await measure(OWN_SEND));
  const on = await measure({ ...OWN_SEND, env: { PRESSROOM_DELIVERY_EVENTS: 'true' } });
  const c = priceRun(off);
  const e = c.perEmail;
  const p = c.perThousand;
  const infra = p.total - p.ses;
  const awsOn = priceOnAws(on);
  const awsOff = priceOnAws(off);
  const besides = (b: CostBreakdown) => b.perThousand.total - b.perThousand.ses;
  const rows: BenchRow[] = [
    { metric: 'emails in the measured run', value: `${c.emails} (SES limited to ${off.options.rate}/s)${figure2 ? " (figure 2's run)" : ''}` },
    ...Object.entries(e.workerMs).map(([name, ms]) => ({ metric: `worker wall ms per email: ${name}`, value: ms.toFixed(2) })),
    { metric: 'Lambda invocations per email (local batches of 10)', value: e.lambdaInvocations.toFixed(3) },
    { metric: 'DynamoDB read / write units per email (as DynamoDB reports them consumed)', value: `${e.dynamoReads.toFixed(2)} / ${e.dynamoWrites.toFixed(2)}` },
    { metric: 'SQS requests per email (sends + receives + deletes)', value: e.sqsRequests.toFixed(2) },
    { metric: 'SES requests per email (incl. throttled attempts)', value: e.sesRequests.toFixed(3) },
    { metric: 'SNS publishes per email (mail events)', value: e.snsPublishes.toFixed(2) },
    { metric: '$ per 1,000 emails, local wall time as Lambda time (upper bound): Lambda / DynamoDB / SQS / SNS', value: `${usd(p.lambda)} / ${usd(p.dynamo)} / ${usd(p.sqs)} / ${usd(p.sns)}` },
    { metric: '$ per 1,000 emails, local wall time as Lambda time: Pressroom besides SES', value: `${usd(infra)} (${((infra / p.ses) * 100).toFixed(1)}% of SES)` },
  ];
  for (const [label, m, b] of [['without delivery events (default)', off, awsOff], ['with delivery events (-c deliveryEvents=true)', on, awsOn]] as const) {
    const q = b.perThousand;
    rows.push(
      { metric: `AWS, ${label}: DynamoDB read / write units per email (measured, ${b.emails} emails)`, value: `${b.perEmail.dynamoReads.toFixed(2)} / ${b.perEmail.dynamoWrites.toFixed(2)}` },
      { metric: `AWS, ${label}: SQS requests / SNS publishes / invocations per email (modelled)`, value: `${b.perEmail.sqsRequests.toFixed(3)} / ${b.perEmail.snsPublishes.toFixed(2)} / ${b.perEmail.lambdaInvocations.toFixed(3)}` },
      { metric: `AWS, ${label}: $ per 1,000: Lambda / DynamoDB / SQS / SNS`, value: `${usd(q.lambda)} / ${usd(q.dynamo)} / ${usd(q.sqs)} / ${usd(q.sns)}` },
      { metric: `AWS, ${label}: Pressroom besides SES, $ per 1,000`, value: `${usd(besides(b))} (total with SES ${usd(q.total)})`, target: '≤ $0.002' },
      { metric: `AWS, ${label}: lost / duplicated in the measured send`, value: `${m.lost} / ${m.duplicated}`, target: '0 / 0' },
    );
  }
  const values: Record<string, number> = {
    emails: c.emails,
    ...Object.fromEntries(Object.entries(e.workerMs).map(([name, ms]) => [`workerMsPerEmail_${name}`, ms])),
    dynamoReadsPerEmail: e.dynamoReads,
    dynamoWritesPerEmail: e.dynamoWrites,
    sqsRequestsPerEmail: e.sqsRequests,
    sesRequestsPerEmail: e.sesRequests,
    ...Object.fromEntries(Object.entries(p).map(([k, v]) => [`usdPerThousand_${k}`, v])),
    awsBesidesSesWithDeliveryEvents: besides(awsOn),
    awsBesidesSesWithoutDeliveryEvents: besides(awsOff),
    dynamoWritesPerEmailWithoutDeliveryEvents: awsOff.perEmail.dynamoWrites,
  };
  const failures = [on, off].flatMap((m, i) => (m.lost || m.duplicated ? [`${i ? 'without' : 'with'} delivery events: ${m.lost} lost, ${m.duplicated} duplicated`] : []));
  if (off.enqueued.get('mail-events')?.messages) failures.push(`without delivery events the local SES still queued ${off.enqueued.get('mail-events')!.messages} mail events`);
  return {
    name: 'cost-model',
    title: 'Figure 4: cost model, $ per 1,000 emails beside SES',
    rows,
    values,
    failures,
    notes: [
      figure2 ? "The first rows are figure 2's run (the default, without delivery events); the send with delivery events is one of 1,000 of figure 4's own." : 'Figure 2 did not run in this process: both sends are figure 4\'s own, 1,000 emails each.',
      'Local worker time is wall time with every stand-in sharing one process and two cores: an upper bound. The AWS rows bill Lambda for modelled round trips (AWS_MODEL_MS) at AWS batch sizes (send 10, mail events 100).',
      'Not per email, so left out: idle Lambda event-source polling (long polls on empty queues), storage (figure 7), CloudWatch, data transfer.',
      'Requests listed per command (first run, without delivery events): ' + [...off.requests].map(([k, n]) => `${k} ${(n / c.emails).toFixed(2)}`).join(', '),
      'With delivery events: ' + [...on.requests].map(([k, n]) => `${k} ${(n / on.accepted).toFixed(2)}`).join(', '),
      ...[on, off].map((m, i) => `Units per email by item (${i ? 'without' : 'with'} delivery events): ` + [...(m.capacity?.byKind ?? [])].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${(n / m.accepted).toFixed(3)}`).join(', ')),
      'Invocations (with / without delivery events): ' + [on, off].map((m) => [...m.handlers].map(([name, h]) => `${name} ${h.invocations}`).join(', ')).join(' / ') + `; send jobs enqueued ${on.enqueued.get('send')?.messages} / ${off.enqueued.get('send')?.messages}`,
    ],
  };
}
