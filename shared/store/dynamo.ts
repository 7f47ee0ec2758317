import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mapConcurrent } from '../concurrency';
import { ServiceUnavailableError } from '../errors';

export type Item = Record<string, unknown>;

export interface Db {
  client: DynamoDBClient;
  tableName: string;
}

/** How many tries a DynamoDB request gets, and how long each may take. */
export interface DynamoBudget {
  attempts: number;
  requestTimeoutMs: number;
}

const CONNECT_TIMEOUT_MS = 1_000;
/**
 * The SDK's longest wait before the first retry: throttling's backoff base in the SDK this
 * repository installs (@smithy/core's retries-2026: a random share of 1 s × 2^retry; older ones,
 * such as Lambda's own, 500 ms). Each retry after doubles it. DynamoDB sends no Retry-After.
 */
const RETRY_DELAY_MS = 1_000;
/** The waits between `attempts` tries, at most: 1 s, then 2 s, ... */
const waitsMs = (attempts: number) => RETRY_DELAY_MS * (2 ** (attempts - 1) - 1);
/** Below this, a try is too short for a large Query page or batch even when nothing is wrong. */
const MIN_REQUEST_TIMEOUT_MS = 3_000;
const MAX_REQUEST_TIMEOUT_MS = 5_000;

/**
 * A request's tries, each with its connection and its answer, and the waits between them, must
 * end a second before the function's own limit: then the function answers 503 with Retry-After
 * itself, instead of Lambda stopping it and the gateway answering a bare 500. Three tries where
 * they fit with at least 3 s each, else two: a 10-second function gets 2 tries of 3 s, a
 * 29-second one 3 of 5 s.
 */
export function dynamoBudget(functionTimeoutSeconds: number): DynamoBudget {
  const timeoutFor = (attempts: number) => {
    const spareMs = functionTimeoutSeconds * 1_000 - 1_000 - waitsMs(attempts);
    return Math.min(MAX_REQUEST_TIMEOUT_MS, Math.floor(spareMs / attempts) - CONNECT_TIMEOUT_MS);
  };
  const attempts = timeoutFor(3) >= MIN_REQUEST_TIMEOUT_MS ? 3 : 2;
  return { attempts, requestTimeoutMs: timeoutFor(attempts) };
}

export function createDb(
  tableName: string,
  client?: DynamoDBClient,
  budget: DynamoBudget = { attempts: 3, requestTimeoutMs: 5_000 },
): Db {
  // The endpoint comes from the SDK's own AWS_ENDPOINT_URL_DYNAMODB in the local runtime; the
  // SDK retries throttling itself, and a few attempts keep a dead endpoint from hanging a request.
  // The SDK's default handler has no timeouts: an endpoint that accepts the connection and never
  // answers would hold a request until the Lambda dies (a 500 at the gateway). With these, the
  // request fails as TimeoutError, which withAvailability turns into a 503 with Retry-After.
  // (Without throwOnRequestTimeout this SDK only logs a warning when requestTimeout passes.)
  const base =
    client ??
    new DynamoDBClient({
      maxAttempts: budget.attempts,
      requestHandler: {
        connectionTimeout: CONNECT_TIMEOUT_MS,
        requestTimeout: budget.requestTimeoutMs,
        throwOnRequestTimeout: true,
      },
    });
  return { client: base, tableName };
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

/** Runs a conditional write: false when its condition failed and nothing was written. */
export async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/*
 * Our own thin document layer: the low-level client, with items, keys and expression values
 * marshalled by @aws-sdk/util-dynamodb. The SDK's DynamoDBDocumentClient did the same work, but
 * importing its package alone cost ≈ 0.1–0.2× of a minimal handler's load time, which every cold
 * start of the rating handler pays (issue 8, bench/cold-start.ts); util-dynamodb, bundled into
 * each function (≈ 5 KB; infra/constructs/sipas-function.ts), costs nothing measurable.
 */

// As the document client was set up: an optional field left undefined is dropped, not an error.
// unmarshall is left at its defaults, so numbers come back as JS numbers (wrapNumbers off), as
// they did from the document client; one past Number.MAX_SAFE_INTEGER throws rather than rounds.
const MARSHALL = { removeUndefinedValues: true };

type Attributes = Record<string, AttributeValue>;

function toAttributes(values: Item): Attributes {
  return marshall(values, MARSHALL);
}

/** An item as read from the wire; exported for the tests' table scans, which the application never does. */
export function fromAttributes(attributes: Attributes): Item {
  return unmarshall(attributes);
}

/** The fields of an input that hold plain JS values here and AttributeValue maps on the wire. */
const PLAIN_FIELDS = ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;
type PlainField = (typeof PLAIN_FIELDS)[number];
type Plain<T> = Omit<T, 'TableName' | PlainField>;
type Marshalled<T> = { [K in keyof T]: K extends PlainField ? Attributes : T[K] } & { TableName: string };

/** The low-level input for `db`'s table: the one place requests are marshalled. */
function marshalled<T extends Partial<Record<PlainField, Item>>>(db: Db, input: T): Marshalled<T> {
  const output: Record<string, unknown> = { ...input, TableName: db.tableName };
  for (const field of PLAIN_FIELDS) {
    const value = input[field];
    if (value !== undefined) output[field] = toAttributes(value);
  }
  return output as Marshalled<T>;
}

export type GetInput = Pick<
  Plain<GetItemCommandInput>,
  'ConsistentRead' | 'ProjectionExpression' | 'ExpressionAttributeNames'
> & { Key: Item };

export type PutInput = Pick<
  Plain<PutItemCommandInput>,
  'ConditionExpression' | 'ExpressionAttributeNames'
> & {
  Item: Item;
  ExpressionAttributeValues?: Item;
};

export type UpdateInput = Pick<
  Plain<UpdateItemCommandInput>,
  'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ReturnValues'
> & { Key: Item; ExpressionAttributeValues?: Item };

export type DeleteInput = Pick<
  Plain<DeleteItemCommandInput>,
  'ConditionExpression' | 'ExpressionAttributeNames'
> & {
  Key: Item;
  ExpressionAttributeValues?: Item;
};

export type QueryInput = Pick<
  Plain<QueryCommandInput>,
  | 'IndexName'
  | 'KeyConditionExpression'
  | 'FilterExpression'
  | 'ProjectionExpression'
  | 'ExpressionAttributeNames'
  | 'Limit'
  | 'ScanIndexForward'
  | 'ConsistentRead'
> & { ExpressionAttributeValues?: Item; ExclusiveStartKey?: Item };

/** The item, or undefined if there is none. */
export async function getItem(db: Db, input: GetInput): Promise<Item | undefined> {
  const { Item } = await db.client.send(new GetItemCommand(marshalled(db, input)));
  return Item && fromAttributes(Item);
}

/** A failed ConditionExpression throws ConditionalCheckFailedException (see isConditionFailed). */
export async function putItem(db: Db, input: PutInput): Promise<void> {
  await db.client.send(new PutItemCommand(marshalled(db, input)));
}

/** The attributes ReturnValues asks for; undefined when it asks for none. */
export async function updateItem(db: Db, input: UpdateInput): Promise<Item | undefined> {
  const { Attributes } = await db.client.send(new UpdateItemCommand(marshalled(db, input)));
  return Attributes && fromAttributes(Attributes);
}

export async function deleteItem(db: Db, input: DeleteInput): Promise<void> {
  await db.client.send(new DeleteItemCommand(marshalled(db, input)));
}

/** One page of a Query, and the key to continue from (undefined after the last page). */
export async function queryPage(db: Db, input: QueryInput): Promise<{ items: Item[]; lastKey?: Item }> {
  const page = await db.client.send(new QueryCommand(marshalled(db, input)));
  return {
    items: (page.Items ?? []).map(fromAttributes),
    lastKey: page.LastEvaluatedKey && fromAttributes(page.LastEvaluatedKey),
  };
}

/** All pages of a Query (from input.ExclusiveStartKey if given). */
export async function* queryPages(db: Db, input: QueryInput): AsyncGenerator<Item[]> {
  let ExclusiveStartKey = input.ExclusiveStartKey;
  do {
    const page = await queryPage(db, { ...input, ExclusiveStartKey });
    yield page.items;
    ExclusiveStartKey = page.lastKey;
  } while (ExclusiveStartKey);
}

export type ScanInput = Pick<
  Plain<ScanCommandInput>,
  'FilterExpression' | 'ProjectionExpression' | 'ExpressionAttributeNames' | 'Limit'
> & { ExpressionAttributeValues?: Item };

/**
 * Every page of a Scan of the whole table. For one-off maintenance only (store/migrations.ts):
 * no request and no night reads this way (keys.ts: the access patterns are Queries and Gets).
 */
export async function* scanPages(db: Db, input: ScanInput): AsyncGenerator<Item[]> {
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.client.send(new ScanCommand({ ...marshalled(db, input), ExclusiveStartKey }));
    yield (page.Items ?? []).map(fromAttributes);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

export async function queryAll(db: Db, input: QueryInput): Promise<Item[]> {
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
export function batchPut(db: Db, items: readonly Item[], concurrency = 4): Promise<void> {
  return batchWrite(
    db,
    items.map((item) => ({ PutRequest: { Item: toAttributes(item) } })),
    concurrency,
  );
}

/** Deletes items by key in batches of 25 (a key with no item is no error), retrying what is left unprocessed. */
export function batchDelete(db: Db, keys: readonly Record<string, string>[], concurrency = 4): Promise<void> {
  return batchWrite(
    db,
    keys.map((key) => ({ DeleteRequest: { Key: toAttributes(key) } })),
    concurrency,
  );
}

async function batchWrite(db: Db, writes: readonly WriteRequest[], concurrency: number): Promise<void> {
  await mapConcurrent(chunks(writes, BATCH_WRITE_LIMIT), concurrency, async (chunk) => {
    let requests = chunk;
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await pause(Math.min(1000, 25 * 2 ** attempt));
      const result = await db.client.send(
        new BatchWriteItemCommand({ RequestItems: { [db.tableName]: requests } }),
      );
      requests = result.UnprocessedItems?.[db.tableName] ?? [];
      if (attempt > 8 && requests.length > 0) throw new Error('batch write did not complete');
    }
  });
}

/** Gets items by key in batches of 100; the result holds only the items that exist. */
export async function batchGet(db: Db, keys: readonly Record<string, string>[]): Promise<Item[]> {
  const found: Item[] = [];
  await mapConcurrent(chunks(keys, BATCH_GET_LIMIT), 4, async (chunk) => {
    let pending = chunk.map(toAttributes);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await pause(Math.min(1000, 25 * 2 ** attempt));
      const result = await db.client.send(
        new BatchGetItemCommand({ RequestItems: { [db.tableName]: { Keys: pending } } }),
      );
      found.push(...(result.Responses?.[db.tableName] ?? []).map(fromAttributes));
      pending = result.UnprocessedKeys?.[db.tableName]?.Keys ?? [];
      if (attempt > 8 && pending.length > 0) throw new Error('batch get did not complete');
    }
  });
  return found;
}
