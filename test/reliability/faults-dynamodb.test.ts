import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Runtime, startRuntime } from '../../infra/local/runtime';
import { ServiceUnavailableError } from '../../shared/errors';
import { newUlid } from '../../shared/ids';
import { instruments } from '../../shared/methodology/instruments';
import { signCode } from '../../shared/qr/codes';
import { FUNCTIONS } from '../../shared/routes';
import { createDb, dynamoBudget } from '../../shared/store/dynamo';
import { RatingsRepository } from '../../shared/store/ratings-repo';
import { UnitsRepository } from '../../shared/store/units-repo';
import { importRatings } from '../../shared/use-cases/ratings';
import { runtimeQrKeys, seedCity, VALID_ANSWERS } from '../support/city';
import { call } from '../support/harness';
import { scanAll } from '../support/table-scan';

/**
 * DESIGN.md: the database may vanish for a while. Requests meanwhile get 503 with Retry-After
 * (the contract's "try again"), never a 500 or a hang, and a client that retries loses nothing.
 * This file runs its own dynalite on disk in a child process, killed and started again with its data.
 */
const SUBMISSIONS = 1_200;
const CLIENTS = 16;
const STOP_AFTER_ACCEPTED = 300;
const OUTAGE_503S = 40;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * dynalite on disk in a child process, so "the endpoint disappears" can be a SIGKILL, as when a
 * host dies: an in-process dynalite closed under load throws from its queued operations instead.
 */
async function startDynaliteProcess(
  port: number,
  dataPath: string,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const script = `const d = require('dynalite')({ path: ${JSON.stringify(dataPath)}, createTableMs: 0 });
d.listen(${port}, '127.0.0.1', () => console.log('port=' + d.address().port));`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const actual = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /port=(\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

describe('faults: DynamoDB goes away mid-load and comes back', () => {
  let runtime: Runtime;
  let dynamo: { endpoint: string; stop(): Promise<void> } | undefined;
  const dataPath = mkdtempSync(join(tmpdir(), 'sipas-faults-ddb-'));

  beforeAll(async () => {
    process.env.RATE_LIMIT_PER_WINDOW = '1000000';
    process.env.BURST_FLAG_AFTER = '1000000';
    dynamo = await startDynaliteProcess(0, dataPath);
    runtime = await startRuntime({
      port: 0,
      awsPort: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'sipas-faults-rt-')),
      dynamoEndpoint: dynamo.endpoint,
      awsEndpoint: inject('awsEndpoint'),
      tableName: 'sipas-faults',
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await dynamo?.stop();
  });

  it('answers 503 with Retry-After while it is gone, and stores every retried submission once', async () => {
    const admin = await runtime.token({ role: 'admin' });
    const wards = await seedCity(runtime, admin, 'fx', 4);
    const keys = runtimeQrKeys(runtime);
    const codes = wards.map((unitId) => signCode(keys, { unitId }));
    const port = Number(new URL(dynamo!.endpoint).port);

    const statuses = new Map<number, number>();
    const finalIds: string[] = [];
    let accepted = 0;
    let unavailable = 0;
    const badUnavailable: string[] = [];
    let next = 0;

    const client = async () => {
      while (next < SUBMISSIONS) {
        const i = next++;
        const body = {
          code: codes[i % codes.length],
          answers: VALID_ANSWERS,
          submissionId: `fault-${i.toString().padStart(6, '0')}`,
        };
        for (;;) {
          // A request that never comes back is a failure of its own: the promise is "no hang".
          const response = await call(runtime, 'POST', '/v1/ratings', { body, headers: {} });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status === 201 || response.status === 200) {
            finalIds[i] = response.body.id;
            accepted++;
            break;
          }
          if (response.status === 503) {
            unavailable++;
            const retryAfter = response.headers.get('retry-after');
            if (!retryAfter || !/^\d+$/.test(retryAfter) || response.body?.error?.code !== 'unavailable') {
              badUnavailable.push(`${retryAfter} ${response.text}`);
            }
            // A real client waits Retry-After seconds; the test waits less to stay short.
            await pause(100);
            continue;
          }
          throw new Error(`unexpected ${response.status}: ${response.text}`);
        }
      }
    };

    const outage = async () => {
      while (accepted < STOP_AFTER_ACCEPTED) await pause(20);
      await dynamo!.stop();
      dynamo = undefined;
      const before = unavailable;
      while (unavailable - before < OUTAGE_503S) await pause(20);
      dynamo = await startDynaliteProcess(port, dataPath);
    };

    await Promise.all([...Array.from({ length: CLIENTS }, client), outage()]);

    expect(badUnavailable).toEqual([]);
    expect(statuses.get(503)).toBeGreaterThanOrEqual(OUTAGE_503S);
    expect([...statuses.keys()].filter((status) => ![200, 201, 503].includes(status))).toEqual([]);

    // The rating items themselves, not the unit-day index: dynalite writes a GSI entry before the
    // item it belongs to, in two steps, so a SIGKILL between them leaves an index entry without
    // its item, which the retry then stores again under a new id. DynamoDB derives its GSIs from
    // the items and never shows that; the items are what "stored once" is about.
    const stored = (await scanAll(dynamo!.endpoint, 'sipas-faults'))
      .filter((item) => item.type === 'rating')
      .map((item) => String(item.id));
    // every submission accepted exactly once (a Put that landed before its answer was lost comes
    // back on retry as a duplicate with the same id), and nothing else stored
    expect(finalIds.filter(Boolean)).toHaveLength(SUBMISSIONS);
    expect(stored).toHaveLength(SUBMISSIONS);
    expect(new Set(stored)).toEqual(new Set(finalIds));
  }, 180_000);

  it('fails fast with a 503-mapped error when the endpoint accepts connections but never answers', async () => {
    // A black hole: connections are accepted and never answered (a hung load balancer, a stuck proxy).
    const sockets = new Set<Socket>();
    const hole = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    const { port } = hole.address() as { port: number };
    const previous = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${port}`;
    try {
      // createDb reads the endpoint from the environment, as the handlers do, and the tries and
      // timeouts the stack gives the citizen's submit function (10 s): it must answer 503 itself
      // before Lambda stops it, or the gateway answers a bare 500
      const limitSeconds = FUNCTIONS.submitRating.timeoutSeconds;
      const units = new UnitsRepository(createDb('sipas-black-hole', undefined, dynamoBudget(limitSeconds)));
      const started = Date.now();
      await expect(units.get('anything')).rejects.toBeInstanceOf(ServiceUnavailableError);
      expect(Date.now() - started).toBeLessThan(limitSeconds * 1_000);
    } finally {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = previous;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => hole.close(() => resolve()));
    }
  }, 60_000);

  it('answers an import with 503 while the database is away, not with every row rejected', async () => {
    // a port nobody listens on: every request is refused at once
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const previous = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${port}`;
    try {
      const db = createDb('sipas-gone');
      const deps = {
        units: new UnitsRepository(db),
        ratings: new RatingsRepository(db),
        registry: instruments,
        qrKeys: async () => runtimeQrKeys(runtime),
        clock: () => new Date(),
        newId: newUlid,
      };
      const rows = [{ unitId: 'fx-1', receivedAt: '2025-07-01T03:00:00Z', answers: VALID_ANSWERS }];
      await expect(importRatings(rows, '/', deps)).rejects.toBeInstanceOf(ServiceUnavailableError);
    } finally {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = previous;
    }
  }, 60_000);
});
