import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { call, startTestRuntime } from '../support/harness';

/** The aggregation and its results over real HTTP on the local runtime. */
describe('aggregations, index and rankings through the API', () => {
  let runtime: Runtime;
  let admin: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    admin = await runtime.token({ role: 'admin' });
    const put = (id: string, body: object) => call(runtime, 'PUT', `/v1/units/${id}`, { token: admin, body });
    expect((await put('hn', { name: 'Hà Nội', level: 'city' })).status).toBe(201);
    for (const id of ['w1', 'w2', 'w3'])
      expect((await put(id, { name: `Phường ${id}`, level: 'ward', parentId: 'hn' })).status).toBe(201);
    // 30 ratings each (the default minimum): w1 24 satisfied (80 %), w2 and w3 27 (90 %): a tie.
    const ratings = (['w1', 'w2', 'w3'] as const).flatMap((unitId) =>
      Array.from({ length: 30 }, (_, i) => ({
        unitId,
        receivedAt: `2026-02-14T0${i % 10}:00:${String(i).padStart(2, '0')}Z`,
        answers: { 'result.ontime': i < (unitId === 'w1' ? 24 : 27) ? 4 : 2 },
      })),
    );
    const imported = await call(runtime, 'POST', '/v1/ratings/import', { token: admin, body: { ratings } });
    expect(imported.body).toMatchObject({ accepted: 90, rejected: [] });
    const aggregated = await call(runtime, 'POST', '/v1/aggregations', {
      token: admin,
      body: { from: '2026-02-14', to: '2026-02-14' },
    });
    expect(aggregated.status).toBe(200);
    expect(aggregated.body).toMatchObject({
      ratings: 90,
      periods: ['2026-02-14', '2026-02', '2026-Q1', '2026'],
    });
  });
  afterAll(() => runtime?.stop());

  it('serves the index of a unit with its rank, and 404 for a period with no data', async () => {
    const index = await call(runtime, 'GET', '/v1/units/w1/index?period=2026-Q1');
    expect(index.status).toBe(200);
    // 24/30 = 80 %. Wilson 95 %: denominator 1 + 3.8415/30 = 1.12805; centre (0.8 + 3.8415/60)/1.12805
    // = 0.76595; half 1.96·√(0.16/30 + 3.8415/3600)/1.12805 = 1.96·0.080003/1.12805 = 0.13900 → 62.69 .. 90.49.
    expect(index.body).toMatchObject({
      unitId: 'w1',
      period: '2026-Q1',
      n: 30,
      index: 80,
      sufficient: true,
      ci95: [62.69, 90.49],
    });
    expect(index.body.rank).toEqual({ position: 3, of: 3, change: null });
    expect((await call(runtime, 'GET', '/v1/units/hn/index?period=2026-Q1')).body).toMatchObject({
      n: 90,
      index: 86.67,
    });
    const none = await call(runtime, 'GET', '/v1/units/w1/index?period=2026-01');
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBeDefined();
    const bad = await call(runtime, 'GET', '/v1/units/w1/index?period=2026-Q5');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('period');
  });

  it('ranks siblings with competition ranking for ties', async () => {
    const rankings = await call(runtime, 'GET', '/v1/rankings?period=2026-02&parent=hn');
    expect(rankings.status).toBe(200);
    expect(
      rankings.body.units.map((u: { unitId: string; position: number; index: number }) => [
        u.unitId,
        u.position,
        u.index,
      ]),
    ).toEqual([
      ['w2', 1, 90],
      ['w3', 1, 90],
      ['w1', 3, 80],
    ]);
    expect((await call(runtime, 'GET', '/v1/rankings?period=2025&parent=hn')).status).toBe(404);
    // a misspelt parameter is named, not ignored (ignored, it would have ranked the top-level units)
    const misspelt = await call(runtime, 'GET', '/v1/rankings?period=2026-02&parentId=hn');
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.error.details).toEqual([{ field: 'parentId', message: 'not a known field' }]);
    // without a parent: the top-level units, here the city alone (90 ratings, 78 satisfied = 86.67)
    const top = await call(runtime, 'GET', '/v1/rankings?period=2026-02');
    expect(top.status).toBe(200);
    expect(top.body).toMatchObject({
      period: '2026-02',
      parent: null,
      units: [{ unitId: 'hn', position: 1, index: 86.67, n: 90 }],
    });
  });

  it('merges a unit over HTTP, refusing bad input with the field named', async () => {
    const missing = await call(runtime, 'POST', '/v1/units/w3/merge', { token: admin, body: {} });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('into');
    const unknown = await call(runtime, 'POST', '/v1/units/w3/merge', {
      token: admin,
      body: { into: 'nowhere' },
    });
    expect(unknown.status).toBe(400);
    expect((await call(runtime, 'POST', '/v1/units/w3/merge', { body: { into: 'w2' } })).status).toBe(401);
    const official = await runtime.token({ role: 'official', unitId: 'w3' });
    expect(
      (await call(runtime, 'POST', '/v1/units/w3/merge', { token: official, body: { into: 'w2' } })).status,
    ).toBe(403);

    const merged = await call(runtime, 'POST', '/v1/units/w3/merge', { token: admin, body: { into: 'w2' } });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ id: 'w3', mergedInto: 'w2' });
    // Before any recompute, February still shows the tree it was computed with.
    expect((await call(runtime, 'GET', '/v1/rankings?period=2026-02&parent=hn')).body.units).toHaveLength(3);
    await call(runtime, 'POST', '/v1/aggregations', {
      token: admin,
      body: { from: '2026-02-14', to: '2026-02-14' },
    });
    // Recomputed: w2 holds w2 and w3, 54 of 60 = 90 %; w1 2nd of 2. w3's own February stays readable.
    const after = await call(runtime, 'GET', '/v1/rankings?period=2026-02&parent=hn');
    expect(
      after.body.units.map((u: { unitId: string; position: number; n: number }) => [
        u.unitId,
        u.position,
        u.n,
      ]),
    ).toEqual([
      ['w2', 1, 60],
      ['w1', 2, 30],
    ]);
    expect((await call(runtime, 'GET', '/v1/units/w3/index?period=2026-02')).body).toMatchObject({
      n: 30,
      index: 90,
    });
  });
});
