import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Db, withAvailability } from './dynamo';

/**
 * Counters for rate limiting and burst detection. Each counter lives in an item whose key holds
 * its window, so it is never read once the window has passed: correctness does not depend on the
 * TTL deleting it (DynamoDB deletes it eventually in the cloud; the local DynamoDB never does).
 */
export class RateCountersRepository {
  constructor(private readonly db: Db) {}

  /** Adds one hit to the counter at `key` and returns the count including it (one UpdateItem). */
  hit(key: { PK: string; SK: string }, expiresAtEpochSeconds: number): Promise<number> {
    return withAvailability(async () => {
      const { Attributes } = await this.db.client.send(
        new UpdateCommand({
          TableName: this.db.tableName,
          Key: key,
          UpdateExpression: 'ADD hits :one SET expiresAt = :expiresAt, #type = :type',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':one': 1, ':expiresAt': expiresAtEpochSeconds, ':type': 'rate' },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.hits ?? 1);
    });
  }
}
