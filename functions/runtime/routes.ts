import { functionSpecs, QUEUE_NAMES, type FunctionName, type FunctionSpec, type QueueName } from './function-specs';

export { MAX_RECEIVE_COUNT } from './function-specs';

/**
 * The triggers of every function, read off functions/runtime/function-specs.ts in the shapes the
 * CDK constructs and the local runner consume: the HTTP API as a table of routes, the queue
 * consumers, the schedules.
 */
export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** API Gateway HTTP API path syntax: `{name}` is a path parameter. */
  path: string;
  /** Handler module under `functions/handlers/`, without extension. It exports `handler` and `makeHandler`. */
  handler: FunctionName;
}

const specs = Object.entries(functionSpecs) as [FunctionName, FunctionSpec][];

export const routes: RouteDefinition[] = specs.flatMap(([handler, spec]) =>
  (spec.http ?? []).map((key) => {
    const [method, path] = key.split(' ') as [RouteDefinition['method'], string];
    return { method, path, handler };
  }),
);

/** Queue consumers: one SQS queue (with its DLQ) per entry, in the order work flows. */
export const queueConsumers: readonly { queue: QueueName; handler: FunctionName }[] = QUEUE_NAMES.map((queue) => {
  const consumers = specs.filter(([, spec]) => spec.queue === queue);
  // A queue read by two functions would split its messages between them: never what is meant.
  if (consumers.length !== 1) throw new Error(`Queue "${queue}" needs exactly one consumer in function-specs.ts, has ${consumers.length}`);
  return { queue, handler: consumers[0][0] };
});

/** Scheduled handlers: an EventBridge Scheduler schedule per entry. */
export const schedules: readonly { name: string; handler: FunctionName; rate: string }[] = specs.flatMap(([handler, spec]) =>
  (spec.schedules ?? []).map(({ name, rate }) => ({ name, handler, rate })),
);
