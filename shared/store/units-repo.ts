import { UnitOutput } from '../api/core-schemas';
import type { Unit } from '../domain';
import { parseInternal } from '../errors';
import { conditionally, type Db, getItem, type Item, putItem, queryAll, withAvailability } from './dynamo';
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
   * Writes a unit marked as merged, only while the stored one is not merged: two merges of one
   * unit at once cannot both land. False if it already was.
   */
  putMerged(unit: Unit): Promise<boolean> {
    return withAvailability(() =>
      conditionally(() =>
        putItem(this.db, {
          Item: toItem(unit),
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(mergedInto)',
        }),
      ),
    );
  }

  /** Takes a merge back (mergeUnit found its target merged meanwhile), if it is still this one. */
  unmerge(unit: Unit, into: string): Promise<boolean> {
    return withAvailability(() =>
      conditionally(() =>
        putItem(this.db, {
          Item: toItem(unit),
          ConditionExpression: 'mergedInto = :into',
          ExpressionAttributeValues: { ':into': into },
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
