import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { createDeps, type Deps } from '../../shared/deps';
import { signCode } from '../../shared/qr/codes';
import { putItem } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { call, startTestRuntime } from '../support/harness';

/**
 * Bad input gets the contract's JSON error naming the field at fault, and writes nothing
 * (DESIGN.md, "API contract"). Checked over real HTTP through the local gateway.
 */
describe('bad input', () => {
  let runtime: Runtime;
  let deps: Deps;
  let admin: string;
  let code: string;

  async function storedRatings(day: string): Promise<number> {
    let n = 0;
    for await (const page of deps.ratings.unitDay('phuong-phuc-xa', day)) n += page.length;
    return n;
  }
  const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    runtime = await startTestRuntime();
    deps = createDeps();
    admin = await runtime.token({ role: 'admin' });
    await call(runtime, 'PUT', '/v1/units/ha-noi', { token: admin, body: { name: 'Hà Nội', level: 'city' } });
    await call(runtime, 'PUT', '/v1/units/phuong-phuc-xa', {
      token: admin,
      body: { name: 'Phường Phúc Xá', level: 'ward', parentId: 'ha-noi' },
    });
    code = signCode(await deps.qrKeys(), { unitId: 'phuong-phuc-xa' });
  });
  afterAll(() => runtime?.stop());

  const cases: [string, () => Parameters<typeof call>[3], number, string, string?][] = [
    [
      'malformed JSON',
      () => ({ raw: '{"code": "x", answers: }', headers: { 'content-type': 'application/json' } }),
      400,
      'malformed_body',
    ],
    [
      'a wrong content type',
      () => ({ raw: 'code=x', headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    ],
    [
      'an unknown item',
      () => ({ body: { code, answers: { 'staff.unknown': 5 } } }),
      400,
      'invalid_input',
      'answers.staff.unknown',
    ],
    [
      'a level above the scale',
      () => ({ body: { code, answers: { 'staff.polite': 6 } } }),
      400,
      'invalid_input',
      'answers.staff.polite',
    ],
    [
      'a negative level',
      () => ({ body: { code, answers: { 'staff.polite': -1 } } }),
      400,
      'invalid_input',
      'answers.staff.polite',
    ],
    [
      'a fractional level',
      () => ({ body: { code, answers: { 'staff.polite': 4.5 } } }),
      400,
      'invalid_input',
      'answers.staff.polite',
    ],
    [
      'only not-applicable answers',
      () => ({ body: { code, answers: { 'staff.polite': 0 } } }),
      400,
      'invalid_input',
      'answers',
    ],
    [
      'an unknown field',
      () => ({ body: { code, answers: { 'staff.polite': 5 }, ip: '1.2.3.4' } }),
      400,
      'invalid_input',
      'ip',
    ],
    [
      'a comment over 1,000 characters',
      () => ({ body: { code, answers: { 'staff.polite': 5 }, comment: 'x'.repeat(1001) } }),
      400,
      'invalid_input',
      'comment',
    ],
    [
      'an oversized body',
      () => ({ body: { code, answers: { 'staff.polite': 5 }, comment: 'x'.repeat(20_000) } }),
      413,
      'payload_too_large',
    ],
    [
      'a tampered QR code',
      () => ({
        body: { code: code.replace('phuong-phuc-xa', 'phuong-ba-dinh'), answers: { 'staff.polite': 5 } },
      }),
      400,
      'invalid_input',
      'code',
    ],
    [
      'a forged signature',
      () => ({ body: { code: `${code.slice(0, -4)}AAAA`, answers: { 'staff.polite': 5 } } }),
      400,
      'invalid_input',
      'code',
    ],
  ];

  it.each(cases)(
    'refuses %s with %i and stores nothing',
    async (_name, request, status, errorCode, field) => {
      const before = await storedRatings(today());
      const response = await call(runtime, 'POST', '/v1/ratings', request());
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(errorCode);
      expect(typeof response.body.error.message).toBe('string');
      if (field) expect(response.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await storedRatings(today())).toBe(before);
    },
  );

  it('refuses a counter that differs from the one the QR code was printed for', async () => {
    const counterCode = signCode(await deps.qrKeys(), { unitId: 'phuong-phuc-xa', counter: 'quay-1' });
    const response = await call(runtime, 'POST', '/v1/ratings', {
      body: { code: counterCode, answers: { 'staff.polite': 5 }, counter: 'quay-2' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].field).toBe('counter');
  });

  it('answers 401 without a token and with a forged one, and changes nothing', async () => {
    const body = { name: 'Phường Mới', level: 'ward', parentId: 'ha-noi' };
    expect((await call(runtime, 'PUT', '/v1/units/phuong-moi', { body })).status).toBe(401);
    const forged = `${admin.slice(0, admin.lastIndexOf('.'))}.${'A'.repeat(86)}`;
    expect((await call(runtime, 'PUT', '/v1/units/phuong-moi', { body, token: forged })).status).toBe(401);
    expect(await deps.units.get('phuong-moi')).toBeUndefined();
  });

  it('names the field at fault in a unit', async () => {
    const response = await call(runtime, 'PUT', '/v1/units/phuong-moi', {
      token: admin,
      body: { name: 'Phường Mới', level: 'ward', parentId: 'khong-co' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([{ field: 'parentId', message: 'no unit khong-co' }]);
    const badId = await call(runtime, 'PUT', '/v1/units/Bad_Id', {
      token: admin,
      body: { name: 'x', level: 'ward' },
    });
    expect(badId.status).toBe(400);
    expect(badId.body.error.details[0].field).toBe('unitId');
    expect(await deps.units.get('phuong-moi')).toBeUndefined();
  });

  it('answers a period that is not one with 400, and a period without data with 404', async () => {
    const bad = await call(runtime, 'GET', '/v1/units/ha-noi/index?period=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('period');
    const empty = await call(runtime, 'GET', '/v1/units/ha-noi/index?period=2019');
    expect(empty.status).toBe(404);
  });

  it('answers dates outside 2000–2099 with 400 naming the field, at once (9999-12-31 once looped for ever)', async () => {
    const asked: [method: string, path: string, field: string, body?: unknown][] = [
      ['GET', '/v1/alerts?to=9999-12-31', 'to'],
      ['GET', '/v1/alerts?from=1999-12-31', 'from'],
      ['GET', '/v1/units/ha-noi/flagged?from=9999-12-31&to=9999-12-31', 'from'],
      ['GET', '/v1/units/ha-noi/ratings.csv?from=9999-12-31&to=9999-12-31', 'from'],
      ['GET', '/v1/units/ha-noi/report?period=9999-12', 'period'],
      ['GET', '/v1/units/ha-noi/index?period=2100', 'period'],
      ['POST', '/v1/aggregations', 'from', { from: '9999-12-31', to: '9999-12-31' }],
      // days that have not begun (the server's today decides; a far one cannot meet it at midnight)
      ['POST', '/v1/aggregations', 'to', { from: '2099-12-30', to: '2099-12-31' }],
    ];
    for (const [method, path, field, body] of asked) {
      const answer = await call(runtime, method, path, { token: admin, ...(body ? { body } : {}) });
      expect([path, answer.status]).toEqual([path, 400]);
      expect(answer.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    // the edge itself is fine, though a default range reaches back into 1999 (30 days before the 5th)
    expect((await call(runtime, 'GET', '/v1/alerts?to=2000-01-05', { token: admin })).status).toBe(200);
    // an import from before 2000 is refused row by row, naming receivedAt, and stores nothing
    const imported = await call(runtime, 'POST', '/v1/ratings/import', {
      token: admin,
      body: {
        ratings: [
          { unitId: 'phuong-phuc-xa', receivedAt: '1999-12-31T16:59:59Z', answers: { 'staff.polite': 5 } },
        ],
      },
    });
    expect(imported.body).toMatchObject({ accepted: 0, rejected: [{ index: 0 }] });
    expect(imported.body.rejected[0].error).toContain('receivedAt');
    expect(await storedRatings('1999-12-31')).toBe(0);
  });

  it('answers a stored item it cannot read with 500, not a 400 that blames the request', async () => {
    // a unit item an older or broken writer left without its name and level
    await putItem(deps.db, {
      Item: { ...keys.unit('phuong-hong'), type: 'unit', path: '/ha-noi/phuong-hong/' },
    });
    const broken = signCode(await deps.qrKeys(), { unitId: 'phuong-hong' });
    const answer = await call(runtime, 'POST', '/v1/ratings', {
      body: { code: broken, answers: { 'staff.polite': 5 }, submissionId: 'broken-item-0001' },
    });
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe('internal');
    expect(JSON.stringify(answer.body)).not.toContain('stored unit');
  });

  it('refuses a dossier rated twice with 409 and keeps the first rating', async () => {
    const first = await call(runtime, 'POST', '/v1/ratings', {
      body: { code, answers: { 'staff.polite': 5 }, dossier: 'H26-0001', submissionId: 'dossier-first-1' },
    });
    expect(first.status).toBe(201);
    const again = await call(runtime, 'POST', '/v1/ratings', {
      body: { code, answers: { 'staff.polite': 1 }, dossier: 'h26-0001', submissionId: 'dossier-second-1' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    // The same submission retried is still the same rating, not a conflict.
    const retried = await call(runtime, 'POST', '/v1/ratings', {
      body: { code, answers: { 'staff.polite': 5 }, dossier: 'H26-0001', submissionId: 'dossier-first-1' },
    });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ id: first.body.id, duplicate: true });
  });
});
