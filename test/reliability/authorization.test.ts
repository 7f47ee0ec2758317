import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { vietnamDay } from '../../shared/methodology/periods';
import { signCode } from '../../shared/qr/codes';
import { ROUTES, type RouteSpec, routeKey } from '../../shared/routes';
import { AlertsRepository } from '../../shared/store/alerts-repo';
import { createDb } from '../../shared/store/dynamo';
import { runtimeQrKeys, seedCity, VALID_ANSWERS } from '../support/city';
import { call, startTestRuntime } from '../support/harness';

/**
 * DESIGN.md, API contract: officials' routes need a valid JWT (the gateway answers 401 itself,
 * as API Gateway's JWT authorizer does); `admin` may do everything, `official` only inside the
 * subtree of its unit; public routes ignore tokens. One table, every route × every caller.
 */
type Caller = 'none' | 'expired' | 'wrongIssuer' | 'admin' | 'inScope' | 'outOfScope';
const CALLERS: Caller[] = ['none', 'expired', 'wrongIssuer', 'admin', 'inScope', 'outOfScope'];

interface Sample {
  /** the request for one cell: `n` differs per cell, for routes whose success changes state */
  path: (n: number, caller: Caller) => string;
  body?: (n: number) => unknown;
}

/** Exceptions to the rule; everything else is: public → its success status for all, official → 401 ×3, success ×2, 403. */
type Overrides = Partial<Record<Caller, number>>;

const day = vietnamDay(new Date());
const month = day.slice(0, 7);

describe('authorization matrix', () => {
  let runtime: Runtime;
  const tokens = {} as Record<Caller, string | undefined>;
  let code = '';
  /** per caller: a subscription owned by the in-scope official, an alert of az-w1 (each changed at most once) */
  const subscriptionOf = {} as Record<Caller, string>;
  const alertOf = {} as Record<Caller, string>;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    const admin = await runtime.token({ role: 'admin' });
    await seedCity(runtime, admin, 'az', 3);
    await seedCity(runtime, admin, 'bz', 1);
    for (let m = 1; m <= CALLERS.length; m++) {
      await call(runtime, 'PUT', `/v1/units/az-m${m}`, {
        token: admin,
        body: { name: `Merged ${m}`, level: 'ward', parentId: 'az' },
      });
    }
    const now = Math.floor(Date.now() / 1000);
    Object.assign(tokens, {
      none: undefined,
      expired: await runtime.token({ role: 'admin', issuedAt: now - 7200, ttl: 3600 }),
      wrongIssuer: await runtime.token({ role: 'admin', issuer: 'https://attacker.example/auth' }),
      admin,
      inScope: await runtime.token({ role: 'official', unitId: 'az' }),
      outOfScope: await runtime.token({ role: 'official', unitId: 'bz' }),
    });
    code = signCode(runtimeQrKeys(runtime), { unitId: 'az-w1' });
    const alerts = new AlertsRepository(
      createDb(runtime.tableName, new DynamoDBClient({ endpoint: runtime.dynamoEndpoint })),
    );
    for (const [i, caller] of CALLERS.entries()) {
      const created = await call(runtime, 'POST', '/v1/subscriptions', {
        token: tokens.inScope!,
        body: {
          protocol: 'email',
          endpoint: `official${i}@example.gov.vn`,
          unitId: 'az-w1',
          minSeverity: 'warning',
        },
      });
      expect(created.status).toBe(201);
      subscriptionOf[caller] = created.body.id;
      const period = `2025-01-${String(10 + i)}`;
      alertOf[caller] = `az-w1.below-target.${period}`;
      const text = { subject: 'x', body: 'x' };
      await alerts.recordOnce({
        id: alertOf[caller],
        unitId: 'az-w1',
        unitPath: '/az/az-w1/',
        unitName: 'Ward az-w1',
        parentPath: '/az/',
        rule: 'below-target',
        severity: 'warning',
        severityLevel: 2,
        period,
        figures: { index: 70 },
        messages: { vi: text, en: text },
        createdAt: new Date().toISOString(),
      });
    }
    // a rating and a night, so the public results of today exist
    const rated = await call(runtime, 'POST', '/v1/ratings', { body: { code, answers: VALID_ANSWERS } });
    expect(rated.status).toBe(201);
    expect(
      (await call(runtime, 'POST', '/v1/aggregations', { token: admin, body: { from: day, to: day } }))
        .status,
    ).toBe(200);
  });
  afterAll(() => runtime?.stop());

  const submission = (n: number) => ({
    code,
    answers: VALID_ANSWERS,
    submissionId: `authz-${n.toString().padStart(4, '0')}`,
  });

  const MATRIX: Record<string, { sample: Sample; overrides?: Overrides }> = {
    'GET /s/{code}': { sample: { path: () => `/s/${code}` } },
    'GET /s/{code}/thanks': { sample: { path: () => `/s/${code}/thanks` } },
    'POST /v1/ratings': { sample: { path: () => '/v1/ratings', body: submission } },
    'POST /v1/ratings/import': {
      sample: {
        path: () => '/v1/ratings/import',
        body: (n) => ({
          ratings: [
            {
              unitId: 'az-w2',
              receivedAt: new Date(Date.now() - 3600_000).toISOString(),
              answers: VALID_ANSWERS,
              submissionId: `imp-authz-${n}`,
            },
          ],
        }),
      },
      // the import itself answers 200 and rejects each rating outside the caller's area (checked below)
      overrides: { outOfScope: 200 },
    },
    'GET /v1/units': { sample: { path: () => '/v1/units?parent=az' } },
    'GET /v1/units/{unitId}': { sample: { path: () => '/v1/units/az-w1' } },
    'PUT /v1/units/{unitId}': {
      sample: {
        path: () => '/v1/units/az-w2',
        body: (n) => ({ name: `Ward az-w2 (${n})`, level: 'ward', parentId: 'az' }),
      },
    },
    'POST /v1/units/{unitId}/merge': {
      sample: { path: (n) => `/v1/units/az-m${n}/merge`, body: () => ({ into: 'az-w3' }) },
    },
    'GET /v1/units/{unitId}/qr.svg': { sample: { path: () => '/v1/units/az-w1/qr.svg' } },
    'GET /v1/units/{unitId}/qr.png': { sample: { path: () => '/v1/units/az-w1/qr.png' } },
    'GET /v1/units/{unitId}/poster': { sample: { path: () => '/v1/units/az-w1/poster' } },
    'GET /v1/units/{unitId}/posters': { sample: { path: () => '/v1/units/az/posters' } },
    'GET /v1/units/{unitId}/flagged': {
      sample: { path: () => `/v1/units/az-w1/flagged?from=${day}&to=${day}` },
    },
    'GET /v1/units/{unitId}/index': { sample: { path: () => `/v1/units/az-w1/index?period=${day}` } },
    'GET /v1/rankings': { sample: { path: () => `/v1/rankings?period=${day}&parent=az` } },
    // a recompute touches every unit's results: administrators only
    'POST /v1/aggregations': {
      sample: { path: () => '/v1/aggregations', body: () => ({ from: day, to: day }) },
      overrides: { inScope: 403, outOfScope: 403 },
    },
    'GET /v1/openapi.json': { sample: { path: () => '/v1/openapi.json' } },
    'GET /dashboard': { sample: { path: () => '/dashboard' } },
    'GET /dashboard/report': { sample: { path: () => '/dashboard/report' } },
    // no unit in the request: an official of another city sees their own tree
    'GET /v1/tree': { sample: { path: () => '/v1/tree' }, overrides: { outOfScope: 200 } },
    'GET /v1/units/{unitId}/dashboard': { sample: { path: () => `/v1/units/az-w1/dashboard?period=${day}` } },
    'GET /v1/units/{unitId}/report': { sample: { path: () => `/v1/units/az-w1/report?period=${month}` } },
    'GET /r/{unitId}': { sample: { path: () => `/r/az-w1?period=${day}` } },
    'GET /method': { sample: { path: () => '/method' } },
    'GET /v1/units/{unitId}/ratings.csv': {
      sample: { path: () => `/v1/units/az-w1/ratings.csv?from=${day}&to=${day}` },
    },
    'GET /v1/units/{unitId}/snapshots.csv': {
      sample: { path: () => `/v1/units/az-w1/snapshots.csv?kind=day&from=${day}&to=${day}` },
    },
    // out of scope: subscribing to another city's unit is refused; listing shows one's own
    'POST /v1/subscriptions': {
      sample: {
        path: () => '/v1/subscriptions',
        body: (n) => ({ protocol: 'email', endpoint: `m${n}@example.gov.vn`, unitId: 'az-w2' }),
      },
    },
    'GET /v1/subscriptions': { sample: { path: () => '/v1/subscriptions' }, overrides: { outOfScope: 200 } },
    // owned by the in-scope official: the owner and admins may delete it, another official may not
    'DELETE /v1/subscriptions/{id}': {
      sample: { path: (_, caller) => `/v1/subscriptions/${subscriptionOf[caller]}` },
    },
    'GET /v1/alerts': { sample: { path: () => '/v1/alerts?unit=az-w1' } },
    'POST /v1/alerts/{id}/ack': {
      sample: {
        path: (_, caller) => `/v1/alerts/${alertOf[caller]}/ack`,
        body: () => ({ note: 'seen, calling the ward' }),
      },
    },
    'GET /v1/units/{unitId}/snapshots.json': {
      sample: { path: () => `/v1/units/az-w1/snapshots.json?kind=day&from=${day}&to=${day}` },
    },
  };

  function expected(route: RouteSpec, caller: Caller): number {
    const override = MATRIX[routeKey(route)]?.overrides?.[caller];
    if (override !== undefined) return override;
    if (route.auth === 'public') return route.response.status;
    if (caller === 'none' || caller === 'expired' || caller === 'wrongIssuer') return 401;
    return caller === 'outOfScope' ? 403 : route.response.status;
  }

  it('has a row for every route', () => {
    expect(ROUTES.map(routeKey).filter((key) => !MATRIX[key])).toEqual([]);
  });

  it('gives each route × caller its expected status', async () => {
    const cells = ROUTES.filter((route) => MATRIX[routeKey(route)]).flatMap((route) =>
      CALLERS.map((caller) => ({ route, caller })),
    );
    const got: string[] = [];
    const want: string[] = [];
    let n = 0;
    for (const { route, caller } of cells) {
      const { sample } = MATRIX[routeKey(route)]!;
      n++;
      const cellN = (CALLERS.indexOf(caller) + 1) as number;
      const body = sample.body?.(route.path.endsWith('/merge') ? cellN : n);
      const response = await call(
        runtime,
        route.method,
        sample.path(route.path.endsWith('/merge') ? cellN : n, caller),
        {
          ...(tokens[caller] ? { token: tokens[caller] } : {}),
          ...(body !== undefined ? { body } : {}),
        },
      );
      const label = `${routeKey(route)} as ${caller}`;
      got.push(`${label}: ${response.status}`);
      want.push(`${label}: ${expected(route, caller)}`);
      if (response.status === 401) expect(response.headers.get('www-authenticate'), label).toMatch(/^Bearer/);
      if (routeKey(route) === 'POST /v1/ratings/import' && response.status === 200) {
        // in scope: stored; outside: rejected, not stored
        expect(response.body.accepted, label).toBe(caller === 'outOfScope' ? 0 : 1);
      }
    }
    expect(got).toEqual(want);
  }, 120_000);
});
