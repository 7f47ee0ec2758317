import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { signCode } from '../../shared/qr/codes';
import { createDb } from '../../shared/store/dynamo';
import { RatingsRepository } from '../../shared/store/ratings-repo';
import { daysAroundNow, runtimeQrKeys, seedCity, VALID_ANSWERS } from '../support/city';
import { call, startTestRuntime } from '../support/harness';

/**
 * DESIGN.md, data flow 3: a rating is stored with one conditional PutItem, idempotent on the
 * client's submission id. Under 64 concurrent clients nothing may be lost, doubled or 5xx.
 */
const RATINGS = 20_000;
const CLIENTS = 64;
const WARDS = 16;
/** every 10th rating is sent again after its 201 (a phone that lost the answer and retried) */
const RETRY_EVERY = 10;
/** every 100th rating is sent twice at the same moment (a double tap): the conditional put decides */
const RACE_EVERY = 100;

interface Outcome {
  status: number;
  id?: string;
  duplicate?: boolean;
}

describe('load: 20,000 ratings from 64 clients', () => {
  let runtime: Runtime;
  let admin: string;

  beforeAll(async () => {
    // All clients come from 127.0.0.1 here; the per-client rate limit is for phones, not this test.
    process.env.RATE_LIMIT_PER_WINDOW = '1000000';
    process.env.BURST_FLAG_AFTER = '1000000';
    runtime = await startTestRuntime();
    admin = await runtime.token({ role: 'admin' });
  });
  afterAll(() => runtime?.stop());

  it('stores every accepted rating exactly once, answers retries as duplicates, and the night counts them all', async () => {
    const wards = await seedCity(runtime, admin, 'ld', WARDS);
    const keys = runtimeQrKeys(runtime);
    const codes = wards.map((unitId) => signCode(keys, { unitId }));

    const submit = async (i: number): Promise<Outcome> => {
      const response = await call(runtime, 'POST', '/v1/ratings', {
        body: {
          code: codes[i % WARDS],
          // the levels vary so histograms are not all alike; 1..5 are valid for every item used
          answers: {
            'staff.polite': 1 + (i % 5),
            'staff.guidance': 1 + ((i >> 2) % 5),
            'access.signage': VALID_ANSWERS['access.signage'],
          },
          submissionId: `load-${i.toString().padStart(8, '0')}`,
        },
      });
      return { status: response.status, id: response.body?.id, duplicate: response.body?.duplicate };
    };

    const first: Outcome[][] = Array.from({ length: RATINGS }, () => []);
    const retries: Outcome[] = [];
    let next = 0;
    const statuses = new Map<number, number>();
    const count = (o: Outcome) => statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < RATINGS) {
          const i = next++;
          const sent = i % RACE_EVERY === 0 ? await Promise.all([submit(i), submit(i)]) : [await submit(i)];
          sent.forEach(count);
          first[i] = sent;
          if (i % RETRY_EVERY === 0) {
            const again = await submit(i);
            count(again);
            retries[i] = again;
          }
        }
      }),
    );

    // No 5xx, and nothing but 201 (stored) or 200 (duplicate).
    expect([...statuses.keys()].sort()).toEqual([200, 201]);

    const idsBySubmission = new Map<number, string>();
    for (const [i, sent] of first.entries()) {
      const created = sent.filter((o) => o.status === 201);
      // exactly one of the (possibly racing) first sends stored it; a racing twin is a duplicate of it
      expect(created, `rating ${i}`).toHaveLength(1);
      expect(created[0]!.duplicate).toBe(false);
      for (const twin of sent.filter((o) => o.status !== 201))
        expect(twin).toEqual({ status: 200, id: created[0]!.id, duplicate: true });
      idsBySubmission.set(i, created[0]!.id!);
    }
    for (const [i, retry] of retries.entries()) {
      if (retry)
        expect(retry, `retry of ${i}`).toEqual({ status: 200, id: idsBySubmission.get(i), duplicate: true });
    }
    expect(new Set(idsBySubmission.values()).size).toBe(RATINGS);

    // Count what is stored, through the nightly job's own access pattern (unit-day queries).
    const ratings = new RatingsRepository(
      createDb(runtime.tableName, new DynamoDBClient({ endpoint: runtime.dynamoEndpoint })),
    );
    const storedByDay = new Map<string, Map<string, number>>();
    const storedIds: string[] = [];
    for (const day of daysAroundNow()) {
      for (const unitId of wards) {
        for await (const page of ratings.unitDay(unitId, day)) {
          // a unit-day without ratings yields one empty page: no night to check there
          if (page.length === 0) continue;
          storedIds.push(...page.map((r) => r.id));
          const perUnit = storedByDay.get(day) ?? new Map<string, number>();
          perUnit.set(unitId, (perUnit.get(unitId) ?? 0) + page.length);
          storedByDay.set(day, perUnit);
        }
      }
    }
    expect(storedIds).toHaveLength(RATINGS);
    expect(new Set(storedIds)).toEqual(new Set(idsBySubmission.values()));

    // The night's n is the count stored: for the city (all wards pooled) and for each ward.
    for (const [day, perUnit] of storedByDay) {
      const total = [...perUnit.values()].reduce((a, b) => a + b, 0);
      const run = await call(runtime, 'POST', '/v1/aggregations', {
        token: admin,
        body: { from: day, to: day },
      });
      expect(run.status).toBe(200);
      expect(run.body.ratings).toBe(total);
      for (const [unitId, n] of perUnit) {
        const ward = await call(runtime, 'GET', `/v1/units/${unitId}/index?period=${day}`);
        expect([unitId, ward.status, ward.body?.n], ward.text.slice(0, 200)).toEqual([unitId, 200, n]);
      }
      const city = await call(runtime, 'GET', `/v1/units/ld/index?period=${day}`);
      expect([city.status, city.body?.n], city.text.slice(0, 200)).toEqual([200, total]);
    }
  }, 900_000);
});
