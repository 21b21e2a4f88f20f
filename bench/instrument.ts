/**
 * Counting for the cost model: SDK requests per command (a middleware on each client, below the
 * retry step so every attempt counts, as AWS bills it), and handler invocations with their wall time
 * (Lambda bills wall time, including the time a send worker waits for its rate slots).
 */
import type { SQSEvent } from 'aws-lambda';
import { handlerModules, type HandlerName } from '../functions/local/handler-registry';

interface StackOwner {
  middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
}

export type RequestCounts = Map<string, number>;

/**
 * Adds a counting middleware to a client: `counts` gets `<service>:<command>` → attempts. With
 * `items`, the keys each BatchGetItem asks for are counted there too: DynamoDB bills a batch read per
 * item (each rounded up to a read unit), not per request.
 */
export function countRequests(client: StackOwner, service: string, counts: RequestCounts, items?: { batchGetItems: number }): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const key = `${service}:${(context.commandName ?? 'unknown').replace(/Command$/, '')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (items && key.endsWith(':BatchGetItem')) {
        const requested = (args as { input?: { RequestItems?: Record<string, { Keys?: unknown[] }> } }).input?.RequestItems ?? {};
        items.batchGetItems += Object.values(requested).reduce((sum, r) => sum + (r.Keys?.length ?? 0), 0);
      }
      return next(args);
    },
    { step: 'deserialize', name: `benchCount${service}`, override: true },
  );
}

/** Capacity units DynamoDB reports having consumed (what on-demand bills), reads and writes apart. */
export interface CapacityUnits {
  read: number;
  write: number;
  /** Units by `read|write <command> <key prefix>`, when given a map. */
  byKind?: Map<string, number>;
}

const READ_COMMANDS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);

/**
 * Asks DynamoDB for the capacity each request consumed (`ReturnConsumedCapacity: TOTAL`, indexes
 * included) and adds it up: the billed units, which depend on item sizes (a 20 KB release read is
 * five read units; a write that also updates an index costs that index's units too), where
 * {@link countRequests} counts requests. dynalite computes them as DynamoDB does.
 */
export function countCapacity(client: StackOwner, units: CapacityUnits): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const input = (args as { input?: Record<string, unknown> }).input;
      if (input) input.ReturnConsumedCapacity = 'TOTAL';
      const result = (await next(args)) as { output?: { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] } };
      const consumed = result.output?.ConsumedCapacity;
      const total = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      const read = READ_COMMANDS.has(context.commandName ?? '');
      if (read) units.read += total;
      else units.write += total;
      // By item kind (the key's first segment), so a figure can say what each email reads and writes.
      const text = (v: unknown) => (typeof v === 'string' ? v : (v as { S?: string } | undefined)?.S);
      const firstBatchKey = Object.values((input?.RequestItems as Record<string, { Keys?: { pk?: unknown }[] }> | undefined) ?? {})[0]?.Keys?.[0]?.pk;
      const pk = text((input?.Key as { pk?: unknown } | undefined)?.pk) ?? text((input?.Item as { pk?: unknown } | undefined)?.pk)
        ?? text((input?.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':pk']) ?? text(firstBatchKey);
      const kind = `${read ? 'read' : 'write'} ${(context.commandName ?? '').replace(/Command$/, '')} ${pk?.split('#')[0] ?? '(batch)'}`;
      units.byKind?.set(kind, (units.byKind.get(kind) ?? 0) + total);
      return result;
    },
    { step: 'initialize', name: 'benchCountCapacity', override: true },
  );
}

/**
 * Counts the messages sent to each queue, and in how many SendMessage(Batch) calls, by a middleware
 * on the SQS client; `names` maps queue URLs to the names the counts are kept under.
 */
export function countEnqueued(client: StackOwner, names: ReadonlyMap<string, string>): Map<string, { messages: number; calls: number }> {
  const counts = new Map([...names.values()].map((name) => [name, { messages: 0, calls: 0 }]));
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const input = (args as { input?: { QueueUrl?: string; Entries?: unknown[] } }).input;
      const entry = counts.get(names.get(input?.QueueUrl ?? '') ?? '');
      if (entry && (context.commandName === 'SendMessageBatchCommand' || context.commandName === 'SendMessageCommand')) {
        entry.messages += input?.Entries?.length ?? 1;
        entry.calls++;
      }
      return next(args);
    },
    { step: 'initialize', name: 'benchCountEnqueued', override: true },
  );
  return counts;
}

export interface InvocationStats {
  invocations: number;
  records: number;
  wallMs: number;
}

type Factory = (typeof handlerModules)[HandlerName]['makeHandler'];

/**
 * Wraps the named handler modules' `makeHandler` so each invocation is timed; call before the local
 * runner builds its handlers, and `restore()` afterwards.
 */
export function timeHandlers(names: HandlerName[]) {
  const stats = new Map<HandlerName, InvocationStats>(names.map((n) => [n, { invocations: 0, records: 0, wallMs: 0 }]));
  const registry = handlerModules as unknown as Record<HandlerName, { makeHandler: Factory }>;
  const originals = new Map<HandlerName, { makeHandler: Factory }>();
  for (const name of names) {
    const original = registry[name];
    originals.set(name, original);
    registry[name] = {
      ...original,
      makeHandler: ((getDeps: Parameters<Factory>[0]) => {
        const handler = (original.makeHandler as (g: typeof getDeps) => (e: unknown, c: unknown) => Promise<unknown>)(getDeps);
        return async (event: unknown, context: unknown) => {
          const started = performance.now();
          try {
            return await handler(event, context);
          } finally {
            const s = stats.get(name)!;
            s.invocations++;
            s.records += (event as SQSEvent).Records?.length ?? 0;
            s.wallMs += performance.now() - started;
          }
        };
      }) as unknown as Factory,
    };
  }
  return {
    stats,
    restore() {
      for (const [name, original] of originals) registry[name] = original;
    },
  };
}
