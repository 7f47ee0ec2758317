import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import type { Deps } from '../../shared/deps';
import { QrKeysSchema, signCode } from '../../shared/qr/codes';
import { getItem } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { clientHash } from '../../shared/use-cases/rate-limit';
import { httpEvent, storedRatings, tableText } from '../support/citizen';
import { createTestDeps, startTestRuntime, TEST_QR_KEYS } from '../support/harness';

const context = {} as Context;
const NOW = new Date('2025-07-01T03:04:00Z'); // 10:04 in Hanoi; the 10-minute window is 03:00–03:10 UTC

/**
 * Rate limits and retired posters, through the handlers with dependencies the test controls
 * (limits of 2, a fixed clock, rotated keys) on a fresh dynalite table.
 */
describe('abuse and retired posters', () => {
  let runtime: Runtime;
  let deps: Deps;
  let submit: (
    event: ReturnType<typeof httpEvent>,
  ) => Promise<{ statusCode: number; headers: Record<string, string>; body?: string }>;

  beforeAll(async () => {
    // The runtime provides the configuration that importing a handler module reads.
    runtime = await startTestRuntime();
    deps = await createTestDeps({ clock: () => NOW });
    deps.ratePolicy = { windowSeconds: 600, perClient: 2, burstFlagAfter: 1 };
    await deps.units.put({
      id: 'xa-bat-trang',
      name: 'Xã Bát Tràng',
      parentId: null,
      path: '/xa-bat-trang/',
      level: 'commune',
      instrument: 'sipas-2023',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    const { makeHandler } = await import('../../functions/submit-rating');
    const handler = makeHandler(deps);
    submit = async (event) => (await handler(event, context)) as never;
  });
  afterAll(() => runtime?.stop());

  const code = () => signCode(TEST_QR_KEYS, { unitId: 'xa-bat-trang' });
  const json = (submissionId: string, sourceIp = '198.51.100.20') =>
    httpEvent({
      routeKey: 'POST /v1/ratings',
      path: '/v1/ratings',
      contentType: 'application/json',
      sourceIp,
      body: JSON.stringify({ code: code(), answers: { 'staff.polite': 4 }, submissionId }),
    });

  const counterOf = (sourceIp: string) =>
    getItem(deps.db, {
      Key: keys.rateClient(
        clientHash(TEST_QR_KEYS.keys[String(TEST_QR_KEYS.current)]!, '2025-07-01', sourceIp),
        Date.parse('2025-07-01T03:00:00Z') / 1000,
      ),
    });

  it('refuses a client past its limit with 429 and Retry-After, flags the burst, and never stores the address', async () => {
    expect((await submit(json('limit-aaaaaaaa1'))).statusCode).toBe(201);
    expect((await submit(json('limit-aaaaaaaa2'))).statusCode).toBe(201);
    const refused = await submit(json('limit-aaaaaaaa3'));
    expect(refused.statusCode).toBe(429);
    // 03:04:00 → the window ends at 03:10:00: 360 seconds left
    expect(refused.headers['retry-after']).toBe('360');
    expect(JSON.parse(refused.body!).error.code).toBe('rate_limited');

    // another address is not affected
    expect((await submit(json('limit-aaaaaaaa4', '198.51.100.21'))).statusCode).toBe(201);

    const stored = await storedRatings(runtime.dynamoEndpoint, deps.db.tableName);
    expect(stored.map((r) => r.submissionId).sort()).toEqual([
      'limit-aaaaaaaa1',
      'limit-aaaaaaaa2',
      'limit-aaaaaaaa4',
    ]);
    // burstFlagAfter 1: the second from 198.51.100.20 is flagged, the first of each address is not
    expect(stored.filter((r) => r.flagged === 'burst').map((r) => r.submissionId)).toEqual([
      'limit-aaaaaaaa2',
    ]);

    const everything = await tableText(runtime.dynamoEndpoint, deps.db.tableName);
    expect(everything).not.toContain('198.51.100');
    expect(everything).toContain('"expiresAt"');
  });

  it('answers a resent submission with the stored rating, without counting it, up to a limit of its own', async () => {
    const phone = '198.51.100.30';
    const first = await submit(json('retry-aaaaaaaa1', phone));
    expect(first.statusCode).toBe(201);
    // a phone on a bad connection resends: the same rating back, and it costs the phone nothing
    const resent = await submit(json('retry-aaaaaaaa1', phone));
    expect(resent.statusCode).toBe(200);
    expect(JSON.parse(resent.body!)).toEqual({ id: JSON.parse(first.body!).id, duplicate: true });
    // so a second rating still fits in the limit of 2, and is the only one flagged (burstFlagAfter 1)
    expect((await submit(json('retry-aaaaaaaa2', phone))).statusCode).toBe(201);
    expect((await submit(json('retry-aaaaaaaa3', phone))).statusCode).toBe(429);
    // at the limit, a resend is still answered with its rating, while the window's resends last (2)
    const atLimit = await submit(json('retry-aaaaaaaa2', phone));
    expect(atLimit.statusCode).toBe(200);
    expect(JSON.parse(atLimit.body!).duplicate).toBe(true);
    // and then it is refused like anything else: resends cannot be used to send without limit
    expect((await submit(json('retry-aaaaaaaa2', phone))).statusCode).toBe(429);

    const stored = (await storedRatings(runtime.dynamoEndpoint, deps.db.tableName)).filter((r) =>
      r.submissionId.startsWith('retry-'),
    );
    expect(stored.map((r) => [r.submissionId, r.flagged ?? null]).sort()).toEqual([
      ['retry-aaaaaaaa1', null],
      ['retry-aaaaaaaa2', 'burst'],
    ]);
    // the phone's counter holds its two ratings and two resends (03:00 UTC starts the window)
    expect(await counterOf(phone)).toMatchObject({ hits: 2, 'u:xa-bat-trang': 2, resends: 2 });
  });

  it('counts resends past their own limit as submissions, below the limit too', async () => {
    const phone = '198.51.100.31';
    expect((await submit(json('resend-aaaaaaaa1', phone))).statusCode).toBe(201);
    for (const status of [200, 200, 200]) {
      expect((await submit(json('resend-aaaaaaaa1', phone))).statusCode).toBe(status);
    }
    // two resends were free; the third took the second place of the limit of 2
    expect(await counterOf(phone)).toMatchObject({ hits: 2, resends: 2 });
    expect((await submit(json('resend-aaaaaaaa2', phone))).statusCode).toBe(429);
  });

  it('explains the limit on a page to the no-JavaScript form', async () => {
    const form = httpEvent({
      routeKey: 'POST /v1/ratings',
      path: '/v1/ratings',
      contentType: 'application/x-www-form-urlencoded',
      sourceIp: '198.51.100.20',
      body: new URLSearchParams({
        code: code(),
        'a.staff.polite': '5',
        submissionId: 'limit-form-0001',
      }).toString(),
    });
    const page = await submit(form);
    expect(page.statusCode).toBe(429);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['retry-after']).toBe('360');
    expect(page.body).toContain('Có quá nhiều đánh giá từ thiết bị này');
    expect(page.body).toContain('Xin thử lại sau 360 giây');
  });

  it('shows a retired poster a friendly 410 page in both languages', async () => {
    const oldPoster = signCode(TEST_QR_KEYS, { unitId: 'xa-bat-trang' }); // key version 2
    const rotated = QrKeysSchema.parse({
      current: 3,
      retired: [1, 2],
      k3: 'test-key-version-3-0123456789abcdef0123456789',
    });
    const { makeHandler } = await import('../../functions/survey-page');
    const page = (await makeHandler({ ...deps, qrKeys: async () => rotated })(
      httpEvent({ routeKey: 'GET /s/{code}', path: `/s/${oldPoster}`, pathParameters: { code: oldPoster } }),
      context,
    )) as { statusCode: number; body: string };
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('Mã QR này đã được thay bằng mã mới');
    expect(page.body).toContain('This QR code has been replaced');
  });
});
