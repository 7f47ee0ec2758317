import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { fromAttributes } from '../../shared/store/dynamo';

export type ScannedItem = Record<string, unknown>;

/**
 * Every item of a table, page by page. Only tests scan: the application never does (DESIGN.md),
 * but a test that promises "nothing was written" must look at everything, not at one pattern.
 */
export async function scanAll(endpoint: string, tableName: string): Promise<ScannedItem[]> {
  const client = new DynamoDBClient({ endpoint });
  const items: ScannedItem[] = [];
  // The key goes back as it came: it is never looked at, so it is never unmarshalled.
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []).map(fromAttributes));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  client.destroy();
  return items;
}

/**
 * Items that record something (units, ratings, results), leaving out rate-limit counters: those
 * must count refused attempts too, or a client could probe codes without ever being slowed.
 */
export function recordItems(items: readonly ScannedItem[]): ScannedItem[] {
  return items.filter((item) => item.type !== 'rate');
}

/** A stable fingerprint of a set of items, for "nothing changed" comparisons. */
export function fingerprint(items: readonly ScannedItem[]): string[] {
  return items.map((item) => JSON.stringify(sortKeys(item))).sort();
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
