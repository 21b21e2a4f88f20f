import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';

/**
 * Events as each trigger hands them to a function on AWS: API Gateway HTTP API payload 2.0, an SQS
 * batch from the event source mapping, and (in functions/local/local-scheduler.ts) the Scheduler's.
 */

export interface HttpRequest {
  /** Route key as declared, e.g. `GET /releases/{id}`. */
  route: string;
  /** The path as requested, e.g. `/releases/spring-update`. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  sourceIp?: string;
}

/** An API Gateway HTTP API (payload 2.0) event for one request to a declared route. */
export function httpEvent(request: HttpRequest): APIGatewayProxyEventV2 {
  const [method, pattern] = request.route.split(' ');
  const names: string[] = [];
  const regex = new RegExp(`^${pattern.replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
  const match = regex.exec(request.path);
  if (!match) throw new Error(`${request.path} does not match the route ${request.route}`);
  const pathParameters = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
  const headers = Object.fromEntries(Object.entries({ host: 'api.example.org', 'user-agent': 'artifact-test', ...request.headers }).map(([k, v]) => [k.toLowerCase(), v]));
  const rawQueryString = new URLSearchParams(request.query ?? {}).toString();
  const now = new Date();
  return {
    version: '2.0',
    routeKey: request.route,
    rawPath: request.path,
    rawQueryString,
    headers,
    queryStringParameters: request.query && Object.keys(request.query).length ? request.query : undefined,
    pathParameters: names.length ? pathParameters : undefined,
    body: request.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'artifact',
      domainName: headers.host,
      domainPrefix: 'api',
      http: { method, path: request.path, protocol: 'HTTP/1.1', sourceIp: request.sourceIp ?? '198.51.100.7', userAgent: headers['user-agent'] },
      requestId: randomUUID(),
      routeKey: request.route,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  };
}

/** An SQS event source batch: each body JSON-encoded, as the SQS adapter sends it. */
export function sqsEvent(queueArn: string, bodies: unknown[], options: { receiveCount?: number } = {}): SQSEvent {
  const now = String(Date.now());
  return {
    Records: bodies.map((body) => ({
      messageId: randomUUID(),
      receiptHandle: randomUUID(),
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: String(options.receiveCount ?? 1),
        SentTimestamp: now,
        SenderId: 'AROAEXAMPLE',
        ApproximateFirstReceiveTimestamp: now,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: queueArn.split(':')[3],
    })),
  };
}
