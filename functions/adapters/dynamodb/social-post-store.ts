import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SocialPostStore } from '../../domain/social/ports';
import { SocialPostStatus, type SocialPost, type SocialPostResult, type SocialSummary } from '../../domain/social/social-post';
import { conditionHolds, dueBy, isConditionFailure, withoutKeys, type TableRef } from './table';

const postKey = (post: Pick<SocialPost, 'releaseId' | 'channel'>) => ({
  pk: `RELEASE#${post.releaseId}`,
  sk: `SOCIAL#${post.channel}`,
});
const DUE = 'SOCIAL#DUE';
// While a post waits (or is leased), its GSI sort key is the moment it next becomes due, so one
// range query finds both new posts and posts whose claim expired after a crash.
const dueKey = (post: Pick<SocialPost, 'releaseId' | 'channel'>, at: string) => `${at}#${post.releaseId}#${post.channel}`;

export class DynamoSocialPostStore implements SocialPostStore {
  constructor(private readonly table: TableRef) {}

  async schedule(posts: SocialPost[]): Promise<void> {
    for (const post of posts) {
      try {
        await this.table.doc.send(
          new PutCommand({
            TableName: this.table.tableName,
            Item: { ...postKey(post), ...post, gsi1pk: DUE, gsi1sk: dueKey(post, post.dueAt) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }

  listDue(now: Date, limit: number): Promise<SocialPost[]> {
    return dueBy<SocialPost>(this.table, DUE, now, limit);
  }

  async claim(post: SocialPost, now: Date, leaseMs: number): Promise<boolean> {
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: postKey(post),
          UpdateExpression: 'SET #status = :posting, leaseUntil = :lease, gsi1sk = :next',
          // Waiting and due, or claimed by a run whose lease expired (it crashed mid-post).
          ConditionExpression: '(#status = :scheduled AND dueAt <= :now) OR (#status = :posting AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':posting': SocialPostStatus.Posting,
            ':scheduled': SocialPostStatus.Scheduled,
            ':lease': leaseUntil,
            ':next': dueKey(post, leaseUntil),
            ':now': now.toISOString(),
          },
        }),
      ),
    );
  }

  async markPosted(post: SocialPost, result: SocialPostResult, now: Date): Promise<void> {
    const set = ['#status = :posted', 'remoteId = :rid', 'postedAt = :now', 'attempts = attempts + :one'];
    const remove = ['gsi1pk', 'gsi1sk', 'leaseUntil'];
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':posted': SocialPostStatus.Posted, ':rid': result.remoteId, ':now': now.toISOString(), ':one': 1 };
    // A result without a URL (or a post without text) removes the attribute rather than storing
    // null: readers get what SocialPost promises, a string or nothing.
    for (const [name, value] of Object.entries({ remoteUrl: result.url, text: post.text })) {
      names[`#${name}`] = name;
      if (value === undefined) remove.push(`#${name}`);
      else {
        set.push(`#${name} = :${name}`);
        values[`:${name}`] = value;
      }
    }
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: postKey(post),
        UpdateExpression: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async markFailed(post: SocialPost, error: string, now: Date, retryAt?: Date): Promise<void> {
    const common = { ':err': error.slice(0, 2000), ':now': now.toISOString(), ':one': 1 };
    await this.table.doc.send(
      retryAt
        ? new UpdateCommand({
            TableName: this.table.tableName,
            Key: postKey(post),
            UpdateExpression:
              'SET #status = :scheduled, dueAt = :due, gsi1sk = :next, lastError = :err, lastAttemptAt = :now, attempts = attempts + :one REMOVE leaseUntil',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ...common,
              ':scheduled': SocialPostStatus.Scheduled,
              ':due': retryAt.toISOString(),
              ':next': dueKey(post, retryAt.toISOString()),
            },
          })
        : new UpdateCommand({
            TableName: this.table.tableName,
            Key: postKey(post),
            UpdateExpression:
              'SET #status = :failed, lastError = :err, lastAttemptAt = :now, attempts = attempts + :one REMOVE gsi1pk, gsi1sk, leaseUntil',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ...common, ':failed': SocialPostStatus.Failed },
          }),
    );
  }

  async refreshSummary(releaseId: string, summary: SocialSummary): Promise<void> {
    for (const post of await this.listForRelease(releaseId)) {
      if (post.status !== SocialPostStatus.Scheduled && post.status !== SocialPostStatus.Failed) continue;
      await conditionHolds(
        this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: postKey(post),
            UpdateExpression: 'SET summary = :summary',
            // Read a moment ago as waiting: a run that claimed it since posts the summary it read.
            ConditionExpression: '#status IN (:scheduled, :failed)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':summary': summary, ':scheduled': SocialPostStatus.Scheduled, ':failed': SocialPostStatus.Failed },
          }),
        ),
      );
    }
  }

  retryFailed(post: Pick<SocialPost, 'releaseId' | 'channel'>, now: Date): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: postKey(post),
          // Back on the due index (which a failed post left), due now.
          UpdateExpression: 'SET #status = :scheduled, dueAt = :now, attempts = :zero, retriedAt = :now, gsi1pk = :due, gsi1sk = :next',
          ConditionExpression: '#status = :failed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':scheduled': SocialPostStatus.Scheduled, ':failed': SocialPostStatus.Failed, ':now': now.toISOString(), ':zero': 0,
            ':due': DUE, ':next': dueKey(post, now.toISOString()),
          },
        }),
      ),
    );
  }

  async listForRelease(releaseId: string): Promise<SocialPost[]> {
    const { Items = [] } = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :social)',
        ExpressionAttributeValues: { ':pk': `RELEASE#${releaseId}`, ':social': 'SOCIAL#' },
        ConsistentRead: true,
      }),
    );
    return Items.map((item) => withoutKeys<SocialPost>(item));
  }
}
