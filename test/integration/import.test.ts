import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { createDeps, type Deps } from '../../shared/deps';
import { call, startTestRuntime } from '../support/harness';

describe('importing ratings', () => {
  let runtime: Runtime;
  let deps: Deps;
  let admin: string;

  const ratingsOf = async (unitId: string, day: string) => {
    const all = [];
    for await (const page of deps.ratings.unitDay(unitId, day)) all.push(...page);
    return all;
  };
  const count = async (unitId: string, day: string) => (await ratingsOf(unitId, day)).length;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    deps = createDeps();
    admin = await runtime.token({ role: 'admin' });
    await call(runtime, 'PUT', '/v1/units/hn', { token: admin, body: { name: 'Hà Nội', level: 'city' } });
    await call(runtime, 'PUT', '/v1/units/tay-ho', {
      token: admin,
      body: { name: 'Tây Hồ', level: 'ward', parentId: 'hn' },
    });
    await call(runtime, 'PUT', '/v1/units/dong-da', {
      token: admin,
      body: { name: 'Đống Đa', level: 'ward', parentId: 'hn' },
    });
  });
  afterAll(() => runtime?.stop());

  it('accepts valid ratings, rejects each invalid one by index, and stores a re-import once', async () => {
    const ratings = [
      {
        unitId: 'tay-ho',
        receivedAt: '2026-10-05T02:00:00Z',
        answers: { 'staff.polite': 5 },
        procedure: 'Chứng thực, ĐT 0987654321',
      },
      { unitId: 'tay-ho', receivedAt: '2026-10-05T02:05:00Z', answers: { 'staff.polite': 7 } },
      { unitId: 'khong-co', receivedAt: '2026-10-05T02:10:00Z', answers: { 'staff.polite': 4 } },
      { unitId: 'tay-ho', receivedAt: '2099-01-01T00:00:00Z', answers: { 'staff.polite': 4 } },
      // 17:30 UTC on 5 October is 00:30 on 6 October in Hanoi.
      {
        unitId: 'tay-ho',
        receivedAt: '2026-10-05T17:30:00Z',
        answers: { 'result.fair': 4 },
        comment: 'gọi tôi 0912 345 678',
      },
    ];
    const first = await call(runtime, 'POST', '/v1/ratings/import', { token: admin, body: { ratings } });
    expect(first.status).toBe(200);
    expect(first.body.accepted).toBe(2);
    expect(first.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3]);
    expect(first.body.rejected[0].error).toContain('answers.staff.polite');
    const again = await call(runtime, 'POST', '/v1/ratings/import', { token: admin, body: { ratings } });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2 });
    const fifth = await ratingsOf('tay-ho', '2026-10-05');
    expect(fifth).toHaveLength(1);
    expect(fifth[0]?.procedure).toBe('Chứng thực, ĐT ••••••••••');
    const [late] = await ratingsOf('tay-ho', '2026-10-06');
    expect(late).toMatchObject({ source: 'import', comment: 'gọi tôi ••••••••••' });
  });

  it('counts identical paper forms in a file as separate ratings, and still stores a file sent again once', async () => {
    // Three forms from the same office on the same day, all 5s, and one other: typed in with the
    // date only, they cannot be told apart by content.
    const csv = (rows: string[]) =>
      call(runtime, 'POST', '/v1/ratings/import', {
        token: admin,
        raw: `unitId,receivedAt,staff.polite,staff.guidance\n${rows.join('\n')}\n`,
        headers: { 'content-type': 'text/csv' },
      });
    const same = 'dong-da,2026-10-12T00:00:00+07:00,5,5';
    const other = 'dong-da,2026-10-12T00:00:00+07:00,2,1';
    expect((await csv([same, same, same, other])).body).toMatchObject({ accepted: 4, duplicates: 0 });
    expect(await count('dong-da', '2026-10-12')).toBe(4);
    // the same file again: nothing new
    expect((await csv([same, same, same, other])).body).toMatchObject({ accepted: 0, duplicates: 4 });
    // again with a fourth identical form added at its end: that one only
    expect((await csv([same, same, same, other, same])).body).toMatchObject({ accepted: 1, duplicates: 4 });
    expect(await count('dong-da', '2026-10-12')).toBe(5);
  });

  it('takes a form serial number as unique within its unit: another office’s form 0001 is another rating', async () => {
    const form = (unitId: string, polite: number) => ({
      unitId,
      receivedAt: '2026-10-07T03:00:00Z',
      submissionId: 'FORM-0001',
      answers: { 'staff.polite': polite },
    });
    const tayHo = await call(runtime, 'POST', '/v1/ratings/import', {
      token: admin,
      body: { ratings: [form('tay-ho', 5)] },
    });
    expect(tayHo.body).toMatchObject({ accepted: 1, duplicates: 0 });
    const dongDa = await call(runtime, 'POST', '/v1/ratings/import', {
      token: admin,
      body: { ratings: [form('dong-da', 1)] },
    });
    expect(dongDa.body).toMatchObject({ accepted: 1, duplicates: 0 });
    // and each office's form sent again is still stored once
    const again = await call(runtime, 'POST', '/v1/ratings/import', {
      token: admin,
      body: { ratings: [form('tay-ho', 5), form('dong-da', 1)] },
    });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2 });
    expect((await ratingsOf('tay-ho', '2026-10-07')).map((r) => r.answers)).toEqual([{ 'staff.polite': 5 }]);
    expect((await ratingsOf('dong-da', '2026-10-07')).map((r) => r.answers)).toEqual([{ 'staff.polite': 1 }]);
  });

  it('reads text/csv with a header of fields and item ids', async () => {
    const csv =
      '\uFEFFunitId,receivedAt,dossier,comment,staff.polite,result.ontime\r\n' +
      'dong-da,2026-10-07T01:00:00Z,HS-001,"Nhanh, gọn",5,4\r\n' +
      'dong-da,2026-10-07T01:30:00Z,,,3,\r\n' +
      'dong-da,2026-10-07T02:00:00Z,,,x,4\r\n';
    const response = await call(runtime, 'POST', '/v1/ratings/import', {
      token: admin,
      raw: csv,
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    });
    expect(response.status).toBe(200);
    expect(response.body.accepted).toBe(2);
    expect(response.body.rejected).toEqual([
      { index: 2, error: expect.stringContaining('answers.staff.polite') },
    ]);
    const stored = await ratingsOf('dong-da', '2026-10-07');
    expect(stored.find((r) => r.dossier === 'HS-001')).toMatchObject({
      comment: 'Nhanh, gọn',
      answers: { 'staff.polite': 5, 'result.ontime': 4 },
    });
    // the same file as Excel saves it with Vietnamese settings: refused whole, saying why
    const before = (await ratingsOf('dong-da', '2026-10-08')).length;
    const semicolons = await call(runtime, 'POST', '/v1/ratings/import', {
      token: admin,
      raw: 'unitId;receivedAt;staff.polite\r\ndong-da;2026-10-08T01:00:00Z;5\r\n',
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    });
    expect(semicolons.status).toBe(400);
    expect(semicolons.body.error.details).toEqual([
      { field: 'header', message: expect.stringContaining('this file uses semicolons') },
    ]);
    expect(await ratingsOf('dong-da', '2026-10-08')).toHaveLength(before);
  });

  it('keeps an official’s import inside their area', async () => {
    const official = await runtime.token({ role: 'official', unitId: 'tay-ho' });
    const response = await call(runtime, 'POST', '/v1/ratings/import', {
      token: official,
      body: {
        ratings: [{ unitId: 'dong-da', receivedAt: '2026-10-08T01:00:00Z', answers: { 'staff.polite': 5 } }],
      },
    });
    expect(response.body).toMatchObject({ accepted: 0, rejected: [{ index: 0 }] });
    expect(await count('dong-da', '2026-10-08')).toBe(0);
  });

  it('refuses more than 1,000 ratings in one call', async () => {
    const ratings = Array.from({ length: 1001 }, () => ({
      unitId: 'tay-ho',
      receivedAt: '2026-10-09T01:00:00Z',
      answers: { 'staff.polite': 5 },
    }));
    const response = await call(runtime, 'POST', '/v1/ratings/import', { token: admin, body: { ratings } });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].field).toBe('ratings');
  });
});
