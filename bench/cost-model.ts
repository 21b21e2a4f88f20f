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
  const dynamoReads = count('dynamodb', READS);
  const dynamoWrites = count('dynamodb', WRITES);
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

const usd = (n: number) => `$${n < 0.001 ? n.toFixed(5) : n.toFixed(4)}`;

export async function run(): Promise<BenchResult> {
  const m = lastMeasurement ?? (await measure({ subscribers: 1_000 }));
  const c = priceRun(m);
  const e = c.perEmail;
  const p = c.perThousand;
  const infra = p.total - p.ses;
  const rows: BenchRow[] = [
    { metric: 'emails in the measured run', value: `${c.emails} (SES limited to ${m.options.rate}/s)` },
    ...Object.entries(e.workerMs).map(([name, ms]) => ({ metric: `worker wall ms per email: ${name}`, value: ms.toFixed(2) })),
    { metric: 'Lambda invocations per email', value: e.lambdaInvocations.toFixed(3) },
    { metric: 'DynamoDB requests per email: reads / writes', value: `${e.dynamoReads.toFixed(2)} / ${e.dynamoWrites.toFixed(2)}` },
    { metric: 'SQS requests per email (sends + receives + deletes)', value: e.sqsRequests.toFixed(2) },
    { metric: 'SES requests per email (incl. throttled attempts)', value: e.sesRequests.toFixed(3) },
    { metric: 'SNS publishes per email (mail events)', value: e.snsPublishes.toFixed(2) },
    { metric: '$ per 1,000 emails: Lambda (arm64, 512 MB)', value: usd(p.lambda) },
    { metric: '$ per 1,000 emails: DynamoDB on-demand', value: usd(p.dynamo) },
    { metric: '$ per 1,000 emails: SQS', value: usd(p.sqs) },
    { metric: '$ per 1,000 emails: SNS', value: usd(p.sns) },
    { metric: '$ per 1,000 emails: Pressroom besides SES', value: `${usd(infra)} (${((infra / p.ses) * 100).toFixed(0)}% of SES)` },
    { metric: '$ per 1,000 emails: SES itself', value: usd(p.ses) },
    { metric: '$ per 1,000 emails: total', value: usd(p.total) },
  ];
  const values: Record<string, number> = {
    emails: c.emails,
    ...Object.fromEntries(Object.entries(e.workerMs).map(([name, ms]) => [`workerMsPerEmail_${name}`, ms])),
    dynamoReadsPerEmail: e.dynamoReads,
    dynamoWritesPerEmail: e.dynamoWrites,
    sqsRequestsPerEmail: e.sqsRequests,
    sesRequestsPerEmail: e.sesRequests,
    ...Object.fromEntries(Object.entries(p).map(([k, v]) => [`usdPerThousand_${k}`, v])),
  };
  return {
    name: 'cost-model',
    title: 'Figure 4: cost model, $ per 1,000 emails beside SES',
    rows,
    values,
    failures: [],
    notes: [
      lastMeasurement ? "Counts and times are figure 2's run." : 'Figure 2 did not run in this process: measured on a send of 1,000 of its own.',
      'Worker time is local wall time with every stand-in sharing one process and two cores: an upper bound for Lambda, where DynamoDB answers in a few ms and each worker has its own CPU.',
      'Not per email, so left out: idle Lambda event-source polling (long polls on empty queues), storage, CloudWatch, data transfer.',
      'Requests listed per command: ' + [...m.requests].map(([k, n]) => `${k} ${(n / c.emails).toFixed(2)}`).join(', '),
    ],
  };
}
