import { describe, expect, it } from 'vitest';
import {
  batchDelete,
  batchGet,
  batchPut,
  type Db,
  deleteItem,
  getItem,
  isConditionFailed,
  putItem,
  queryAll,
  queryPage,
  queryPages,
  updateItem,
} from '../../shared/store/dynamo';
import { createTestDeps } from '../support/harness';

/**
 * The document layer of shared/store/dynamo.ts (the low-level client + util-dynamodb) against
 * dynalite: plain JS values in, plain JS values out, as the SDK's document client gave them. The
 * keys are this test's own (a fresh table per test), not the application's key builders.
 */
async function freshDb(): Promise<Db> {
  return (await createTestDeps()).db;
}

/** What a rejected promise threw (the test fails if it did not reject). */
async function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected the request to be refused'),
    (error: unknown) => error,
  );
}

describe('dynamo document layer', () => {
  it('round-trips nested maps, lists, numbers, booleans and null, and drops undefined', async () => {
    const db = await freshDb();
    const key = { PK: 'LAYER#a', SK: 'item' };
    await putItem(db, {
      Item: {
        ...key,
        text: 'Phường Phúc Xá',
        int: 42,
        negative: -7,
        fraction: 0.125,
        yes: true,
        no: false,
        nothing: null,
        absent: undefined,
        nested: { list: [1, 'two', { three: 3 }, [4.5]], empty: {}, gone: undefined, flag: false },
        sparse: [1, undefined, 2],
      },
    });
    // toStrictEqual: a key holding undefined, or a number returned as a wrapper, would not match.
    expect(await getItem(db, { Key: key })).toStrictEqual({
      ...key,
      text: 'Phường Phúc Xá',
      int: 42,
      negative: -7,
      fraction: 0.125,
      yes: true,
      no: false,
      nothing: null,
      nested: { list: [1, 'two', { three: 3 }, [4.5]], empty: {}, flag: false },
      sparse: [1, 2],
    });
    // A projection into the nested list; 'int' and 'list' are reserved words, hence the placeholders.
    expect(
      await getItem(db, {
        Key: key,
        ConsistentRead: true,
        ProjectionExpression: '#int, nested.#list[2]',
        ExpressionAttributeNames: { '#int': 'int', '#list': 'list' },
      }),
    ).toStrictEqual({ int: 42, nested: { list: [{ three: 3 }] } });

    await deleteItem(db, { Key: key });
    expect(await getItem(db, { Key: key })).toBeUndefined();
  });

  it('refuses a conditional put with an error isConditionFailed recognises, writing nothing', async () => {
    const db = await freshDb();
    const key = { PK: 'LAYER#b', SK: 'item' };
    await putItem(db, { Item: { ...key, version: 1 }, ConditionExpression: 'attribute_not_exists(PK)' });

    const again = await thrown(
      putItem(db, { Item: { ...key, version: 2 }, ConditionExpression: 'attribute_not_exists(PK)' }),
    );
    expect(isConditionFailed(again)).toBe(true);
    // with expression names and values: stored version 1 is not > 1
    const stale = await thrown(
      putItem(db, {
        Item: { ...key, version: 3 },
        ConditionExpression: '#v > :min',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':min': 1 },
      }),
    );
    expect(isConditionFailed(stale)).toBe(true);
    expect(await getItem(db, { Key: key })).toStrictEqual({ ...key, version: 1 });
  });

  it('returns UPDATED_NEW attributes as numbers, and nothing when ReturnValues asks for none', async () => {
    const db = await freshDb();
    const key = { PK: 'LAYER#c', SK: 'counter' };
    const hit = () =>
      updateItem(db, {
        Key: key,
        UpdateExpression: 'ADD hits :one SET #label = :label',
        ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
        ExpressionAttributeNames: { '#label': 'label' },
        ExpressionAttributeValues: { ':one': 1, ':label': 'x', ':limit': 2 },
        ReturnValues: 'UPDATED_NEW',
      });
    expect(await hit()).toStrictEqual({ hits: 1, label: 'x' });
    expect(await hit()).toStrictEqual({ hits: 2, label: 'x' });
    // hits = 2 is not < 2
    expect(isConditionFailed(await thrown(hit()))).toBe(true);

    expect(
      await updateItem(db, {
        Key: key,
        UpdateExpression: 'SET note = :n',
        ExpressionAttributeValues: { ':n': 'ok' },
      }),
    ).toBeUndefined();
    expect(await getItem(db, { Key: key })).toStrictEqual({ ...key, hits: 2, label: 'x', note: 'ok' });
  });

  it('pages a Query with Limit, continuing from the key it returns', async () => {
    const db = await freshDb();
    // five items in one partition (and in one GSI1 partition), sort keys s0 … s4
    for (let i = 0; i < 5; i++) {
      await putItem(db, {
        Item: { PK: 'LAYER#q', SK: `s${i}`, GSI1PK: 'LAYER#q-index', GSI1SK: `g${i}`, i, even: i % 2 === 0 },
      });
    }
    const first = await queryPage(db, {
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': 'LAYER#q' },
      Limit: 2,
    });
    expect(first.items.map((item) => item.i)).toEqual([0, 1]);
    // the table's key of the last item read, as plain values
    expect(first.lastKey).toStrictEqual({ PK: 'LAYER#q', SK: 's1' });
    const second = await queryPage(db, {
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': 'LAYER#q' },
      Limit: 2,
      ExclusiveStartKey: first.lastKey,
    });
    expect(second.items.map((item) => item.i)).toEqual([2, 3]);

    // On the index the key carries the index's attributes too; 5 items by 2 = pages of 2, 2, 1.
    const pages: unknown[][] = [];
    for await (const page of queryPages(db, {
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': 'LAYER#q-index' },
      ProjectionExpression: 'i',
      ScanIndexForward: false,
      Limit: 2,
    })) {
      pages.push(page.map((item) => item.i));
    }
    expect(pages).toEqual([[4, 3], [2, 1], [0]]);

    // FilterExpression applies after the page is read; queryAll keeps reading past the filtered pages.
    const even = await queryAll(db, {
      KeyConditionExpression: 'PK = :pk',
      FilterExpression: 'even = :yes',
      ExpressionAttributeValues: { ':pk': 'LAYER#q', ':yes': true },
      Limit: 2,
    });
    expect(even.map((item) => item.i)).toEqual([0, 2, 4]);
  });

  it('puts more than 25 items and gets more than 100 keys in batches, missing keys left out', async () => {
    const db = await freshDb();
    // 130 items: six BatchWriteItem requests (5 × 25 + 5), the 25-item limit
    const items = Array.from({ length: 130 }, (_, i) => ({
      PK: 'LAYER#batch',
      SK: `item#${String(i).padStart(3, '0')}`,
      i,
      data: { square: i * i, tags: [`t${i % 3}`] },
    }));
    await batchPut(db, items);
    expect(
      await queryAll(db, {
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': 'LAYER#batch' },
      }),
    ).toHaveLength(130);

    // 130 existing keys and 10 absent ones: two BatchGetItem requests (100 + 40), the 100-key limit
    const keys = [
      ...items.map(({ PK, SK }) => ({ PK, SK })),
      ...Array.from({ length: 10 }, (_, i) => ({ PK: 'LAYER#batch', SK: `missing#${i}` })),
    ];
    const found = await batchGet(db, keys);
    expect(found).toHaveLength(130);
    const byIndex = [...found].sort((a, b) => Number(a.i) - Number(b.i));
    expect(byIndex).toStrictEqual(items);

    // deleting the even 65 and 10 absent keys: three BatchWriteItem requests, absent keys no error
    await batchDelete(db, [...keys.filter((_, i) => i % 2 === 0 && i < 130), ...keys.slice(130)]);
    const left = await batchGet(db, keys);
    expect(left.map((item) => Number(item.i)).sort((a, b) => a - b)).toStrictEqual(
      Array.from({ length: 65 }, (_, i) => 2 * i + 1),
    );
  });
});
