import { conditionally, type Db, isConditionFailed, updateItem, withAvailability } from './dynamo';

export interface WindowHits {
  /** the client's submissions in the window, this one included */
  client: number;
  /** the client's submissions for this unit in the window, this one included */
  unit: number;
}

/**
 * Counters for rate limiting and burst detection: ONE item per (client, window) holding the
 * client's total (`hits`) and one counter per unit rated (`u:<unitId>`), so counting a
 * submission costs one UpdateItem whatever it counts. ADD only works on top-level attributes,
 * hence one attribute per unit rather than a map. The window is in the key, so a counter of a past
 * window is never read again: correctness does not depend on the TTL deleting it (DynamoDB
 * deletes it eventually in the cloud; the local DynamoDB never does).
 */
export class RateCountersRepository {
  constructor(private readonly db: Db) {}

  /**
   * Adds one hit for the client and for `unitId`, unless the client already has `limit` hits in
   * the window: then nothing is written and `undefined` comes back. Refusing in the condition
   * (rather than counting on) also bounds the item at `limit` unit attributes, so a client
   * holding many units' posters cannot grow it toward DynamoDB's 400 KB item limit.
   */
  hit(
    key: { PK: string; SK: string },
    unitId: string,
    limit: number,
    expiresAtEpochSeconds: number,
  ): Promise<WindowHits | undefined> {
    return withAvailability(async () => {
      try {
        const updated = await updateItem(this.db, {
          Key: key,
          UpdateExpression: 'ADD hits :one, #unit :one SET expiresAt = :expiresAt, #type = :type',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeNames: { '#type': 'type', '#unit': `u:${unitId}` },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limit,
            ':expiresAt': expiresAtEpochSeconds,
            ':type': 'rate',
          },
          ReturnValues: 'UPDATED_NEW',
        });
        return { client: Number(updated?.hits ?? 1), unit: Number(updated?.[`u:${unitId}`] ?? 1) };
      } catch (error) {
        if (isConditionFailed(error)) return undefined;
        throw error;
      }
    });
  }

  /**
   * Moves one hit that turned out to be a resend of a rating already stored from the client's
   * count to its resends, unless it has had `limit` resends in the window already: then the hit
   * stays, and false comes back. Only an existing counter is changed.
   */
  giveBack(key: { PK: string; SK: string }, unitId: string, limit: number): Promise<boolean> {
    return conditionally(() =>
      updateItem(this.db, {
        Key: key,
        UpdateExpression: 'ADD hits :minusOne, #unit :minusOne, resends :one',
        ConditionExpression:
          'hits > :zero AND #unit > :zero AND (attribute_not_exists(resends) OR resends < :limit)',
        ExpressionAttributeNames: { '#unit': `u:${unitId}` },
        ExpressionAttributeValues: { ':minusOne': -1, ':one': 1, ':zero': 0, ':limit': limit },
      }),
    );
  }

  /** Counts a resend answered while the client is at its limit; false once it has had `limit`. */
  countResend(key: { PK: string; SK: string }, limit: number): Promise<boolean> {
    return withAvailability(() =>
      conditionally(() =>
        updateItem(this.db, {
          Key: key,
          UpdateExpression: 'ADD resends :one',
          ConditionExpression:
            'attribute_exists(hits) AND (attribute_not_exists(resends) OR resends < :limit)',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit },
        }),
      ),
    );
  }
}
