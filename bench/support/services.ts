import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable, REGION, type Runtime, startRuntime } from '../../infra/local/runtime';

export const BENCH_ROOT = join(import.meta.dirname, '..');

/** A dynalite in a child process (see dynalite-server.ts). */
export interface DynaliteProcess {
  endpoint: string;
  /** DynamoDB requests served so far, by operation */
  counts(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export async function startDynaliteProcess(): Promise<DynaliteProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    // a national night of a million ratings holds ~1 GB of items in the in-memory store
    ['--max-old-space-size=8192', '--import', 'tsx', join(import.meta.dirname, 'dynalite-server.ts')],
    {
      stdio: ['pipe', 'pipe', 'inherit', 'ipc'],
    },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return {
    endpoint,
    counts: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve(message as Record<string, number>));
        child.send('counts');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

/** A DynamoDB client of the benchmark itself (not the handlers'), on the same endpoint. */
export function benchClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
}

export async function createTable(endpoint: string, name: string): Promise<void> {
  await ensureTable(benchClient(endpoint), name);
}

/**
 * The whole local runtime (gateway, the real handlers) on a dynalite of its own process. The
 * rate limit is lifted: 64 clients from one address are a load test here, not an abuse.
 */
export async function startBenchRuntime(dynamoEndpoint: string, tableName: string): Promise<Runtime> {
  // The local runtime hands its settings to the handlers through the environment, as Lambda does.
  Object.assign(process.env, {
    RATE_LIMIT_PER_WINDOW: String(1e9),
    BURST_FLAG_AFTER: String(1e9),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  return startRuntime({
    port: 0,
    awsPort: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'sipas-bench-')),
    inMemory: true,
    dynamoEndpoint,
    tableName,
  });
}

/** Requests by operation between two readings of DynaliteProcess.counts(). */
export function countsSince(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [operation, count] of Object.entries(after)) {
    const delta = count - (before[operation] ?? 0);
    if (delta > 0) result[operation] = delta;
  }
  return result;
}
