import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { ensureTable, type Runtime, startRuntime } from '../../infra/local/runtime';
import { loadConfig } from '../../shared/config';
import { createAlertDeps, createDeps, type Deps } from '../../shared/deps';
import type { QrKeys } from '../../shared/qr/codes';
import { QrKeysSchema } from '../../shared/qr/codes';
import { ROUTES } from '../../shared/routes';
import { departures } from './openapi-conformance';

let tables = 0;

/** A fresh table name per call, so test files and tests never see each other's data. */
export function uniqueTableName(label = 'test'): string {
  tables += 1;
  return `sipas-${label}-${process.pid}-${Date.now().toString(36)}-${tables}`;
}

export const TEST_QR_KEYS: QrKeys = QrKeysSchema.parse({
  current: 2,
  retired: [],
  k1: 'test-key-version-1-0123456789abcdef0123456789',
  k2: 'test-key-version-2-0123456789abcdef0123456789',
});

/**
 * Dependencies wired to a new, empty table in the test setup's dynalite: the same repositories
 * and use cases the handlers use, with a fixed clock and QR keys when a test gives them.
 */
export async function createTestDeps(overrides: Partial<Deps> = {}): Promise<Deps> {
  const tableName = uniqueTableName();
  await ensureTable(new DynamoDBClient({ endpoint: inject('dynamoEndpoint') }), tableName);
  const config = loadConfig({ TABLE_NAME: tableName, STAGE: 'test' } as NodeJS.ProcessEnv);
  const deps = createDeps(config);
  // The alerts outbox keeps its own clock: a test's fixed clock must reach it too.
  const alerting = overrides.clock
    ? createAlertDeps(config, deps.db, deps.topic, overrides.clock)
    : deps.alerting;
  return { ...deps, alerting, qrKeys: async () => TEST_QR_KEYS, ...overrides };
}

/**
 * The local runtime (gateway, handlers, dev tokens) on the test setup's dynalite and fauxqs,
 * with its own table and a gateway on a free port. One per test file: handlers read their
 * configuration once, when first imported.
 */
export async function startTestRuntime(): Promise<Runtime> {
  return startRuntime({
    port: 0,
    awsPort: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'sipas-test-')),
    dynamoEndpoint: inject('dynamoEndpoint'),
    awsEndpoint: inject('awsEndpoint'),
    tableName: uniqueTableName('rt'),
  });
}

/** fetch with JSON in and out, for tests against the gateway. */
export async function call(
  runtime: Pick<Runtime, 'url'>,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string } = {},
  // biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON came back
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(options.raw !== undefined
      ? { body: options.raw }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok && (response.headers.get('content-type') ?? '').startsWith('application/json'))
    expectDocumented(method, path, response.status, body);
  return { status: response.status, headers: response.headers, body, text };
}

/**
 * Every JSON success a test receives is checked against the OpenAPI document's schema for its
 * route and status, so the document cannot drift from what the handlers answer.
 */
function expectDocumented(method: string, path: string, status: number, body: unknown): void {
  const pathname = new URL(path, 'http://x').pathname;
  const route = ROUTES.find(
    (candidate) =>
      candidate.method === method &&
      new RegExp(`^${candidate.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname),
  );
  if (!route) {
    if (pathname.startsWith('/dev/')) return; // the local runtime's own, outside the API
    throw new Error(`${method} ${path} answered ${status} but is no route of shared/routes.ts`);
  }
  const problems = departures(method, route.path, status, body);
  if (problems.length > 0)
    throw new Error(`${method} ${path} ${status} departs from the OpenAPI document:\n${problems.join('\n')}`);
}
