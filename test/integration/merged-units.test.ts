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
 * keep bringing ratings, which count for the commune it joined, so they are in that commune's
 * exports, report and flagged list, and no longer in the old district's. A counter of the merged
 * commune that was merged elsewhere first counts there, not with the commune.
 *
 *   hn ─ d1 ─ w1 ◀── w3 (merged)
 *      │    └ w2 ◀── k (merged; a counter of w3)
 *      └ d2 ─ w3 ─ k
 */
describe('a merged unit, seen from the unit it joined', () => {
  let runtime: Runtime;
  let admin: string;
  let joined: string;
  let other: string;

  const rows = async (unitId: string, token: string) => {
    const csv = await call(runtime, 'GET', `/v1/units/${unitId}/ratings.csv?from=${DAY}&to=${DAY}`, {
      token,
    });
    expect(csv.status).toBe(200);
    const [header, ...body] = parseCsv(csv.text.replace(/^\uFEFF/, ''));
    return body.map((row) => row[header!.indexOf('unitId')]);
  };

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
    await put('k', { name: 'Quầy k', level: 'counter', parentId: 'w3' });
    const deps = createDeps();
    await deps.ratings.store(rating('w1', 1, { comment: 'Phường 1 nhanh' }));
    await deps.ratings.store(rating('w2', 2));
    await deps.ratings.store(rating('w3', 3, { comment: 'Phường 3 chậm' }));
    await deps.ratings.store(rating('w3', 4, { flagged: 'burst' }));
    await deps.ratings.store(rating('k', 5, { comment: 'Quầy k ổn' }));
    const merge = (id: string, into: string) =>
      call(runtime, 'POST', `/v1/units/${id}/merge`, { token: admin, body: { into } });
    expect((await merge('k', 'w2')).status).toBe(200);
    expect((await merge('w3', 'w1')).status).toBe(200);
    joined = await runtime.token({ role: 'official', unitId: 'w1' });
    other = await runtime.token({ role: 'official', unitId: 'w2' });
  });
  afterAll(() => runtime?.stop());

  it('exports the ratings where they count: the merged unit’s with the unit it joined', async () => {
    expect(await rows('w1', joined)).toEqual(['w1', 'w3', 'w3']);
    expect(await rows('w2', other)).toEqual(['w2', 'k']);
    expect(await rows('d2', admin)).toEqual([]);
    expect(await rows('hn', admin)).toEqual(['w1', 'w2', 'w3', 'w3', 'k']);
  });

  it('reports the merged unit’s comments and flagged ratings with the joined unit’s', async () => {
    const report = await call(runtime, 'GET', '/v1/units/w1/report?period=2025-07', { token: joined });
    expect(report.status).toBe(200);
    expect(report.body.comments.map((c: { unitId: string; text: string }) => [c.unitId, c.text])).toEqual([
      ['w3', 'Phường 3 chậm'],
      ['w1', 'Phường 1 nhanh'],
    ]);
    expect(report.body.flagged).toBe(1);
    const flagged = await call(runtime, 'GET', `/v1/units/w1/flagged?from=${DAY}&to=${DAY}`, {
      token: joined,
    });
    expect(flagged.status).toBe(200);
    expect(flagged.body.flagged).toBe(1);
    expect(flagged.body.days[0].ratings.map((r: { unitId: string }) => r.unitId)).toEqual(['w3']);
    const otherReport = await call(runtime, 'GET', '/v1/units/w2/report?period=2025-07', { token: other });
    expect(otherReport.body.comments.map((c: { text: string }) => c.text)).toEqual(['Quầy k ổn']);
  });

  it('takes no import into a merged unit, whose ratings would count in another area', async () => {
    const d2 = await runtime.token({ role: 'official', unitId: 'd2' });
    const row = { unitId: 'w3', receivedAt: '2025-07-02T04:00:00Z', answers: { 'staff.polite': 1 } };
    const refused = await call(runtime, 'POST', '/v1/ratings/import', {
      token: d2,
      body: { ratings: [row] },
    });
    expect(refused.body).toMatchObject({
      accepted: 0,
      rejected: [{ index: 0, error: expect.stringContaining('unitId: was merged into another unit') }],
    });
    expect(await rows('w1', joined)).toEqual(['w1', 'w3', 'w3']);
  });

  it('never lets two units merged into each other at the same moment form a cycle', async () => {
    for (let round = 0; round < 4; round++) {
      const [a, b] = [`x${round}a`, `x${round}b`];
      for (const id of [a, b])
        await call(runtime, 'PUT', `/v1/units/${id}`, {
          token: admin,
          body: { name: id, level: 'ward', parentId: 'd1' },
        });
      const merge = (id: string, into: string) =>
        call(runtime, 'POST', `/v1/units/${id}/merge`, { token: admin, body: { into } });
      const answers = await Promise.all([merge(a, b), merge(b, a)]);
      expect(answers.map((answer) => answer.status).sort()).not.toEqual([200, 200]);
      const [ua, ub] = await Promise.all(
        [a, b].map(async (id) => (await call(runtime, 'GET', `/v1/units/${id}`, { token: admin })).body),
      );
      expect(ua.mergedInto === b && ub.mergedInto === a).toBe(false);
    }
    // and the views that follow chains of merges still answer
    expect(await rows('hn', admin)).toEqual(['w1', 'w2', 'w3', 'w3', 'k']);
  });

  it('leaves the merged unit itself outside the joined unit’s area', async () => {
    for (const path of [
      '/v1/units/w3',
      `/v1/units/w3/ratings.csv?from=${DAY}&to=${DAY}`,
      '/v1/units/w3/posters',
    ])
      expect((await call(runtime, 'GET', path, { token: joined })).status, path).toBe(403);
    const tree = await call(runtime, 'GET', '/v1/tree', { token: admin });
    expect(tree.body.units.find((u: { id: string }) => u.id === 'w3')).toMatchObject({ mergedInto: 'w1' });
  });
});
