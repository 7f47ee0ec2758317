import { createHash } from 'node:crypto';
import * as z from 'zod';
import { parseInternal } from '../errors';
import { stableUlid } from '../ids';
import {
  conditionally,
  type Db,
  deleteItem,
  getItem,
  type Item,
  putItem,
  queryAll,
  updateItem,
  withAvailability,
} from './dynamo';
import { keys } from './keys';

const SubscriptionItem = z.object({
  id: z.string(),
  /** the JWT subject of the official who made it */
  owner: z.string(),
  unitId: z.string(),
  unitPath: z.string(),
  protocol: z.enum(['email', 'sms', 'https', 'sqs']),
  endpoint: z.string(),
  minSeverity: z.enum(['info', 'warning', 'critical']),
  subscriptionArn: z.string(),
  createdAt: z.string(),
  /** counted among the holders of its SNS subscription (hold); records from before session 4 are not */
  counted: z.optional(z.boolean()),
});

export type Subscription = z.infer<typeof SubscriptionItem>;

function toSubscription(item: Item): Subscription {
  return parseInternal(SubscriptionItem, item, 'a stored subscription');
}

function arnHash(arn: string): string {
  return createHash('sha256').update(arn).digest('base64url').slice(0, 32);
}

/**
 * A record's id, the same whenever one official asks for one SNS subscription: a request sent
 * twice, even at the same moment, makes one record.
 */
export function subscriptionIdOf(owner: string, arn: string): string {
  return stableUlid(`${owner}\n${arn}`);
}

/** The records of SNS subscriptions: listing and removing read these, never the topic. */
export class SubscriptionsRepository {
  constructor(private readonly db: Db) {}

  put(subscription: Subscription): Promise<void> {
    return withAvailability(async () => {
      await putItem(this.db, { Item: this.item(subscription) });
    });
  }

  private item(subscription: Subscription): Item {
    return {
      ...keys.subscription(subscription.id),
      GSI1PK: keys.allSubscriptions,
      GSI1SK: `${subscription.unitPath}${subscription.id}`,
      GSI2PK: keys.subscriptionsOf(subscription.owner),
      GSI2SK: `${subscription.createdAt}#${subscription.id}`,
      type: 'subscription',
      ...subscription,
    };
  }

  /**
   * Rewrites a record that is there (its unit moved); false, and nothing written, if it has been
   * deleted meanwhile: an unsubscribe at the same moment is not undone.
   */
  replace(subscription: Subscription): Promise<boolean> {
    return withAvailability(() =>
      conditionally(() =>
        putItem(this.db, { Item: this.item(subscription), ConditionExpression: 'attribute_exists(PK)' }),
      ),
    );
  }

  /** Stores a new record; false if one with this id is there already. */
  create(subscription: Subscription): Promise<boolean> {
    return withAvailability(() =>
      conditionally(() =>
        putItem(this.db, { Item: this.item(subscription), ConditionExpression: 'attribute_not_exists(PK)' }),
      ),
    );
  }

  get(id: string): Promise<Subscription | undefined> {
    return withAvailability(async () => {
      const item = await getItem(this.db, { Key: keys.subscription(id), ConsistentRead: true });
      return item ? toSubscription(item) : undefined;
    });
  }

  /**
   * Records that the record `id` holds the SNS subscription `arn`. Several records can hold one:
   * SNS answers the same subscription for the same endpoint and filter, whoever asks. False, and
   * nothing held, while the subscription is being removed at SNS (close, until `now` is past the
   * time the remover gave itself), and once it is gone (forget).
   */
  hold(arn: string, id: string, now: string): Promise<boolean> {
    return withAvailability(() =>
      conditionally(() =>
        updateItem(this.db, {
          Key: keys.snsSubscription(arnHash(arn)),
          UpdateExpression: 'ADD holders :id SET #type = :type',
          ConditionExpression:
            'attribute_not_exists(gone) AND (attribute_not_exists(closingUntil) OR closingUntil < :now)',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':id': new Set([id]), ':type': 'sns-subscription', ':now': now },
        }),
      ),
    );
  }

  /**
   * Marks the SNS subscription `arn` as being removed, until `until`, if nobody holds it: from then
   * on hold refuses it, so no record can come to stand for a subscription SNS is about to delete.
   * False if a record holds it again (it stays), or if SNS has let it go already (forget), as when
   * an unsubscribe is retried after its record's deletion failed: nothing left to unsubscribe.
   */
  close(arn: string, until: string): Promise<boolean> {
    return withAvailability(() =>
      conditionally(() =>
        updateItem(this.db, {
          Key: keys.snsSubscription(arnHash(arn)),
          UpdateExpression: 'SET closingUntil = :until, #type = :type',
          ConditionExpression: 'attribute_not_exists(holders) AND attribute_not_exists(gone)',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':until': until, ':type': 'sns-subscription' },
        }),
      ),
    );
  }

  /**
   * Records that SNS has let the subscription `arn` go, once nobody holds it: hold refuses it from
   * then on, however late a subscribe that SNS answered with it before comes to hold it. SNS never
   * answers with a deleted subscription's ARN again, so the mark only has to outlast such a
   * latecomer; the table's TTL removes it a day later.
   */
  forget(arn: string, expiresAtEpochSeconds: number): Promise<void> {
    return withAvailability(async () => {
      await conditionally(() =>
        updateItem(this.db, {
          Key: keys.snsSubscription(arnHash(arn)),
          UpdateExpression: 'SET gone = :gone, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(holders)',
          ExpressionAttributeValues: { ':gone': true, ':expiresAt': expiresAtEpochSeconds },
        }),
      );
    });
  }

  /** Lets go of the SNS subscription `arn` for the record `id`; how many records still hold it. */
  release(arn: string, id: string): Promise<number> {
    return withAvailability(async () => {
      const updated = await updateItem(this.db, {
        Key: keys.snsSubscription(arnHash(arn)),
        UpdateExpression: 'DELETE holders :id',
        ExpressionAttributeValues: { ':id': new Set([id]) },
        ReturnValues: 'ALL_NEW',
      });
      const holders = updated?.holders;
      return holders instanceof Set ? holders.size : 0;
    });
  }

  delete(id: string): Promise<void> {
    return withAvailability(async () => {
      await deleteItem(this.db, { Key: keys.subscription(id) });
    });
  }

  ofOwner(owner: string): Promise<Subscription[]> {
    return withAvailability(async () =>
      (
        await queryAll(this.db, {
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.subscriptionsOf(owner) },
        })
      ).map(toSubscription),
    );
  }

  /** Every subscription at or below `path`, in path order ('/' for all). */
  under(path = '/'): Promise<Subscription[]> {
    return withAvailability(async () =>
      (
        await queryAll(this.db, {
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :path)',
          ExpressionAttributeValues: { ':pk': keys.allSubscriptions, ':path': path },
        })
      ).map(toSubscription),
    );
  }
}
