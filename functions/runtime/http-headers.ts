import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Lower-cased header lookup (API Gateway v2 already lower-cases; local callers may not). */
export function header(event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
