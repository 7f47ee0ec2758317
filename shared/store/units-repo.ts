import { UnitOutput } from '../api/core-schemas';
import type { Unit } from '../domain';
import { parseInternal } from '../errors';
import {
  conditionally,
  type Db,
  getItem,
  type Item,
  putItem,
  queryAll,
  updateItem,
  withAvailability,
} from './dynamo';
import { keys } from './keys';

// The stored unit is exactly the unit the API serves.
const UnitItem = UnitOutput;

function toUnit(item: Item): Unit {
  return parseInternal(UnitItem, item, 'a stored unit');
}

function toItem(unit: Unit): Item {
  return {
    ...keys.unit(unit.id),
    ...keys.unitTree(unit.path),
    ...keys.unitChildren(unit.parentId, unit.id),
    type: 'unit',
    ...unit,
  };
}

export class UnitsRepository {
  constructor(private readonly db: Db) {}

  get(unitId: string, options: { consistent?: boolean } = {}): Promise<Unit | undefined> {
    return withAvailability(async () => {
      const item = await getItem(this.db, {
        Key: keys.unit(unitId),
        ...(options.consistent ? { ConsistentRead: true } : {}),
      });
      return item ? toUnit(item) : undefined;
    });
  }

  /**
   * Marks a unit as merged into `into`, only while it is not merged and still at `path`: two merges
   * of one unit at once cannot both land, and a unit moved meanwhile is not merged from where it
   * was. Only the merge's attributes change, so a rename at the same moment stays. False if the
   * condition failed.
   */
  markMerged(unitId: string, path: string, into: string, at: string): Promise<boolean> {
    return withAvailability(() =>
      conditionally(() =>
        updateItem(this.db, {
          Key: keys.unit(unitId),
          UpdateExpression: 'SET mergedInto = :into, mergedAt = :at, updatedAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(mergedInto) AND #path = :path',
          ExpressionAttributeNames: { '#path': 'path' },
          ExpressionAttributeValues: { ':into': into, ':at': at, ':path': path },
        }),
      ),
    );
  }

  /** Takes back the merge markMerged made at `at` (mergeUnit found its target merged meanwhile). */
  unmarkMerged(unitId: string, into: string, at: string): Promise<boolean> {
    return withAvailability(() =>
      conditionally(() =>
        updateItem(this.db, {
          Key: keys.unit(unitId),
          UpdateExpression: 'REMOVE mergedInto, mergedAt',
          ConditionExpression: 'mergedInto = :into AND mergedAt = :at',
          ExpressionAttributeValues: { ':into': into, ':at': at },
        }),
      ),
    );
  }

  put(unit: Unit): Promise<void> {
    return withAvailability(async () => {
      await putItem(this.db, { Item: toItem(unit) });
    });
  }

  children(parentId: string | null): Promise<Unit[]> {
    return withAvailability(async () =>
      (
        await queryAll(this.db, {
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.childrenOf(parentId) },
        })
      ).map(toUnit),
    );
  }

  /** The unit at `path` and everything below it, in path order; the whole tree for '/'. */
  subtree(path = '/'): Promise<Unit[]> {
    return withAvailability(async () =>
      (
        await queryAll(this.db, {
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :path)',
          ExpressionAttributeValues: { ':pk': keys.unitTree(path).GSI1PK, ':path': path },
        })
      ).map(toUnit),
    );
  }
}
