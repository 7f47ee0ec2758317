import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { parseCsv } from '../../shared/api/csv';
import { createDeps } from '../../shared/deps';
import type { Rating } from '../../shared/domain';
import { call, startTestRuntime } from '../support/harness';

const DAY = '2025-07-02';

function rating(unitId: string, i: number, extra: Partial<Rating> = {}): Rating {
  const receivedAt = `2025-07-02T03:00:0${i}.000Z`;
  return {
    id: ulid(Date.parse(receivedAt)),
    submissionId: `merged-${unitId}-${i}`,
    unitId,
    receivedAt,
    day: DAY,
    instrument: 'sipas-2023',
    instrumentVersion: 1,
    answers: { 'staff.polite': 4 },
    lang: 'vi',
    source: 'import',
    ...extra,
  };
}

/**
 * A commune merged into another in a different district (as on 1 July 2025): its old posters
 * keep bringing ratings, which count for the commune it joined, so that commune's officials see
 * them, in the exports, the report and the flagged list, and may open the merged unit itself.
 */
describe('a merged unit, seen from the unit it joined', () => {
  let runtime: Runtime;
  let joinedOfficial: string;
  let siblingOfficial: string;
  let admin: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    admin = await runtime.token({ role: 'admin' });
    const put = (id: string, body: Record<string, unknown>) =>
      call(runtime, 'PUT', `/v1/units/${id}`, { token: admin, body });
    await put('hn', { name: 'Hà Nội', level: 'city' });
    await put('d1', { name: 'Quận 1', level: 'district', parentId: 'hn' });
    await put('d2', { name: 'Quận 2', level: 'district', parentId: 'hn' });
    await put('w1', { name: 'Phường 1', level: 'ward', parentId: 'd1' });
    await put('w2', { name: 'Phường 2', level: 'ward', parentId: 'd1' });
    await put('w3', { name: 'Phường 3', level: 'ward', parentId: 'd2' });
    const deps = createDeps();
    await deps.ratings.store(rating('w1', 1, { comment: 'Phường 1 nhanh' }));
    await deps.ratings.store(rating('w3', 2, { comment: 'Phường 3 chậm' }));
    await deps.ratings.store(rating('w3', 3, { flagged: 'burst' }));
    const merged = await call(runtime, 'POST', '/v1/units/w3/merge', { token: admin, body: { into: 'w1' } });
    expect(merged.status).toBe(200);
    joinedOfficial = await runtime.token({ role: 'official', unitId: 'w1' });
    siblingOfficial = await runtime.token({ role: 'official', unitId: 'w2' });
  });
  afterAll(() => runtime?.stop());

  it('lets the joined unit’s officials open the merged unit, and nobody else beside it', async () => {
    expect((await call(runtime, 'GET', '/v1/units/w3', { token: joinedOfficial })).body).toMatchObject({
      id: 'w3',
      mergedInto: 'w1',
    });
    expect((await call(runtime, 'GET', '/v1/units/w3', { token: siblingOfficial })).status).toBe(403);
    // seeing is not managing: the merged unit stays where it is in the tree, outside their area
    const edit = await call(runtime, 'PUT', '/v1/units/w3', {
      token: joinedOfficial,
      body: { name: 'Phường 3 mới', level: 'ward' },
    });
    expect(edit.status).toBe(403);
    // the tree says where it went
    const tree = await call(runtime, 'GET', '/v1/tree', { token: admin });
    expect(tree.body.units.find((u: { id: string }) => u.id === 'w3')).toMatchObject({ mergedInto: 'w1' });
  });

  it('exports the merged unit’s ratings with the joined unit’s', async () => {
    const csv = await call(runtime, 'GET', `/v1/units/w1/ratings.csv?from=${DAY}&to=${DAY}`, {
      token: joinedOfficial,
    });
    expect(csv.status).toBe(200);
    const [header, ...rows] = parseCsv(csv.text.replace(/^\uFEFF/, ''));
    const unitColumn = header!.indexOf('unitId');
    expect(rows.map((row) => row[unitColumn])).toEqual(['w1', 'w3', 'w3']);
    // and the sibling's export has none of them
    const sibling = await call(runtime, 'GET', `/v1/units/w2/ratings.csv?from=${DAY}&to=${DAY}`, {
      token: siblingOfficial,
    });
    expect(parseCsv(sibling.text.replace(/^\uFEFF/, '')).slice(1)).toEqual([]);
  });

  it('reports the merged unit’s comments and flagged ratings with the joined unit’s', async () => {
    const report = await call(runtime, 'GET', '/v1/units/w1/report?period=2025-07', {
      token: joinedOfficial,
    });
    expect(report.status).toBe(200);
    expect(report.body.comments.map((c: { unitId: string; text: string }) => [c.unitId, c.text])).toEqual([
      ['w3', 'Phường 3 chậm'],
      ['w1', 'Phường 1 nhanh'],
    ]);
    expect(report.body.flagged).toBe(1);
    const flagged = await call(runtime, 'GET', `/v1/units/w1/flagged?from=${DAY}&to=${DAY}`, {
      token: joinedOfficial,
    });
    expect(flagged.status).toBe(200);
    expect(flagged.body.flagged).toBe(1);
    expect(flagged.body.days[0].ratings.map((r: { unitId: string }) => r.unitId)).toEqual(['w3']);
  });
});
