import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { AbstractIterator, AbstractKeyIterator, AbstractValueIterator } from 'abstract-level';
import { tableDefinition } from '../adapters/dynamodb/table';

/**
 * dynalite 4.0.0 ends the stream of every Query or Scan by calling `iterator.return()` when it
 * exists; abstract-level 3's iterators have `close()` instead, so each request left its LevelDB
 * iterator open (about 12 KiB of read-ahead in the JS heap plus a native snapshot) for as long as
 * the database stayed open: the local runner and the benchmarks grew with every Query. Giving the
 * iterators a `return()` that closes them lets dynalite clean up as it means to.
 */
for (const iterator of [AbstractIterator, AbstractKeyIterator, AbstractValueIterator]) {
  if (!Object.hasOwn(iterator.prototype, 'return')) {
    Object.defineProperty(iterator.prototype, 'return', {
      value(this: { close(): Promise<void> }) {
        return this.close();
      },
      configurable: true,
      writable: true,
    });
  }
}

/** Credentials and region the local clients sign with; the stand-ins accept anything. */
export const LOCAL_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  close(): Promise<void>;
}

/**
 * Starts dynalite (DynamoDB on LevelDB) in-process on 127.0.0.1, persisting under `dataDir`, and
 * creates the Pressroom table if it is not there yet.
 */
export async function startLocalDynamo(options: { dataDir: string; port?: number; tableName: string }): Promise<LocalDynamo> {
  mkdirSync(options.dataDir, { recursive: true });
  const server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint });
  try {
    await client.send(new DescribeTableCommand({ TableName: options.tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateTableCommand(tableDefinition(options.tableName)));
  }
  // dynalite answers ResourceNotFound until a timer flips the new table from CREATING to ACTIVE,
  // even with createTableMs 0: a request right after CreateTable can lose that race.
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: options.tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    endpoint,
    client,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
