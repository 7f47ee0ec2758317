import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mapConcurrent } from '../concurrency';
import { ServiceUnavailableError } from '../errors';

export type Item = Record<string, unknown>;

export interface Db {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export function createDb(tableName: string, client?: DynamoDBClient): Db {
  // The endpoint comes from the SDK's own AWS_ENDPOINT_URL_DYNAMODB in the local runtime; the
  // SDK retries throttling itself, and a few attempts keep a dead endpoint from hanging a request.
  // The SDK's default handler has no timeouts: an endpoint that accepts the connection and never
  // answers would hold a request until the Lambda dies (a 500 at the gateway). With these, the
  // request fails as TimeoutError, which withAvailability turns into a 503 with Retry-After.
  // (Without throwOnRequestTimeout this SDK only logs a warning when requestTimeout passes.)
  const base =
    client ??
    new DynamoDBClient({
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
    });
  return {
    client: DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
  };
}

const UNAVAILABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

/** Turns "the database is not there right now" into a typed error the HTTP layer answers with 503. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return UNAVAILABLE.has(error.name) || (code !== undefined && UNAVAILABLE.has(code));
}

export async function withAvailability<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isUnavailable(error)) throw new ServiceUnavailableError('the database is unavailable, try again', 5);
    throw error;
  }
}

export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** All pages of a Query. */
export async function* queryPages(
  db: Db,
  input: Omit<QueryCommandInput, 'TableName'>,
): AsyncGenerator<Item[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.client.send(
      new QueryCommand({ ...input, TableName: db.tableName, ExclusiveStartKey }),
    );
    yield (page.Items ?? []) as Item[];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

export async function queryAll(db: Db, input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(db, input)) items.push(...page);
  return items;
}

const BATCH_WRITE_LIMIT = 25;
const BATCH_GET_LIMIT = 100;

function chunks<T>(values: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < values.length; i += size) result.push(values.slice(i, i + size));
  return result;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Puts items in batches of 25, retrying what DynamoDB leaves unprocessed. Overwrites: for idempotent results only. */
export async function batchPut(db: Db, items: readonly Item[], concurrency = 4): Promise<void> {
  await mapConcurrent(chunks(items, BATCH_WRITE_LIMIT), concurrency, async (chunk) => {
    let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await pause(Math.min(1000, 25 * 2 ** attempt));
      const result = await db.client.send(
        new BatchWriteCommand({ RequestItems: { [db.tableName]: requests } }),
      );
      requests = (result.UnprocessedItems?.[db.tableName] ?? []) as typeof requests;
      if (attempt > 8 && requests.length > 0) throw new Error('batch write did not complete');
    }
  });
}

/** Gets items by key in batches of 100; the result holds only the items that exist. */
export async function batchGet(db: Db, keys: readonly Record<string, string>[]): Promise<Item[]> {
  const found: Item[] = [];
  await mapConcurrent(chunks(keys, BATCH_GET_LIMIT), 4, async (chunk) => {
    let pending: Record<string, unknown>[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await pause(Math.min(1000, 25 * 2 ** attempt));
      const result = await db.client.send(
        new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: pending } } }),
      );
      found.push(...((result.Responses?.[db.tableName] ?? []) as Item[]));
      pending = (result.UnprocessedKeys?.[db.tableName]?.Keys ?? []) as Record<string, unknown>[];
      if (attempt > 8 && pending.length > 0) throw new Error('batch get did not complete');
    }
  });
  return found;
}
