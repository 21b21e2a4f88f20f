import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** Account and region the local stand-ins put into ARNs, so code that parses ARNs sees familiar shapes. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'local';

export interface FakeLambdaContextOptions {
  /** Deadline reported by `getRemainingTimeInMillis`, counted from creation. Default 60 000 ms. */
  timeoutMs?: number;
  memoryLimitInMB?: number;
  /** Time source, for tests that control the clock. Default `Date.now`. */
  now?: () => number;
}

/**
 * Builds the `Context` a Lambda invocation receives, for running the real handlers in-process.
 * Each call is one invocation: it gets a fresh `awsRequestId` and its deadline starts now.
 *
 * The deprecated callback-style `done`/`fail`/`succeed` throw: our handlers return promises, and a
 * handler that reaches for them would misbehave on AWS too.
 *
 * @example
 * const context = fakeLambdaContext('send-worker', { timeoutMs: 30_000 });
 * await handler(event, context);
 */
export function fakeLambdaContext(functionName: string, options: FakeLambdaContextOptions = {}): Context {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.timeoutMs ?? 60_000);
  const day = new Date(now()).toISOString().slice(0, 10).replaceAll('-', '/');
  const callbackStyle = (): never => {
    throw new Error(`${functionName}: callback-style completion is not supported; return a promise instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 1024),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: callbackStyle,
    fail: callbackStyle,
    succeed: callbackStyle,
  };
}
