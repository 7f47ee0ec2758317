import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { createDeps } from '../../shared/deps';
import { call, startTestRuntime } from '../support/harness';

/**
 * The core path over real HTTP on the local runtime: a unit, its QR code, the survey page, a
 * rating, the aggregation and the index.
 */
describe('from QR code to index', () => {
  let runtime: Runtime;
  let admin: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    admin = await runtime.token({ role: 'admin' });
  });
  afterAll(() => runtime?.stop());

  it('stores a rating from the survey page and reports it in the day index', async () => {
    expect(
      (await call(runtime, 'PUT', '/v1/units/hn', { token: admin, body: { name: 'Hà Nội', level: 'city' } }))
        .status,
    ).toBe(201);
    const ward = await call(runtime, 'PUT', '/v1/units/phuc-xa', {
      token: admin,
      body: { name: 'Phường Phúc Xá', level: 'ward', parentId: 'hn' },
    });
    expect(ward.status).toBe(201);
    expect(ward.body.path).toBe('/hn/phuc-xa/');

    const svg = await call(runtime, 'GET', '/v1/units/phuc-xa/qr.svg', { token: admin });
    expect(svg.status).toBe(200);
    const { signCode } = await import('../../shared/qr/codes');
    const code = signCode(await createDeps().qrKeys(), { unitId: 'phuc-xa' });

    const page = await call(runtime, 'GET', `/s/${code}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Phường Phúc Xá');
    expect(page.text).toContain('name="a.staff.polite"');

    const rated = await call(runtime, 'POST', '/v1/ratings', {
      body: {
        code,
        answers: { 'staff.polite': 5, 'staff.guidance': 2, 'access.signage': 0 },
        submissionId: 'sub-000000001',
      },
    });
    expect(rated.status).toBe(201);

    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const aggregated = await call(runtime, 'POST', '/v1/aggregations', {
      token: admin,
      body: { from: today, to: today },
    });
    expect(aggregated.status).toBe(200);
    expect(aggregated.body.ratings).toBe(1);

    const index = await call(runtime, 'GET', `/v1/units/phuc-xa/index?period=${today}`);
    expect(index.status).toBe(200);
    // staff.polite 5 → 100 %, staff.guidance 2 → 0 %: the staff factor is 50 %, the only factor answered.
    expect(index.body).toMatchObject({ unitId: 'phuc-xa', n: 1, index: 50, sufficient: false, rank: null });
    expect(index.body.items.map((item: { id: string }) => item.id)).toEqual([
      'staff.polite',
      'staff.guidance',
    ]);
  });
});
