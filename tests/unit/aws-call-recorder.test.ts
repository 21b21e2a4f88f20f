import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { iamCallsOf, recordAwsCalls, RECORDED_ARN_NAMING, runAsFunction, type AwsCall } from '../../functions/local/aws-call-recorder';

const naming = RECORDED_ARN_NAMING;
const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:123456789012:${resource}`;

describe('iamCallsOf: each SDK command as IAM authorises it', () => {
  it('names the table, or the index a query reads', () => {
    expect(iamCallsOf('DynamoDBClient', 'GetItemCommand', { TableName: 'pressroom', Key: {} }, naming)).toEqual([
      { action: 'dynamodb:GetItem', resource: arn('dynamodb', 'table/pressroom') },
    ]);
    expect(iamCallsOf('DynamoDBClient', 'QueryCommand', { TableName: 'pressroom', IndexName: 'gsi1' }, naming)).toEqual([
      { action: 'dynamodb:Query', resource: arn('dynamodb', 'table/pressroom/index/gsi1') },
    ]);
  });

  it('authorises batches per table and transactions per item', () => {
    expect(iamCallsOf('DynamoDBClient', 'BatchGetItemCommand', { RequestItems: { a: {}, b: {} } }, naming).map((c) => c.resource)).toEqual([
      arn('dynamodb', 'table/a'),
      arn('dynamodb', 'table/b'),
    ]);
    expect(
      iamCallsOf('DynamoDBClient', 'TransactWriteItemsCommand', { TransactItems: [{ Put: { TableName: 't' } }, { ConditionCheck: { TableName: 't' } }] }, naming).map((c) => c.action),
    ).toEqual(['dynamodb:PutItem', 'dynamodb:ConditionCheckItem']);
  });

  it('authorises a raw send against the From domain and the configuration set it names', () => {
    const raw = Buffer.from('From: "News" <news@example.org>\r\nTo: a@b.test\r\nSubject: x\r\n\r\nFrom: body@elsewhere.test\r\n');
    expect(iamCallsOf('SESClient', 'SendRawEmailCommand', { RawMessage: { Data: raw }, ConfigurationSetName: 'pressroom' }, naming)).toEqual([
      { action: 'ses:SendRawEmail', resource: arn('ses', 'identity/example.org') },
      { action: 'ses:SendRawEmail', resource: arn('ses', 'configuration-set/pressroom') },
    ]);
    expect(iamCallsOf('SESClient', 'GetSendQuotaCommand', {}, naming)).toEqual([{ action: 'ses:GetSendQuota', resource: '*' }]);
  });

  it('names the queue of a URL, and batch actions by their single name', () => {
    expect(iamCallsOf('SQSClient', 'SendMessageBatchCommand', { QueueUrl: 'http://127.0.0.1:4566/000000000000/send' }, naming)).toEqual([
      { action: 'sqs:SendMessage', resource: arn('sqs', 'send') },
    ]);
    expect(iamCallsOf('SQSClient', 'StartMessageMoveTaskCommand', { SourceArn: 'arn:aws:sqs:local:000000000000:send-dlq' }, naming)).toEqual([
      { action: 'sqs:StartMessageMoveTask', resource: arn('sqs', 'send-dlq') },
    ]);
  });

  it('names the secret', () => {
    expect(iamCallsOf('SecretsManagerClient', 'GetSecretValueCommand', { SecretId: arn('secretsmanager', 'secret:x') }, naming)).toEqual([
      { action: 'secretsmanager:GetSecretValue', resource: arn('secretsmanager', 'secret:x') },
    ]);
  });
});

describe('recordAwsCalls', () => {
  it('records document-client calls as the function they run for, and nothing outside an invocation', async () => {
    const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    // Answer every call before it leaves (the recorder runs earlier, at initialize).
    client.middlewareStack.add(() => async () => ({ output: { $metadata: {} }, response: {} }), { step: 'build', name: 'answerLocally' });
    const calls: AwsCall[] = [];
    recordAwsCalls(client, (call) => calls.push(call));
    const doc = DynamoDBDocumentClient.from(client);

    await doc.send(new GetCommand({ TableName: 'pressroom', Key: { pk: 'a', sk: 'b' } }));
    await runAsFunction('feeds', async () => {
      await new Promise((done) => setTimeout(done, 1));
      await doc.send(new QueryCommand({ TableName: 'pressroom', IndexName: 'gsi1', KeyConditionExpression: 'a = :a', ExpressionAttributeValues: { ':a': 1 } }));
    });
    expect(calls).toEqual([{ fn: 'feeds', action: 'dynamodb:Query', resource: arn('dynamodb', 'table/pressroom/index/gsi1') }]);
  });
});
