import { conditionally, type Db, getItem, putItem, withAvailability } from './dynamo';
import { keys } from './keys';

/**
 * Named leases: one holder at a time, for as long as it keeps renewing. A holder that dies stops
 * renewing, and its lease is free again once `until` has passed: nothing depends on the TTL.
 */
export class LeasesRepository {
  constructor(private readonly db: Db) {}

  /** Takes the lease, or extends it for its holder; false while someone else holds it. */
  take(name: string, holder: string, now: Date, until: Date): Promise<boolean> {
    return withAvailability(() =>
      conditionally(() =>
        putItem(this.db, {
          Item: { ...keys.lease(name), type: 'lease', holder, until: until.toISOString() },
          ConditionExpression: 'attribute_not_exists(PK) OR #until < :now OR holder = :holder',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now.toISOString(), ':holder': holder },
        }),
      ),
    );
  }

  /**
   * Gives the lease back, if this holder still has it: it is marked expired rather than deleted,
   * so the functions that aggregate need no DeleteItem permission.
   */
  async give(name: string, holder: string): Promise<void> {
    await conditionally(() =>
      putItem(this.db, {
        Item: { ...keys.lease(name), type: 'lease', holder, until: new Date(0).toISOString() },
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': holder },
      }),
    );
  }

  /** Whether someone holds the lease at `now`. */
  held(name: string, now: Date): Promise<boolean> {
    return withAvailability(async () => {
      const item = await getItem(this.db, { Key: keys.lease(name), ConsistentRead: true });
      return typeof item?.until === 'string' && item.until >= now.toISOString();
    });
  }
}
