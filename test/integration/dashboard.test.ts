import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { createDeps } from '../../shared/deps';
import { call, startTestRuntime } from '../support/harness';
import { COMMENTS, JUNE, MAY, seedCity } from './dashboard-seed';

/**
 * The officials' read views over the local gateway, against the hand-worked city of
 * dashboard-seed.ts. Worked figures (METHODOLOGY.md: item = 100 × satisfied ÷ answered; factor =
 * mean of items; overall = mean of factors):
 *
 * June, phuc-xa: staff.polite 30/40 = 75; result.ontime 36/40 = 90; overall (75 + 90) / 2 = 82.5.
 *   95 % intervals (Wilson, z = 1.95996): polite [59.81, 85.81], ontime [76.95, 96.04]; overall =
 *   mean of the bounds = [68.38, 90.93].
 * June, ba-dinh: polite 40/40 = 100; ontime 20/40 = 50; overall 75.
 * June, ngoc-ha: n = 10 < 30: insufficient, not ranked.
 * June, hn (pooled, n = 90): polite 80/90 = 88.889; ontime 66/90 = 73.333; overall 81.11;
 *   interval [72.06, 87.61].
 * May: phuc-xa 0 (2nd), ba-dinh 100 (1st). June: phuc-xa 1/2 (up 1), ba-dinh 2/2 (down 1).
 * Peers of phuc-xa in June = ba-dinh: staff 100, result 50 → phuc-xa's staff (75) is more than 5
 * below: belowPeers = [staff, staff.polite].
 */
describe('officials’ dashboard views', () => {
  let runtime: Runtime;
  let admin: string;
  let cityOfficial: string;
  let wardOfficial: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    await seedCity(createDeps());
    admin = await runtime.token({ role: 'admin' });
    cityOfficial = await runtime.token({ role: 'official', unitId: 'hn' });
    wardOfficial = await runtime.token({ role: 'official', unitId: 'ba-dinh' });
  });
  afterAll(() => runtime?.stop());

  it('serves a unit’s snapshot, rank with change, peers’ averages and trend', async () => {
    const { status, body } = await call(runtime, 'GET', `/v1/units/phuc-xa/dashboard?period=${JUNE}`, {
      token: cityOfficial,
    });
    expect(status).toBe(200);
    expect(body.snapshot).toMatchObject({
      n: 40,
      index: 82.5,
      ci95: [68.38, 90.93],
      sufficient: true,
      rank: { position: 1, of: 2, change: 1 },
    });
    expect(body.snapshot.belowPeers).toEqual(['staff', 'staff.polite']);
    expect(body.peers).toEqual({
      count: 1,
      factors: { staff: 100, result: 50 },
      items: { 'staff.polite': 100, 'result.ontime': 50 },
    });
    expect(body.trend.map((p: { period: string; index: number }) => [p.period, p.index])).toEqual([
      [MAY, 0],
      [JUNE, 82.5],
    ]);
  });

  it('lists the children with their results, insufficient ones marked and unranked', async () => {
    const { status, body } = await call(runtime, 'GET', `/v1/units/hn/dashboard?period=${JUNE}`, {
      token: cityOfficial,
    });
    expect(status).toBe(200);
    // the city is the only top-level unit: first of one, as in May
    expect(body.snapshot).toMatchObject({
      n: 90,
      index: 81.11,
      ci95: [72.06, 87.61],
      rank: { position: 1, of: 1, change: 0 },
    });
    const rows = Object.fromEntries(
      body.children.map((c: { unitId: string; result: unknown }) => [c.unitId, c.result]),
    );
    expect(rows['phuc-xa']).toMatchObject({ index: 82.5, n: 40, rank: { position: 1, of: 2, change: 1 } });
    expect(rows['ba-dinh']).toMatchObject({ index: 75, n: 40, rank: { position: 2, of: 2, change: -1 } });
    expect(rows['ngoc-ha']).toMatchObject({ n: 10, sufficient: false, rank: null });
  });

  it('renders the same figures as HTML for the page, insufficient data as such', async () => {
    const page = await call(runtime, 'GET', `/v1/units/hn/dashboard?period=${JUNE}&lang=en`, {
      token: cityOfficial,
      headers: { accept: 'text/html' },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('81.11 %');
    expect(page.text).toContain('1/2');
    expect(page.text).toContain('↑1');
    const ngocHa = page.text.slice(page.text.indexOf('data-unit="ngoc-ha"'));
    expect(ngocHa.slice(0, ngocHa.indexOf('</tr>'))).toContain('Insufficient data');
    const ward = await call(runtime, 'GET', '/v1/units/ngoc-ha/dashboard?period=2025-06', {
      token: cityOfficial,
      headers: { accept: 'text/html' },
    });
    expect(ward.text).toContain('Chưa đủ dữ liệu');
    expect(ward.text).not.toContain('data-testid="overall-index"');
  });

  it('refuses a unit outside the official’s subtree with 403, and a token-less call with 401', async () => {
    expect(
      (await call(runtime, 'GET', `/v1/units/phuc-xa/dashboard?period=${JUNE}`, { token: wardOfficial }))
        .status,
    ).toBe(403);
    expect(
      (await call(runtime, 'GET', `/v1/units/hn/dashboard?period=${JUNE}`, { token: wardOfficial })).status,
    ).toBe(403);
    expect(
      (await call(runtime, 'GET', `/v1/units/ben-thanh/report?period=${JUNE}`, { token: cityOfficial }))
        .status,
    ).toBe(403);
    expect((await call(runtime, 'GET', `/v1/units/hn/dashboard?period=${JUNE}`)).status).toBe(401);
    expect(
      (await call(runtime, 'GET', `/v1/units/hn/dashboard?period=${JUNE}`, { token: admin })).status,
    ).toBe(200);
  });

  it('names the field at fault for a bad period', async () => {
    const bad = await call(runtime, 'GET', '/v1/units/hn/dashboard?period=2025-13', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('period');
    const report = await call(runtime, 'GET', '/v1/units/hn/report?period=2025-Q2', { token: admin });
    expect(report.status).toBe(400);
    expect(report.body.error.details[0].field).toBe('period');
  });

  it('gives the tree of the official’s area only', async () => {
    const { body } = await call(runtime, 'GET', '/v1/tree', { token: cityOfficial });
    expect(body.units.map((u: { id: string }) => u.id).sort()).toEqual([
      'ba-dinh',
      'hn',
      'ngoc-ha',
      'phuc-xa',
    ]);
    const all = await call(runtime, 'GET', '/v1/tree', { token: admin });
    expect(all.body.units).toHaveLength(6);
  });

  it('reports the month’s comments and flagged ratings to officials of the subtree only', async () => {
    const { status, body } = await call(runtime, 'GET', `/v1/units/hn/report?period=${JUNE}`, {
      token: cityOfficial,
    });
    expect(status).toBe(200);
    expect(body.comments.map((c: { text: string }) => c.text).sort()).toEqual([...COMMENTS].sort());
    expect(body.flagged).toBe(1);
    expect(JSON.stringify(body)).not.toContain('bí mật của HCM');
    const html = await call(runtime, 'GET', `/v1/units/hn/report?period=${JUNE}`, {
      token: cityOfficial,
      headers: { accept: 'text/html' },
    });
    // escaped, never markup
    expect(html.text).toContain('=HYPERLINK(&quot;http://evil.example&quot;');
  });

  it('publishes index, trend and rank on the public page without comments', async () => {
    const page = await call(runtime, 'GET', `/r/phuc-xa?period=${JUNE}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('82,50 %');
    expect(page.text).toContain('1/2');
    expect(page.text).toContain('href="/method?lang=vi"');
    for (const comment of COMMENTS) expect(page.text).not.toContain(comment.slice(0, 12));
    const missing = await call(runtime, 'GET', '/r/nowhere?lang=en');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('<h1>The results page could not be opened</h1>');
    expect(missing.text).toContain('This unit was not found.');
    expect((await call(runtime, 'GET', '/method?lang=en')).text).toContain('How the index is computed');
  });

  it('serves the dashboard page to anyone and the development sign-in only locally', async () => {
    const page = await call(runtime, 'GET', '/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'nonce-");
    const signIn = await call(
      runtime,
      'GET',
      '/dev/sign-in?role=official&unit=hn&next=/dashboard%3Funit%3Dhn',
    );
    expect(signIn.status).toBe(303);
    const location = signIn.headers.get('location')!;
    expect(location.startsWith('/dashboard?unit=hn#id_token=')).toBe(true);
    const token = decodeURIComponent(location.split('#id_token=')[1]!);
    expect((await call(runtime, 'GET', '/v1/tree', { token })).status).toBe(200);
    const offsite = await call(runtime, 'GET', '/dev/sign-in?role=admin&next=//evil.example/');
    expect(offsite.headers.get('location')!.startsWith('/dashboard#')).toBe(true);
  });
});
