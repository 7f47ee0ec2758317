import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { call, startTestRuntime } from '../support/harness';

describe('units', () => {
  let runtime: Runtime;
  let admin: string;
  let official: string;

  const put = (id: string, body: Record<string, unknown>, token = admin) =>
    call(runtime, 'PUT', `/v1/units/${id}`, { token, body });

  beforeAll(async () => {
    runtime = await startTestRuntime();
    admin = await runtime.token({ role: 'admin' });
    official = await runtime.token({ role: 'official', unitId: 'ba-dinh' });
    await put('hn', { name: 'Hà Nội', level: 'city' });
    await put('ba-dinh', { name: 'Ba Đình', level: 'district', parentId: 'hn' });
    await put('ba-dinh-2', { name: 'Ba Đình 2', level: 'district', parentId: 'hn' });
    await put('phuc-xa', { name: 'Phúc Xá', level: 'ward', parentId: 'ba-dinh' });
    await put('quay-1', { name: 'Quầy 1', level: 'counter', parentId: 'phuc-xa', instrument: 'counter-3' });
  });
  afterAll(() => runtime?.stop());

  it('keeps each unit’s path from the root, with slashes on both ends', async () => {
    const counter = await call(runtime, 'GET', '/v1/units/quay-1', { token: admin });
    expect(counter.body).toMatchObject({
      path: '/hn/ba-dinh/phuc-xa/quay-1/',
      instrument: 'counter-3',
      parentId: 'phuc-xa',
    });
    const ward = await call(runtime, 'GET', '/v1/units/phuc-xa', { token: admin });
    expect(ward.body.instrument).toBe('sipas-2023');
  });

  it('lists children, roots for an admin and the own unit for an official', async () => {
    const children = await call(runtime, 'GET', '/v1/units?parent=hn', { token: admin });
    expect(children.body.map((u: { id: string }) => u.id).sort()).toEqual(['ba-dinh', 'ba-dinh-2']);
    expect(
      (await call(runtime, 'GET', '/v1/units', { token: admin })).body.map((u: { id: string }) => u.id),
    ).toEqual(['hn']);
    expect(
      (await call(runtime, 'GET', '/v1/units', { token: official })).body.map((u: { id: string }) => u.id),
    ).toEqual(['ba-dinh']);
  });

  it('keeps an official inside their subtree, even beside a sibling whose id starts the same', async () => {
    expect((await call(runtime, 'GET', '/v1/units/phuc-xa', { token: official })).status).toBe(200);
    expect((await call(runtime, 'GET', '/v1/units/ba-dinh-2', { token: official })).status).toBe(403);
    expect((await call(runtime, 'GET', '/v1/units?parent=hn', { token: official })).status).toBe(403);
    // a unit that does not exist: 404 to an administrator, 403 to an official, as for one unit
    expect((await call(runtime, 'GET', '/v1/units?parent=nowhere', { token: admin })).status).toBe(404);
    expect((await call(runtime, 'GET', '/v1/units?parent=nowhere', { token: official })).status).toBe(403);
    expect(
      (await put('new-ward', { name: 'Mới', level: 'ward', parentId: 'ba-dinh-2' }, official)).status,
    ).toBe(403);
    expect(
      (await put('new-ward', { name: 'Mới', level: 'ward', parentId: 'phuc-xa' }, official)).status,
    ).toBe(201);
    // An official cannot lift their own unit out of their area.
    expect(
      (await put('ba-dinh', { name: 'Ba Đình', level: 'district', parentId: 'ba-dinh-2' }, official)).status,
    ).toBe(403);
  });

  it('moves a unit with its whole subtree', async () => {
    const moved = await put('phuc-xa', { name: 'Phúc Xá', level: 'ward', parentId: 'ba-dinh-2' });
    expect(moved.status).toBe(200);
    expect(moved.body.path).toBe('/hn/ba-dinh-2/phuc-xa/');
    const counter = await call(runtime, 'GET', '/v1/units/quay-1', { token: admin });
    expect(counter.body.path).toBe('/hn/ba-dinh-2/phuc-xa/quay-1/');
    const children = await call(runtime, 'GET', '/v1/units?parent=ba-dinh-2', { token: admin });
    expect(children.body.map((u: { id: string }) => u.id)).toEqual(['phuc-xa']);
    // Below itself is refused.
    const loop = await put('ba-dinh-2', { name: 'Ba Đình 2', level: 'district', parentId: 'quay-1' });
    expect(loop.status).toBe(400);
    expect(loop.body.error.details[0].field).toBe('parentId');
  });

  it('keeps a unit’s own alert thresholds until they are cleared', async () => {
    const base = { name: 'Tây Hồ', level: 'ward', parentId: 'hn' };
    expect(
      (await put('tay-ho', { ...base, alertThresholds: { target: 90, rankPlaces: 3 } })).body.alertThresholds,
    ).toEqual({
      target: 90,
      rankPlaces: 3,
    });
    expect((await put('tay-ho', { ...base, name: 'Phường Tây Hồ' })).body.alertThresholds).toEqual({
      target: 90,
      rankPlaces: 3,
    });
    expect((await put('tay-ho', { ...base, alertThresholds: null })).body.alertThresholds).toBeUndefined();
    const invalid = await put('tay-ho', { ...base, alertThresholds: { target: 120 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details[0].field).toBe('alertThresholds.target');
  });

  it('lets an official make alerts stricter than the city’s, never rarer, and on their own unit never rarer than set above', async () => {
    const own = { name: 'Ba Đình', level: 'district', parentId: 'hn' };
    const below = { name: 'Kim Mã', level: 'ward', parentId: 'ba-dinh' };
    expect((await put('kim-ma', below, official)).status).toBe(201);
    const refusal = async (id: string, body: Record<string, unknown>) => {
      const answer = await put(id, body, official);
      expect([id, answer.status]).toEqual([id, 403]);
      return answer.body.error.message as string;
    };
    // The city's defaults (target 80, 5 points, 5 places…): a target of 0, or a drop of 50 points
    // before an alert, would silence the unit's alerts for everyone who follows it.
    for (const [id, body] of [
      ['ba-dinh', own],
      ['kim-ma', below],
    ] as const) {
      for (const alertThresholds of [{ target: 0 }, { target: 85, dropPoints: 50 }, { rankPlaces: 6 }])
        expect(await refusal(id, { ...body, alertThresholds })).toMatch(
          /^alertThresholds\.(target|dropPoints|rankPlaces): only /,
        );
      const stricter = await put(id, { ...body, alertThresholds: { target: 90, rankPlaces: 3 } }, official);
      expect([id, stricter.status, stricter.body.alertThresholds]).toEqual([
        id,
        200,
        { target: 90, rankPlaces: 3 },
      ]);
    }
    // the spike's baseline keeps the city's minimum sample
    expect(await refusal('kim-ma', { ...below, alertThresholds: { spikeMinTrailingRatings: 5 } })).toContain(
      'minimum sample',
    );
    // Set above them on their own unit: they may tighten it, not loosen or clear it.
    expect((await put('ba-dinh', { ...own, alertThresholds: { target: 95 } })).status).toBe(200);
    for (const alertThresholds of [null, {}, { target: 90 }])
      expect(await refusal('ba-dinh', { ...own, alertThresholds })).toContain('only the level above you');
    expect((await put('ba-dinh', { ...own, alertThresholds: { target: 96 } }, official)).status).toBe(200);
    // An administrator may loosen below; the official may rename the unit or send back what it
    // has, and tighten the rest, but not loosen further.
    expect((await put('kim-ma', { ...below, alertThresholds: { target: 70 } })).status).toBe(200);
    expect((await put('kim-ma', { ...below, name: 'Phường Kim Mã' }, official)).body.alertThresholds).toEqual(
      {
        target: 70,
      },
    );
    const kept = await put('kim-ma', { ...below, alertThresholds: { target: 70, dropPoints: 3 } }, official);
    expect([kept.status, kept.body.alertThresholds]).toEqual([200, { target: 70, dropPoints: 3 }]);
    // back toward the city's is tightening too
    expect(
      (await put('kim-ma', { ...below, alertThresholds: { target: 75, dropPoints: 3 } }, official)).status,
    ).toBe(200);
    expect(await refusal('kim-ma', { ...below, alertThresholds: { target: 60 } })).toContain(
      'only an administrator',
    );
  });

  it('refuses an unknown instrument, naming the field', async () => {
    const response = await put('x-1', { name: 'X', level: 'ward', parentId: 'hn', instrument: 'sipas-1999' });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].field).toBe('instrument');
  });
});
