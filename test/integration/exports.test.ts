import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { parseCsv } from '../../shared/api/csv';
import { createDeps } from '../../shared/deps';
import { instruments, itemIds } from '../../shared/methodology/instruments';
import { call, startTestRuntime } from '../support/harness';
import { COMMENTS, JUNE, seedCity } from './dashboard-seed';

/** Exports over the local gateway, on the hand-worked city of dashboard-seed.ts. */
describe('exports', () => {
  let runtime: Runtime;
  let cityOfficial: string;
  let wardOfficial: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    await seedCity(createDeps());
    cityOfficial = await runtime.token({ role: 'official', unitId: 'hn' });
    wardOfficial = await runtime.token({ role: 'official', unitId: 'ba-dinh' });
  });
  afterAll(() => runtime?.stop());

  it('exports a subtree’s ratings as UTF-8 CSV with a BOM that parses back to the stored ratings', async () => {
    const response = await fetch(`${runtime.url}/v1/units/hn/ratings.csv?from=2025-06-01&to=2025-06-30`, {
      headers: { authorization: `Bearer ${cityOfficial}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('attachment;');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes));
    // 40 (phuc-xa) + 40 (ba-dinh) + 10 (ngoc-ha) in June; nothing from hcm's subtree
    expect(rows).toHaveLength(90);
    const col = (name: string) => header!.indexOf(name);
    expect(new Set(rows.map((r) => r[col('unitId')]))).toEqual(new Set(['phuc-xa', 'ba-dinh', 'ngoc-ha']));
    const polite = rows.filter((r) => r[col('unitId')] === 'phuc-xa').map((r) => r[col('staff.polite')]);
    // 30 fives and 10 twos, as seeded
    expect(polite.filter((v) => v === '5')).toHaveLength(30);
    expect(polite.filter((v) => v === '2')).toHaveLength(10);
    const comments = rows.map((r) => r[col('comment')]).filter(Boolean);
    // Vietnamese, commas and quotes survive; a formula is defused with a leading apostrophe
    expect(comments).toContain(COMMENTS[0]);
    expect(comments).toContain(COMMENTS[2]);
    expect(comments).toContain(`'${COMMENTS[1]}`);
    expect(rows.filter((r) => r[col('flagged')] === 'burst')).toHaveLength(1);
    // item columns in the order today's questionnaire asks them, not an older one's
    const sipas2023 = itemIds(instruments.get('sipas-2023')!);
    expect(header!.filter((name) => sipas2023.includes(name))).toEqual(sipas2023);
  });

  it('refuses a range longer than 92 days with advice, and a unit outside the area with 403', async () => {
    const long = await call(runtime, 'GET', '/v1/units/hn/ratings.csv?from=2025-01-01&to=2025-06-30', {
      token: cityOfficial,
    });
    expect(long.status).toBe(400);
    expect(long.body.error.details[0]).toMatchObject({ field: 'to' });
    expect(long.body.error.details[0].message).toContain('92 days');
    const missing = await call(runtime, 'GET', '/v1/units/hn/ratings.csv?from=2025-06-01', {
      token: cityOfficial,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].field).toBe('to');
    expect(
      (
        await call(runtime, 'GET', '/v1/units/hn/ratings.csv?from=2025-06-01&to=2025-06-30', {
          token: wardOfficial,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(runtime, 'GET', '/v1/units/hn/snapshots.json?kind=month&from=2025-05&to=2025-06', {
          token: wardOfficial,
        })
      ).status,
    ).toBe(403);
  });

  it('exports a subtree’s snapshots for a range of months as JSON and CSV', async () => {
    const json = await call(
      runtime,
      'GET',
      '/v1/units/hn/snapshots.json?kind=month&from=2025-05&to=2025-06',
      { token: cityOfficial },
    );
    expect(json.status).toBe(200);
    const byKey = new Map(
      json.body.snapshots.map((s: { unitId: string; period: string }) => [`${s.unitId} ${s.period}`, s]),
    );
    // hn, May: 80 ratings, polite 40/80 = 50, ontime 40/80 = 50 → 50; June: 81.11 (see dashboard.test.ts)
    expect(byKey.get('hn 2025-05')).toMatchObject({ n: 80, index: 50 });
    expect(byKey.get(`hn ${JUNE}`)).toMatchObject({ n: 90, index: 81.11 });
    expect(byKey.get(`ba-dinh ${JUNE}`)).toMatchObject({
      index: 75,
      rank: { position: 2, of: 2, change: -1 },
    });
    // hn, phuc-xa and ba-dinh in May and June, ngoc-ha in June only; nothing of hcm's subtree
    expect(byKey.size).toBe(7);
    expect([...byKey.keys()].some((k) => (k as string).startsWith('ben-thanh'))).toBe(false);

    const csv = await fetch(`${runtime.url}/v1/units/hn/snapshots.csv?kind=month&from=2025-06&to=2025-06`, {
      headers: { authorization: `Bearer ${cityOfficial}` },
    });
    expect(csv.status).toBe(200);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    // fetch's text() would drop the byte order mark: look at the bytes
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes));
    const row = (unitId: string) => rows.find((r) => r[0] === unitId)!;
    const col = (name: string) => header!.indexOf(name);
    expect(row('ba-dinh')[col('index')]).toBe('75.00');
    expect(row('ba-dinh')[col('rankChange')]).toBe('-1');
    expect(row('ba-dinh')[col('factor:result')]).toBe('50.00');
    expect(row('ngoc-ha')[col('sufficient')]).toBe('false');
    expect(row('ngoc-ha')[col('rank')]).toBe('');
  });

  it('names the field at fault for a period of the wrong kind', async () => {
    const bad = await call(runtime, 'GET', '/v1/units/hn/snapshots.csv?kind=month&from=2025-Q1&to=2025-06', {
      token: cityOfficial,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toContain('from');
  });
});
