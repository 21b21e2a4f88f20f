import type { ServiceName } from './service-names';
/**
 * Every Lambda function of Pressroom, declared once: what invokes it, what it may touch, and its
 * limits. The CDK stack builds each function, its triggers and its IAM policy from this table; the
 * local runner serves the same routes, queues and schedules from it; the IAM conformance test
 * (tests/iam/) checks every AWS call a handler makes against the policy built from it.
 *
 * A function's name is its handler module under `functions/handlers/<name>.ts`.
 */

/** API Gateway HTTP API route key: `METHOD /path`, `{name}` being a path parameter. */
export type RouteKey = `${'GET' | 'POST' | 'PATCH' | 'DELETE'} /${string}`;

/**
 * The work queues: a release's, in the order its work flows (fan-out → send → mail events), then
 * sign-ups, which are answered at once and acted on from the queue, then staff's bulk jobs (CSV
 * imports in slices, list exports), then outgoing webhooks (events, and each delivery's retries).
 */
export const QUEUE_NAMES = ['fan-out', 'send', 'mail-events', 'signups', 'bulk', 'webhooks'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * Receives of one message before its queue moves it to the dead-letter queue. The CDK redrive
 * policy, the local queues and the send worker (which counts a job failing on its last receive as
 * dead-lettered) all read this one value (the runtime through `PRESSROOM_MAX_RECEIVE_COUNT`).
 */
export const MAX_RECEIVE_COUNT = 5;

export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_MEMORY_MB = 512;

/**
 * The heavy parts of the wiring (runtime/deps.ts FunctionParts) that only some functions use: the
 * MJML `renderer`, the confirmation `systemEmails`, the social `channels`. A function's entry file
 * passes the parts it declares to the AWS wiring, so its bundle carries those and no others
 * (tests/infra/bundle-contents.test.ts checks each bundle against this list).
 */
export type FunctionPart = 'renderer' | 'systemEmails' | 'channels' | 'files';

/** The folders of the staff file bucket: uploaded CSV imports, and written exports. */
export type FileFolder = 'imports' | 'exports';

/** The feature services (functions/services/, composed by runtime/compose.ts) a handler may call. */
export type FunctionService = ServiceName;

export interface FunctionSpec {
  /** HTTP routes it serves. */
  http?: readonly RouteKey[];
  /** The queue it consumes (SQS event source, batches of 10, partial batch failures). */
  queue?: QueueName;
  /** EventBridge Scheduler schedules that invoke it. */
  schedules?: readonly { name: string; rate: string }[];
  /**
   * The table: `read` for functions that only look (pages, feeds, exports), `read-write` for those
   * that change something; absent for a function that never touches it. Only a read-write function
   * seeds the configured lists at cold start.
   */
  table?: 'read' | 'read-write';
  /** Queues it sends jobs to. */
  sendsTo?: readonly QueueName[];
  /** Sends email through SES (ses:SendRawEmail from the configured sender and configuration set). */
  sendsEmail?: boolean;
  /** Reads SES's sending quota (ses:GetSendQuota), which the send pacer paces by. */
  readsSendQuota?: boolean;
  /**
   * Staff's files in the S3 bucket, by folder: `read` (GetObject, HeadObject; a pre-signed download
   * link is the function's own read) and `write` (PutObject and multipart; a pre-signed upload link
   * is the function's own write). Needs the `files` part.
   */
  files?: { read?: readonly FileFolder[]; write?: readonly FileFolder[] };
  /** Reads the dead-letter queues' depth and moves their messages back (staff: /admin/queues). */
  redrivesDeadLetters?: boolean;
  /**
   * The feature services its handler calls. Its entry file passes these (and no others) to the AWS
   * wiring, which refuses a function whose entry file passes a different set; the local runner
   * composes each function from this list too, so a handler that calls an undeclared service fails
   * every test that reaches it.
   */
  services: readonly FunctionService[];
  /** Heavy parts of the wiring it uses; none when absent. */
  parts?: readonly FunctionPart[];
  timeoutSeconds?: number;
  memoryMb?: number;
}

/**
 * The functions. Every one reads the one Secrets Manager secret: IAM grants a secret whole, not
 * its JSON keys (README: "Secrets").
 */
export const functionSpecs = {
  // Renders the release to check it, and schedules a post per configured channel.
  'publish-release': { services: ['releases'], http: ['POST /webhooks/releases'], table: 'read-write', sendsTo: ['fan-out'], parts: ['renderer', 'channels'] },
  // Serves the stored web version, rendering it when none is stored.
  'release-page': { services: ['site'], http: ['GET /releases/{id}'], table: 'read', parts: ['renderer'] },
  // Syndication: RSS, Atom and JSON Feed of all releases and of each public list, and the archive page.
  feeds: { services: ['site'], http: ['GET /feeds/{feed}'], table: 'read' },
  archive: { services: ['site'], http: ['GET /archive'], table: 'read' },
  // Subscribers: double opt-in and the preference centre. A sign-up is counted, checked and queued,
  // the same work whatever the address (no one can learn its state from the answer or its timing);
  // process-signup records it and sends the confirmation email.
  subscribe: { services: ['subscribers'], http: ['GET /subscribe', 'POST /subscribe'], table: 'read-write', sendsTo: ['signups'] },
  'process-signup': { services: ['subscribers'], queue: 'signups', table: 'read-write', sendsEmail: true, parts: ['systemEmails'] },
  // Confirming queues the lists' welcome emails, which process-signup sends, and tells outgoing
  // webhooks; unsubscribe, mail-events, the send's end and social posts tell them too (one message each).
  confirm: { services: ['subscribers'], http: ['GET /confirm/{token}', 'POST /confirm/{token}'], table: 'read-write', sendsTo: ['signups', 'webhooks'] },
  preferences: { services: ['subscribers'], http: ['GET /preferences/{token}', 'POST /preferences/{token}'], table: 'read-write', sendsTo: ['webhooks'] },
  unsubscribe: { services: ['subscribers'], http: ['GET /unsubscribe/{token}', 'POST /unsubscribe/{token}'], table: 'read-write', sendsTo: ['webhooks'] },
  // Staff: subscribers, lists, CSV import (which emails a confirmation without consent) and export.
  'admin-subscribers': {
    services: ['subscribers'],
    http: [
      'POST /admin/subscribers',
      'GET /admin/subscribers',
      'PATCH /admin/subscribers/{subscriberId}',
      'DELETE /admin/subscribers/{subscriberId}',
      'GET /admin/subscribers/{subscriberId}/history',
      'GET /admin/subscribers/{subscriberId}/data',
    ],
    table: 'read-write',
    // An import with consent queues the welcome of lists that welcome imports; a change of lists by
    // hand tells webhooks (subscriber.confirmed / unsubscribed).
    sendsTo: ['signups', 'webhooks'],
  },
  'admin-lists': {
    services: ['lists'],
    http: ['GET /admin/lists', 'POST /admin/lists', 'GET /admin/lists/{listId}', 'PATCH /admin/lists/{listId}', 'POST /admin/lists/{listId}/recount'],
    table: 'read-write',
  },
  // Exports: small lists at once as CSV; any list as a job whose file is downloaded by a pre-signed link.
  'admin-export': {
    services: ['subscribers'],
    http: ['GET /admin/lists/{listId}/export.csv', 'POST /admin/lists/{listId}/exports', 'GET /admin/exports/{exportId}'],
    table: 'read-write',
    sendsTo: ['bulk'],
    parts: ['files'],
    files: { read: ['exports'] },
  },
  // Imports run as jobs: a file sent with the request is stored and its first slice run at once;
  // a large file is uploaded through a pre-signed URL and started. bulk-jobs does the rest.
  'admin-import': {
    services: ['subscribers'],
    http: ['POST /admin/imports', 'POST /admin/imports/uploads', 'POST /admin/imports/{importId}/start', 'GET /admin/imports/{importId}'],
    table: 'read-write',
    sendsEmail: true,
    sendsTo: ['bulk', 'signups'],
    parts: ['systemEmails', 'files'],
    files: { read: ['imports'], write: ['imports'] },
  },
  // One message at a time: the next slice of an import (sent back to its own queue while the file
  // has more), or a whole export written to a file. Imports without consent email confirmations.
  'bulk-jobs': {
    services: ['subscribers'],
    queue: 'bulk',
    table: 'read-write',
    sendsEmail: true,
    sendsTo: ['bulk', 'signups'],
    parts: ['systemEmails', 'files'],
    files: { read: ['imports'], write: ['exports'] },
    // An export writes its whole file in one invocation: about a million members in Lambda's 15 minutes.
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  // Preview and test send (a test send is a real email to staff).
  'admin-releases': { services: ['releases', 'delivery'], http: ['POST /admin/releases/preview', 'POST /admin/releases/{id}/test'], table: 'read-write', sendsEmail: true, parts: ['renderer'] },
  // Releases newest first with their progress; a release's status, its send progress, and pausing,
  // resuming (which may queue the fan-out again) or cancelling it; retrying a failed social post.
  'admin-sends': {
    services: ['releases', 'delivery', 'social'],
    http: [
      'GET /admin/releases',
      'GET /admin/releases/{id}',
      'GET /admin/releases/{id}/send',
      'GET /admin/releases/{id}/engagement',
      'GET /admin/releases/{id}/recipients',
      'POST /admin/releases/{id}/pause',
      'POST /admin/releases/{id}/resume',
      'POST /admin/releases/{id}/cancel',
      'POST /admin/releases/{id}/social/{channel}/retry',
    ],
    table: 'read-write',
    // A resume that finds every job ended completes the send, which tells webhooks `release.sent`.
    sendsTo: ['fan-out', 'webhooks'],
  },
  // The staff console: sign-in by emailed link (only staff addresses are emailed), sessions, and its pages
  // (releases; staff, personal API tokens and the audit log).
  console: {
    services: ['sessions', 'delivery', 'lists', 'team'],
    http: [
      'GET /console',
      'GET /console/assets/console.css',
      'POST /console/sign-in',
      'GET /console/sign-in/{token}',
      'POST /console/sign-in/{token}',
      'POST /console/sign-out',
      'GET /console/releases',
      'GET /console/staff',
      'POST /console/staff',
      'POST /console/staff/{email}/role',
      'GET /console/staff/{email}/remove',
      'POST /console/staff/{email}/remove',
      'GET /console/tokens',
      'POST /console/tokens',
      'GET /console/tokens/{tokenId}/revoke',
      'POST /console/tokens/{tokenId}/revoke',
      'GET /console/audit',
    ],
    table: 'read-write',
    sendsEmail: true,
    parts: ['systemEmails'],
  },
  // The console's audience pages (admins): lists, subscribers, CSV imports and list exports, dead
  // letters, outgoing webhook endpoints (and their delivery logs). A function of its own rather than
  // more routes on `console`: these pages need the staff file bucket, the bulk queue, every work
  // queue's dead letters and confirmation emails for imports without consent, which the sign-in and
  // releases pages must not be able to reach.
  'console-audience': {
    services: ['sessions', 'lists', 'subscribers', 'delivery', 'webhooks'],
    http: [
      'GET /console/lists',
      'POST /console/lists',
      'GET /console/lists/{listId}',
      'POST /console/lists/{listId}',
      'POST /console/lists/{listId}/exports',
      'GET /console/exports/{exportId}',
      'GET /console/subscribers',
      'POST /console/subscribers/{subscriberId}/lists',
      'GET /console/subscribers/{subscriberId}/data',
      'GET /console/subscribers/{subscriberId}/erase',
      'POST /console/subscribers/{subscriberId}/erase',
      'GET /console/imports',
      'POST /console/imports',
      'GET /console/imports/{importId}',
      'GET /console/dead-letters',
      'GET /console/dead-letters/{queue}/redrive',
      'POST /console/dead-letters/{queue}/redrive',
      'GET /console/webhooks',
      'POST /console/webhooks',
      'GET /console/webhooks/{endpointId}',
      'POST /console/webhooks/{endpointId}',
      'GET /console/webhooks/{endpointId}/remove',
      'POST /console/webhooks/{endpointId}/remove',
    ],
    table: 'read-write',
    // Imports without consent email each new address a confirmation, as admin-import does.
    sendsEmail: true,
    sendsTo: ['bulk', 'signups'],
    parts: ['systemEmails', 'files'],
    // Uploads are stored into imports/ and read back slice by slice; exports are read for their link.
    files: { read: ['imports', 'exports'], write: ['imports'] },
    redrivesDeadLetters: true,
  },
  // One release in the console: its page, the live figures its script polls, and what staff do there
  // (pause, resume, cancel, retry a failed post, send a test). A test send mails the rendering stored
  // at publication, so no renderer part; a resume may queue the fan-out again.
  'console-release': {
    services: ['sessions', 'team', 'releases', 'delivery', 'social'],
    http: [
      'GET /console/assets/release.js',
      'GET /console/releases/{id}',
      'GET /console/releases/{id}/stats',
      'POST /console/releases/{id}/pause',
      'POST /console/releases/{id}/resume',
      'GET /console/releases/{id}/cancel',
      'POST /console/releases/{id}/cancel',
      'POST /console/releases/{id}/social/{channel}/retry',
      'POST /console/releases/{id}/test',
    ],
    table: 'read-write',
    sendsEmail: true,
    // As admin-sends: a resume may complete the send (`release.sent` to webhooks).
    sendsTo: ['fan-out', 'webhooks'],
  },
  // The console's compose pages: drafts, preview, test send, publish (through the releases service's
  // publish, the webhook's use case); and the sources pages, whose "poll now" and "publish now"
  // publish the same way. Apart from `console` because it loads MJML and the channels.
  'console-compose': {
    services: ['sessions', 'drafts', 'lists', 'sources'],
    http: [
      'GET /console/assets/compose.js',
      'GET /console/compose',
      'POST /console/compose',
      'POST /console/compose/counts',
      'GET /console/drafts',
      'GET /console/drafts/{id}',
      'POST /console/drafts/{id}',
      'GET /console/sources',
      'POST /console/sources',
      'GET /console/sources/{sourceId}',
      'POST /console/sources/{sourceId}',
      'POST /console/sources/{sourceId}/poll',
      'POST /console/sources/{sourceId}/items/{releaseId}/publish',
      'GET /console/sources/{sourceId}/remove',
      'POST /console/sources/{sourceId}/remove',
    ],
    table: 'read-write',
    sendsEmail: true,
    sendsTo: ['fan-out'],
    parts: ['renderer', 'channels'],
    // "Poll now" on a source's page reads the feed and maybe article pages (20 s and 15 s each at most).
    timeoutSeconds: 120,
  },
  // Staff: dead-letter queue depths and redrive.
  // Feed sources and Ghost sources: staff register them and poll a feed now; the schedule polls
  // each feed when due; Ghost calls its webhook. A post is published through the webhook's own use
  // case (rendered and checked, its posts scheduled, its send queued), so each declares its parts.
  'admin-sources': {
    services: ['sources'],
    http: [
      'GET /admin/sources',
      'POST /admin/sources',
      'GET /admin/sources/{sourceId}',
      'PATCH /admin/sources/{sourceId}',
      'DELETE /admin/sources/{sourceId}',
      'POST /admin/sources/{sourceId}/poll',
      'POST /admin/sources/{sourceId}/items/{releaseId}/publish',
    ],
    table: 'read-write',
    sendsTo: ['fan-out'],
    parts: ['renderer', 'channels'],
    timeoutSeconds: 120,
  },
  'poll-sources': {
    services: ['sources'],
    schedules: [{ name: 'poll-sources', rate: 'rate(1 minute)' }],
    table: 'read-write',
    sendsTo: ['fan-out'],
    parts: ['renderer', 'channels'],
    timeoutSeconds: 300,
  },
  'ghost-webhook': { services: ['sources'], http: ['POST /webhooks/ghost/{sourceId}'], table: 'read-write', sendsTo: ['fan-out'], parts: ['renderer', 'channels'] },
  'admin-queues': { services: ['delivery'], http: ['GET /admin/queues', 'POST /admin/queues/{queue}/redrive'], redrivesDeadLetters: true },
  // Renders the release once and pages through every targeted list, queueing its own continuation
  // when a long plan runs out of time: more time than a single send.
  'fan-out': { services: ['delivery'], queue: 'fan-out', table: 'read-write', sendsTo: ['send', 'fan-out', 'webhooks'], parts: ['renderer'], timeoutSeconds: 60 },
  // Paces by SES's quota; puts paused and throttled jobs back on its own queue with a delay.
  'send-email': { services: ['delivery'], queue: 'send', table: 'read-write', sendsEmail: true, readsSendQuota: true, sendsTo: ['send', 'webhooks'] },
  // SES bounce, complaint and delivery events, via the configuration set's SNS topic (raw delivery).
  'mail-events': { services: ['delivery'], queue: 'mail-events', table: 'read-write', sendsTo: ['webhooks'] },
  'post-social': { services: ['social'], schedules: [{ name: 'post-social', rate: 'rate(1 minute)' }], table: 'read-write', sendsTo: ['webhooks'], parts: ['channels'] },
  // Outgoing webhooks: staff's endpoints and their delivery logs (admins only), and the queue's
  // consumer, which fans each event out to the endpoints that want it and delivers it, signed,
  // re-queueing a failed delivery on its own queue with a growing delay for a day.
  'admin-webhooks': {
    services: ['webhooks'],
    http: [
      'GET /admin/webhooks',
      'POST /admin/webhooks',
      'GET /admin/webhooks/{endpointId}',
      'PATCH /admin/webhooks/{endpointId}',
      'DELETE /admin/webhooks/{endpointId}',
      'GET /admin/webhooks/{endpointId}/deliveries',
    ],
    table: 'read-write',
  },
  'deliver-webhooks': { services: ['webhooks'], queue: 'webhooks', table: 'read-write', sendsTo: ['webhooks'] },
  // Releases published under embargo start their email send once it ends.
  'release-embargoed': { services: ['releases'], schedules: [{ name: 'release-embargoed', rate: 'rate(1 minute)' }], table: 'read-write', sendsTo: ['fan-out'] },
  // Acts only in the hours after the configured digest day and hour; every other run returns at once.
  'weekly-digest': { services: ['releases'], schedules: [{ name: 'weekly-digest', rate: 'rate(1 hour)' }], table: 'read-write', sendsTo: ['fan-out'], parts: ['renderer'] },
  // Unconfirmed sign-ups are removed once their confirmation link has expired.
  'purge-pending': { services: ['subscribers'], schedules: [{ name: 'purge-pending', rate: 'rate(1 hour)' }], table: 'read-write' },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functionSpecs;

export const functionNames = Object.keys(functionSpecs) as FunctionName[];

/** The declaration of one function; throws for a name that is not declared. */
export function functionSpec(name: string): FunctionSpec {
  const spec = (functionSpecs as Record<string, FunctionSpec>)[name];
  if (!spec) throw new Error(`No function named "${name}" in function-specs.ts`);
  return spec;
}

/**
 * Whether a function serves staff routes (`/admin/*`, `/console/*`): the HTTP edge then reads
 * personal tokens and sessions (GetItem), records a token's use (UpdateItem) and writes audit
 * entries (PutItem) for it, whatever its own `table` access (infra/storage.ts `grantStaffEdge`).
 */
export function servesStaff(name: string): boolean {
  return (functionSpec(name).http ?? []).some((key) => /^\w+ \/(admin|console)\//.test(key));
}

export const timeoutSecondsOf = (name: string): number => functionSpec(name).timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
/** The heavy parts of the wiring a function uses (see {@link FunctionPart}). */
export const partsOf = (name: string): readonly FunctionPart[] => functionSpec(name).parts ?? [];
export const memoryMbOf = (name: string): number => functionSpec(name).memoryMb ?? DEFAULT_MEMORY_MB;
/** The feature services a function's handler calls (see {@link FunctionSpec.services}). */
export const servicesOf = (name: string): readonly FunctionService[] => functionSpec(name).services;

/**
 * Refuses an entry file that passes other services than its function declares: the declaration is
 * what the local runner composes, so the two must agree for local tests to speak for AWS.
 *
 * @throws Error naming the function and both lists.
 */
export function checkComposedServices(name: string, passed: Partial<Record<ServiceName, unknown>>): void {
  const declared = [...servicesOf(name)].sort();
  const given = Object.keys(passed).sort();
  if (declared.join() !== given.join()) {
    throw new Error(`Function "${name}" declares services [${declared.join(', ')}] but its entry file passes [${given.join(', ')}]`);
  }
}
