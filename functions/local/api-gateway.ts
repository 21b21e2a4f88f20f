import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RouteDefinition } from '../runtime/routes';

/**
 * Turns Node HTTP requests into API Gateway HTTP API (payload 2.0) events and handler results back
 * into responses, so the local runner invokes handlers exactly as Lambda would.
 */
export interface RouteMatch {
  route: RouteDefinition;
  pathParameters: Record<string, string>;
}

export function compileRoutes(routes: RouteDefinition[]): (method: string, path: string) => RouteMatch | undefined {
  const compiled = routes.map((route) => {
    const names: string[] = [];
    const pattern = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, names, regex: new RegExp(`^${pattern}$`) };
  });
  return (method, path) => {
    for (const { route, names, regex } of compiled) {
      if (route.method !== method) continue;
      const match = regex.exec(path);
      if (match) {
        return { route, pathParameters: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1])])) };
      }
    }
    return undefined;
  };
}

export async function readBody(req: IncomingMessage, limitBytes = 10 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // API Gateway's own payload limit is 10 MB; refuse the same.
    if (size > limitBytes) throw Object.assign(new Error('Request body too large'), { statusCode: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml)|multipart\/form-data)/i;

export function toApiGatewayEvent(req: IncomingMessage, body: Buffer, match: RouteMatch): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const isText = !body.length || TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
  // Payload 2.0 moves the Cookie header into `cookies`, one entry per cookie; handlers see only that.
  const cookies = headers.cookie?.split(';').map((c) => c.trim()).filter(Boolean);
  delete headers.cookie;
  const query = Object.fromEntries(url.searchParams);
  const now = new Date();
  const routeKey = `${match.route.method} ${match.route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(cookies?.length ? { cookies } : {}),
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(match.pathParameters).length ? match.pathParameters : undefined,
    body: body.length ? (isText ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: !isText,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: match.route.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  };
}

export function sendResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  res.statusCode = result.statusCode ?? 200;
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
  const body = result.body ?? '';
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}
