import * as z from 'zod';
import { parseInternal } from '../errors';
import { type Db, deleteItem, getItem, type Item, putItem, queryAll, withAvailability } from './dynamo';
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
});

export type Subscription = z.infer<typeof SubscriptionItem>;

function toSubscription(item: Item): Subscription {
  return parseInternal(SubscriptionItem, item, 'a stored subscription');
}

/** The records of SNS subscriptions: listing and removing read these, never the topic. */
export class SubscriptionsRepository {
  constructor(private readonly db: Db) {}

  put(subscription: Subscription): Promise<void> {
    return withAvailability(async () => {
      await putItem(this.db, {
        Item: {
          ...keys.subscription(subscription.id),
          GSI1PK: keys.allSubscriptions,
          GSI1SK: `${subscription.unitPath}${subscription.id}`,
          GSI2PK: keys.subscriptionsOf(subscription.owner),
          GSI2SK: `${subscription.createdAt}#${subscription.id}`,
          type: 'subscription',
          ...subscription,
        },
      });
    });
  }

  get(id: string): Promise<Subscription | undefined> {
    return withAvailability(async () => {
      const item = await getItem(this.db, { Key: keys.subscription(id) });
      return item ? toSubscription(item) : undefined;
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
