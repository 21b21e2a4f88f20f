import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { tableDefinition } from '../functions/adapters/dynamodb/table';
import type { FunctionSpec } from '../functions/runtime/function-specs';

const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
const INDEX_NAMES = (tableDefinition('pressroom').GlobalSecondaryIndexes ?? []).map((index) => index.IndexName!);

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
      // Subscribers and their consent outlive any one stack: deleting the stack keeps the table,
      // and DynamoDB refuses a DeleteTable call (a console click, a script, a replacement the
      // stack would make) until someone turns deletion protection off on purpose.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
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

  /**
   * What the HTTP edge of a staff function needs beyond its declared access (function-specs.ts
   * `servesStaff`): reading a personal token, its owner and a session by key, recording a token's
   * use, and writing an audit entry. Items by key only: no queries, deletes or indexes.
   */
  grantStaffEdge(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [this.table.tableArn] }),
    );
  }

  /**
   * Grants the table access a function declares (functions/runtime/function-specs.ts): exactly the
   * item operations the DynamoDB adapters use (functions/adapters/dynamodb/), on the table and its
   * indexes. CDK's grantReadWriteData would add scans, batch writes, transactions and stream reads
   * that no code makes; the IAM conformance test (tests/iam/) shows which of these each function uses.
   */
  grant(grantee: IGrantable, access: NonNullable<FunctionSpec['table']>): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: access === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
        // Each index by name, from the table definition, rather than `index/*`.
        resources: [this.table.tableArn, ...INDEX_NAMES.map((name) => `${this.table.tableArn}/index/${name}`)],
      }),
    );
  }
}
