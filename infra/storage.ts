import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableDefinition } from '../functions/adapters/dynamodb/table';

/**
 * The single DynamoDB table: releases, subscribers, deliveries and social posts keyed by `pk`/`sk`,
 * with overloaded indexes (`gsi1`, `gsi2`) for the other access paths; the item layout is described
 * in functions/adapters/dynamodb/table.ts.
 */
export class Storage extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      // Seconds since the epoch; DynamoDB deletes expired items (webhook ids, leases) within days.
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Subscribers and their consent outlive any one stack: deleting the stack keeps the table.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The indexes come from the same definition the local runner creates dynalite's table from,
    // so the two runtimes cannot drift apart.
    for (const index of tableDefinition('pressroom').GlobalSecondaryIndexes ?? []) {
      const [hash, range] = index.KeySchema!;
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName!,
        partitionKey: { name: hash.AttributeName!, type: AttributeType.STRING },
        sortKey: range ? { name: range.AttributeName!, type: AttributeType.STRING } : undefined,
        projectionType: ProjectionType.ALL,
      });
    }
  }
}
