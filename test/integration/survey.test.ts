import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { codeFor, seedWard, storedRatings, tableText } from '../support/citizen';
import { call } from '../support/harness';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The citizen's side over real HTTP on the local runtime: the page, the no-JS form, bad input. */
describe('survey page and form', () => {
  let runtime: Runtime;
  let admin: string;
  let ward: string;
  let code: string;
  const ratings = () => storedRatings(runtime.dynamoEndpoint, runtime.tableName);

  beforeAll(async () => {
    runtime = await startRuntimeForFile();
    admin = await runtime.token({ role: 'admin' });
    ward = await seedWard(runtime, admin);
    code = codeFor(runtime, ward);
  });
  afterAll(() => runtime?.stop());

  async function startRuntimeForFile() {
    const { startTestRuntime } = await import('../support/harness');
    return startTestRuntime();
  }

  it('serves the sipas-2023 page in Vietnamese by default, within 20 KB compressed, without cookies or inline-script loopholes', async () => {
    const page = await call(runtime, 'GET', `/s/${code}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="vi">');
    expect(page.text).toContain('Phường Văn Miếu - Quốc Tử Giám');
    // 16 items × (5 levels + "không áp dụng") radios
    expect(page.text.match(/type="radio"/g)).toHaveLength(16 * 6);
    expect(page.text.match(/Không áp dụng/g)).toHaveLength(16);
    expect(page.text).toContain('Rất hài lòng');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(gzipSync(page.text).length).toBeLessThanOrEqual(20 * 1024);
  });

  it('switches to English with ?lang=en', async () => {
    const page = await call(runtime, 'GET', `/s/${code}?lang=en`);
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('Van Mieu - Quoc Tu Giam Ward');
    expect(page.text).toContain('Very satisfied');
    expect(page.text).toContain('Not applicable');
  });

  it('refuses a tampered code with a friendly page in both languages, and a forged unit with 400', async () => {
    const tampered = `${code.slice(0, -1)}${code.endsWith('A') ? 'B' : 'A'}`;
    const page = await call(runtime, 'GET', `/s/${tampered}`);
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('Mã QR này không hợp lệ');
    expect(page.text).toContain('This QR code is not valid');
    expect(page.text).not.toMatch(/at .*\.ts:\d+/);
    const forged = await call(runtime, 'GET', `/s/${code.replace(ward, 'phuong-ba-dinh')}`);
    expect(forged.status).toBe(400);
    expect((await call(runtime, 'GET', '/s/<script>')).status).toBe(400);
  });

  it('answers a code for a unit that was never registered with 404', async () => {
    const page = await call(runtime, 'GET', `/s/${codeFor(runtime, 'xa-khong-co')}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('Không tìm thấy đơn vị');
  });

  it('takes the no-JavaScript form, answers 303 to the thank-you page, and stores one rating for a double tap', async () => {
    const form = new URLSearchParams({
      code,
      submissionId: 'nojs-double-tap-1',
      lang: 'vi',
      'a.staff.polite': '5',
      'a.access.signage': '0',
      'a.result.ontime': '2',
      dossier: '',
      comment: '',
    });
    const first = await call(runtime, 'POST', '/v1/ratings', { headers: FORM, raw: form.toString() });
    const second = await call(runtime, 'POST', '/v1/ratings', { headers: FORM, raw: form.toString() });
    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    expect(first.headers.get('location')).toBe(`/s/${code}/thanks?lang=vi`);
    const mine = (await ratings()).filter((r) => r.submissionId === 'nojs-double-tap-1');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.answers).toEqual({ 'staff.polite': 5, 'access.signage': 0, 'result.ontime': 2 });

    const thanks = await call(runtime, 'GET', first.headers.get('location')!);
    expect(thanks.status).toBe(200);
    expect(thanks.text).toContain('Cảm ơn');
    expect(thanks.text).toContain(`href="/r/${ward}?lang=vi"`);
  });

  describe('bad input on the no-JavaScript form: the form again, a message at the field, answers kept, nothing stored', () => {
    const good = () => ({
      code,
      submissionId: `bad-${Math.random().toString(36).slice(2, 12)}`,
      lang: 'vi',
      'a.staff.polite': '4',
    });
    const cases: [string, Record<string, string>, string, string][] = [
      ['no answer at all', { 'a.staff.polite': '0' }, 'Xin trả lời ít nhất một câu hỏi', 'e-answers'],
      [
        'a level off the scale',
        { 'a.procedure.fees': '9' },
        'Xin chọn một trong các mức ở câu này',
        'e-answers.procedure.fees',
      ],
      [
        'a level that is not a number',
        { 'a.procedure.fees': 'năm' },
        'Xin chọn một trong các mức ở câu này',
        'e-answers.procedure.fees',
      ],
      [
        'an item the instrument does not have',
        { 'a.staff.bribes': '1' },
        'Biểu mẫu có mục không hợp lệ',
        'e-form',
      ],
      ['a dossier code with spaces', { dossier: 'HS 001 & co' }, 'Mã hồ sơ gồm 3 đến 64', 'e-dossier'],
      [
        'a comment over 1,000 characters',
        { comment: 'x'.repeat(1001) },
        'Góp ý dài tối đa 1.000 ký tự',
        'e-comment',
      ],
      ['a counter that is not an id', { counter: 'Quầy 1' }, 'Biểu mẫu có mục không hợp lệ', 'e-form'],
      ['a language we do not have', { lang: 'fr' }, 'Biểu mẫu có mục không hợp lệ', 'e-form'],
      ['a malformed submission id', { submissionId: 'x' }, 'Biểu mẫu có mục không hợp lệ', 'e-form'],
      ['a field the form never has', { phone: '0912345678' }, 'Biểu mẫu có mục không hợp lệ', 'e-form'],
    ];
    it.each(cases)('%s', async (_name, change, message, anchor) => {
      const before = (await ratings()).length;
      const fields = { ...good(), comment: 'Cán bộ nhiệt tình', ...change };
      const page = await call(runtime, 'POST', '/v1/ratings', {
        headers: FORM,
        raw: new URLSearchParams(fields).toString(),
      });
      expect(page.status).toBe(400);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain(message);
      if (anchor !== 'e-form') expect(page.text).toContain(`id="${anchor}"`);
      else expect(page.text).toContain('class="summary"');
      // the citizen's answers are still there
      expect(page.text).toContain(`name="a.staff.polite" value="${fields['a.staff.polite']}" checked`);
      if (!change.comment) expect(page.text).toContain('Cán bộ nhiệt tình');
      expect((await ratings()).length).toBe(before);
      // the page answers POST /v1/ratings: its language switch must lead back to the survey, which serves it
      const toggle = /<p class="switch"><a href="([^"]+)"/.exec(page.text)![1]!.replaceAll('&amp;', '&');
      expect(toggle).toBe(`/s/${code}?lang=en`);
      const english = await call(runtime, 'GET', toggle);
      expect(english.status).toBe(200);
      expect(english.text).toContain('lang="en"');
    });

    it('a dossier already rated: 409, the message at the dossier field, nothing more stored', async () => {
      const first = { ...good(), dossier: 'HS-2025-000123' };
      expect(
        (
          await call(runtime, 'POST', '/v1/ratings', {
            headers: FORM,
            raw: new URLSearchParams(first).toString(),
          })
        ).status,
      ).toBe(303);
      const before = (await ratings()).length;
      const again = await call(runtime, 'POST', '/v1/ratings', {
        headers: FORM,
        raw: new URLSearchParams({ ...good(), dossier: 'hs-2025-000123' }).toString(),
      });
      expect(again.status).toBe(409);
      expect(again.text).toContain('Hồ sơ này đã được đánh giá');
      expect(again.text).toContain('id="e-dossier"');
      expect((await ratings()).length).toBe(before);
    });

    it('a tampered code in the form: the friendly error page, nothing stored', async () => {
      const before = (await ratings()).length;
      const page = await call(runtime, 'POST', '/v1/ratings', {
        headers: FORM,
        raw: new URLSearchParams({ ...good(), code: `${code}x` }).toString(),
      });
      expect(page.status).toBe(400);
      expect(page.text).toContain('Mã QR này không hợp lệ');
      // the form was sent: its page says the rating was not, not that a page did not open
      expect(page.text).toContain('<h1>Chưa gửi được đánh giá</h1>');
      expect((await ratings()).length).toBe(before);
      expect((await call(runtime, 'GET', `/s/${code}x`)).text).toContain(
        '<h1>Không mở được trang đánh giá</h1>',
      );
    });
  });

  it('answers JSON bad input with 400 naming each field, and stores nothing', async () => {
    const before = (await ratings()).length;
    const bad = await call(runtime, 'POST', '/v1/ratings', {
      body: { code, answers: { 'staff.polite': 7 }, dossier: '!', comment: 'y'.repeat(1001) },
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['comment', 'dossier']);
    const offScale = await call(runtime, 'POST', '/v1/ratings', {
      body: { code, answers: { 'staff.polite': 7 } },
    });
    expect(offScale.status).toBe(400);
    expect(offScale.body.error.details).toEqual([
      { field: 'answers.staff.polite', message: 'must be 1 to 5, or 0 for not applicable' },
    ]);
    expect((await ratings()).length).toBe(before);
  });

  it('flags the ratings of a burst from one source for one unit, keeps them, and shows officials how many', async () => {
    const cityCode = codeFor(runtime, 'ha-noi');
    // BURST_FLAG_AFTER is 3 by default: of five ratings from this address for this unit in one
    // 10-minute window, the 4th and 5th are flagged (unless the window turns between them).
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const rated = await call(runtime, 'POST', '/v1/ratings', {
        body: { code: cityCode, answers: { 'staff.polite': 5 }, submissionId: `burst-${i}-abcdefgh` },
      });
      expect(rated.status).toBe(201);
      ids.push(rated.body.id);
    }
    const stored = (await ratings()).filter((r) => r.unitId === 'ha-noi');
    expect(stored).toHaveLength(5);
    const flagged = stored.filter((r) => r.flagged === 'burst');
    expect(flagged.length).toBeGreaterThanOrEqual(1);
    expect(flagged.length).toBeLessThanOrEqual(2);

    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const view = await call(runtime, 'GET', `/v1/units/ha-noi/flagged?from=${today}&to=${today}`, {
      token: admin,
    });
    expect(view.status).toBe(200);
    expect(view.body.flagged).toBe(flagged.length);
    expect(view.body.days[0].ratings.map((r: { id: string }) => r.id).sort()).toEqual(
      flagged.map((r) => r.id).sort(),
    );
    expect(
      (await call(runtime, 'GET', `/v1/units/ha-noi/flagged?from=${today}`, { token: admin })).status,
    ).toBe(400);
    expect((await call(runtime, 'GET', `/v1/units/ha-noi/flagged?from=${today}&to=${today}`)).status).toBe(
      401,
    );

    // the address itself is never written anywhere
    expect(await tableText(runtime.dynamoEndpoint, runtime.tableName)).not.toContain('127.0.0.1');
  });
});
