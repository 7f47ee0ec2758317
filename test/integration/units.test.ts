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

  it('leaves a unit’s alert thresholds to the levels above it', async () => {
    const own = { name: 'Ba Đình', level: 'district', parentId: 'hn' };
    expect((await put('ba-dinh', { ...own, alertThresholds: { target: 85 } })).status).toBe(200);
    // Its own official may rename it, or send the thresholds it has, but not change them: a target
    // of 0 would silence its below-target alerts for everyone who follows it.
    for (const alertThresholds of [{ target: 0 }, { target: 85, rankPlaces: 50 }, null]) {
      const refused = await put('ba-dinh', { ...own, alertThresholds }, official);
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain('alertThresholds');
    }
    const renamed = { ...own, name: 'Quận Ba Đình' };
    expect((await put('ba-dinh', renamed, official)).status).toBe(200);
    expect((await put('ba-dinh', { ...renamed, alertThresholds: { target: 85 } }, official)).status).toBe(
      200,
    );
    expect((await call(runtime, 'GET', '/v1/units/ba-dinh', { token: admin })).body).toMatchObject({
      name: 'Quận Ba Đình',
      alertThresholds: { target: 85 },
    });
    // The units below it are its official's to set.
    const below = { name: 'Kim Mã', level: 'ward', parentId: 'ba-dinh' };
    expect((await put('kim-ma', below, official)).status).toBe(201);
    const set = await put('kim-ma', { ...below, alertThresholds: { target: 90 } }, official);
    expect([set.status, set.body.alertThresholds]).toEqual([200, { target: 90 }]);
  });

  it('refuses an unknown instrument, naming the field', async () => {
    const response = await put('x-1', { name: 'X', level: 'ward', parentId: 'hn', instrument: 'sipas-1999' });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].field).toBe('instrument');
  });
});
