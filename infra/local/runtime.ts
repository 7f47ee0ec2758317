import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { Cron } from 'croner';
import { resetConfig } from '../../shared/config';
import { FUNCTIONS, type FunctionName } from '../../shared/routes';
import { DIGEST, DIGEST_CRON, NIGHTLY, NIGHTLY_CRON } from '../../shared/schedule';
import { dynamoBudget } from '../../shared/store/dynamo';
import { createTableInput } from '../../shared/store/table-definition';
import {
  type DevKeys,
  type DevTokenOptions,
  loadOrCreateDevKeys,
  signDevToken,
  verifyDevToken,
} from './dev-auth';
import { devSignInRoutes } from './dev-signin';
import { type LocalHandler, startGateway } from './gateway';
import { startDynalite, startFauxqs } from './services';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
export const REGION = 'ap-southeast-1';

export interface RuntimeOptions {
  /** gateway port; 0 picks a free one */
  port: number;
  /** SNS/SQS port (DynamoDB listens on the next one); 0 picks free ones */
  awsPort: number;
  dataDir: string;
  /** keep DynamoDB in memory instead of under dataDir (tests) */
  inMemory?: boolean;
  /** use services that are already running (the test setup's) instead of starting them */
  dynamoEndpoint?: string;
  awsEndpoint?: string;
  tableName?: string;
  /** run the nightly job on its cron */
  schedule?: boolean;
  /** the alerts topic's name (tests give each file its own, in the shared SNS stand-in) */
  topicName?: string;
}

export interface Runtime {
  url: string;
  dynamoEndpoint: string;
  awsEndpoint: string;
  tableName: string;
  topicArn: string;
  /** the QR signing keys of this runtime (in its data folder) */
  qrKeysFile: string;
  devKeys: DevKeys;
  /** runs the nightly job now, as the schedule would ({} closes yesterday) */
  runNightly(event?: unknown): Promise<unknown>;
  token(options: DevTokenOptions): Promise<string>;
  stop(): Promise<void>;
}

/** Creates the table from the shared definition unless it exists. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  }
}

/** A QR signing key for this machine, kept in the data folder (never in the repository). */
function ensureQrKeys(file: string): void {
  if (existsSync(file)) return;
  writeFileSync(file, JSON.stringify({ current: 1, retired: [], k1: randomBytes(32).toString('hex') }), {
    mode: 0o600,
  });
}

/**
 * The whole system on one machine: the stand-ins for DynamoDB and SNS/SQS, the table and topic
 * made from the same definitions as the cloud's, the gateway invoking the same handlers, and the
 * scheduler running the same nightly job on the same cron.
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };
  try {
    const awsEndpoint = options.awsEndpoint ?? (await started(startFauxqs(options.awsPort), stops));
    const dynamoPort = options.awsPort === 0 ? 0 : options.awsPort + 1;
    const dynamoEndpoint =
      options.dynamoEndpoint ??
      (await started(
        startDynalite(dynamoPort, options.inMemory ? undefined : join(dataDir, 'dynamodb')),
        stops,
      ));
    const tableName = options.tableName ?? 'sipas-local';

    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      AWS_ENDPOINT_URL_SNS: awsEndpoint,
      AWS_ENDPOINT_URL_SQS: awsEndpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    await ensureTable(new DynamoDBClient({ endpoint: dynamoEndpoint, region: REGION }), tableName);
    const { TopicArn } = await new SNSClient({ endpoint: awsEndpoint, region: REGION }).send(
      new CreateTopicCommand({ Name: options.topicName ?? 'sipas-alerts' }),
    );
    const qrKeysFile = join(dataDir, 'qr-keys.json');
    ensureQrKeys(qrKeysFile);
    const devKeys = await loadOrCreateDevKeys(join(dataDir, 'dev-jwt.json'));

    const handlers: Partial<Record<FunctionName, LocalHandler>> = {};
    const gateway = await startGateway({
      port: options.port,
      handlers,
      verifyToken: (authorization) => verifyDevToken(devKeys, authorization),
      extraRoutes: devSignInRoutes(devKeys),
    });
    stops.push(gateway.stop);

    Object.assign(process.env, {
      STAGE: 'local',
      TABLE_NAME: tableName,
      ALERTS_TOPIC_ARN: TopicArn,
      QR_KEYS_FILE: qrKeysFile,
      PUBLIC_BASE_URL: gateway.url,
      LOCAL_RUNTIME: 'true',
    });
    // Each handler makes its clients when first imported (in a process, the first runtime's
    // settings stay): it gets the DynamoDB tries and timeouts the stack gives its function, which
    // end before the gateway stops it (infra/constructs/sipas-function.ts).
    const given = { attempts: process.env.DYNAMODB_ATTEMPTS, timeout: process.env.DYNAMODB_TIMEOUT_MS };
    try {
      for (const [name, spec] of Object.entries(FUNCTIONS) as [
        FunctionName,
        (typeof FUNCTIONS)[FunctionName],
      ][]) {
        const budget = dynamoBudget(spec.timeoutSeconds);
        process.env.DYNAMODB_ATTEMPTS = String(budget.attempts);
        process.env.DYNAMODB_TIMEOUT_MS = String(budget.requestTimeoutMs);
        resetConfig();
        const module = (await import(join(PROJECT_ROOT, spec.entry))) as { handler: LocalHandler };
        handlers[name] = module.handler;
      }
    } finally {
      restoreEnv('DYNAMODB_ATTEMPTS', given.attempts);
      restoreEnv('DYNAMODB_TIMEOUT_MS', given.timeout);
      resetConfig();
    }

    const runNightly = (event: unknown = {}) =>
      (handlers.nightly as unknown as (event: unknown) => Promise<unknown>)(event);
    if (options.schedule) {
      const job = new Cron(NIGHTLY_CRON, { timezone: NIGHTLY.timeZone, protect: true }, async () => {
        try {
          await runNightly({});
        } catch (error) {
          console.error('the nightly job failed; it can be re-run with POST /v1/aggregations', error);
        }
      });
      stops.push(async () => job.stop());
      const digest = new Cron(DIGEST_CRON, { timezone: DIGEST.timeZone, protect: true }, async () => {
        try {
          await (handlers.digest as unknown as () => Promise<unknown>)();
        } catch (error) {
          console.error('the weekly digest failed', error);
        }
      });
      stops.push(async () => digest.stop());
    }

    return {
      url: gateway.url,
      dynamoEndpoint,
      awsEndpoint,
      tableName,
      topicArn: TopicArn!,
      qrKeysFile,
      devKeys,
      runNightly,
      token: (tokenOptions) => signDevToken(devKeys, tokenOptions),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

async function started(
  service: Promise<{ endpoint: string; stop(): Promise<void> }>,
  stops: (() => Promise<void>)[],
) {
  const { endpoint, stop } = await service;
  stops.push(stop);
  return endpoint;
}
