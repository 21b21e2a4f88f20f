/**
 * Seeds many confirmed subscribers straight into the table with BatchWriteItem (25 items a call, a
 * few calls in flight), for the benchmarks only: through the store, each subscriber costs about
 * seven sequential round trips and 100,000 of them would take most of an hour in dynalite.
 *
 * The items mirror what `DynamoSubscriberStore.addConfirmed` writes (adapters/dynamodb/table.ts has
 * the layout). {@link checkSeeded} reads a sample back through the real store, so a change to that
 * layout shows up as a benchmark failure rather than as a quietly wrong figure.
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SubscriberStore } from '../functions/domain/subscriber/ports';
import type { TableRef } from '../functions/adapters/dynamodb/table';

export interface SeededSubscriber {
  id: string;
  email: string;
}

export interface SeedOptions {
  listId: string;
  count: number;
  /** `email` and `profile` too (what a send reads); memberships alone are all a fan-out reads. */
  membershipsOnly?: boolean;
  /** BatchWrite calls in flight. */
  concurrency?: number;
  now?: Date;
}

const BATCH = 25;

export const seedEmail = (i: number) => `reader-${String(i).padStart(6, '0')}@example.com`;

export async function seedSubscribers(table: TableRef, options: SeedOptions): Promise<SeededSubscriber[]> {
  const at = (options.now ?? new Date()).toISOString();
  const subscribers = Array.from({ length: options.count }, (_, i) => ({ id: randomUUID(), email: seedEmail(i) }));
  const items = subscribers.flatMap(({ id, email }) => {
    const membership = {
      pk: `SUB#${id}`,
      sk: `LIST#${options.listId}`,
      subscriberId: id,
      listId: options.listId,
      status: 'confirmed',
      changedAt: at,
      gsi1pk: `MEMBERS#${options.listId}`,
      gsi1sk: id,
      gsi2pk: `LIST#${options.listId}`,
      gsi2sk: id,
    };
    if (options.membershipsOnly) return [membership];
    return [
      { pk: `EMAIL#${email.toLowerCase()}`, sk: 'EMAIL', subscriberId: id },
      { pk: `SUB#${id}`, sk: 'PROFILE', id, email, createdAt: at },
      membership,
    ];
  });
  let next = 0;
  const worker = async () => {
    for (let start = next; start < items.length; start = next) {
      next += BATCH;
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [table.tableName]: items.slice(start, start + BATCH).map((Item) => ({ PutRequest: { Item } })),
      };
      // Unprocessed items are retried; bounded, as everything here.
      for (let attempt = 0; request && Object.keys(request).length && attempt < 20; attempt++) {
        const { UnprocessedItems } = await table.doc.send(new BatchWriteCommand({ RequestItems: request }));
        request = UnprocessedItems as typeof request;
      }
      if (request && Object.keys(request).length) throw new Error('BatchWrite left items unprocessed after 20 attempts');
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return subscribers;
}

/** Reads the first and last seeded subscriber back through the real store; returns the problems. */
export async function checkSeeded(store: SubscriberStore, seeded: SeededSubscriber[], listId: string, full: boolean): Promise<string[]> {
  const problems: string[] = [];
  for (const s of [seeded[0], seeded.at(-1)!]) {
    if (full) {
      const found = await store.findByEmail(s.email);
      if (found?.id !== s.id) problems.push(`seeded ${s.email} not found by the store`);
      else if (!found.memberships.some((m) => m.listId === listId && m.status === 'confirmed')) problems.push(`seeded ${s.email} not confirmed on ${listId}`);
    }
  }
  const page = await store.pageConfirmedMembers(listId, undefined, 5);
  if (!page.subscriberIds.length) problems.push(`no confirmed member of ${listId} visible to the fan-out`);
  return problems;
}
