import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { axeViolations, launch, screenshot } from '../support/browser';
import { skipBrowserTests } from '../support/ci';
import { codeFor, seedWard, storedRatings } from '../support/citizen';
import { startTestRuntime } from '../support/harness';

/** Picks a level for an item by tapping its label, as a thumb would (a click where script is off: see below). */
async function choose(page: Page, itemId: string, level: number, how: 'tap' | 'click' = 'tap') {
  await page.locator(`input[name="a.${itemId}"][value="${level}"]`).locator('xpath=..')[how]();
}

describe.skipIf(skipBrowserTests())('the survey page in Chromium on a phone', () => {
  let runtime: Runtime;
  let admin: string;
  let ward: string;
  let surveyUrl: string;
  let context: Awaited<ReturnType<typeof launch>>;
  const ratings = () => storedRatings(runtime.dynamoEndpoint, runtime.tableName);

  beforeAll(async () => {
    runtime = await startTestRuntime();
    admin = await runtime.token({ role: 'admin' });
    ward = await seedWard(runtime, admin);
    surveyUrl = `${runtime.url}/s/${codeFor(runtime, ward)}`;
    context = await launch();
  });
  afterAll(async () => {
    await context?.dispose();
    await runtime?.stop();
  });

  it('decodes the poster’s PNG QR code (jsQR) to the survey page’s URL', async () => {
    const response = await fetch(`${runtime.url}/v1/units/${ward}/qr.png?size=400`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(response.status).toBe(200);
    const png = PNG.sync.read(Buffer.from(await response.arrayBuffer()));
    expect(png.width).toBe(400);
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(surveyUrl);
  });

  it('scan to submit in Vietnamese: answers, a dossier, a comment, then the thank-you page', async () => {
    const page = await context.newPage();
    await page.goto(surveyUrl);
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await screenshot(page, 'survey-vi-390x844.png');
    await choose(page, 'staff.polite', 5);
    await choose(page, 'staff.guidance', 4);
    await choose(page, 'access.signage', 0);
    await choose(page, 'result.ontime', 2);
    await page.fill('#dossier', 'hs-2025-07-0001');
    await page.fill('#comment', 'Cán bộ hướng dẫn tận tình, gọi 0912 345 678 nếu cần');
    await page.getByRole('button', { name: 'Gửi đánh giá' }).tap();
    await page.waitForURL(/\/thanks\?lang=vi$/);
    await expect.poll(() => page.textContent('h1')).toBe('Cảm ơn ông/bà!');
    expect(await page.getAttribute(`a[href="/r/${ward}?lang=vi"]`, 'href')).toBeTruthy();
    await screenshot(page, 'thanks-vi.png');
    const stored = (await ratings()).find((r) => r.dossier === 'HS-2025-07-0001');
    expect(stored).toMatchObject({
      lang: 'vi',
      answers: { 'staff.polite': 5, 'staff.guidance': 4, 'access.signage': 0, 'result.ontime': 2 },
    });
    // the phone number in the comment was masked before storing
    expect(stored!.comment).not.toContain('345');
    await page.close();
  });

  it('scan to submit in English after the language toggle', async () => {
    const page = await context.newPage();
    await page.goto(surveyUrl);
    await page.getByRole('link', { name: 'English' }).tap();
    await page.waitForURL(/\?lang=en$/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await screenshot(page, 'survey-en-390x844.png');
    await choose(page, 'procedure.fees', 5);
    await choose(page, 'feedback.handled', 3);
    await page.getByRole('button', { name: 'Send rating' }).tap();
    await page.waitForURL(/\/thanks\?lang=en$/);
    expect(await page.textContent('h1')).toBe('Thank you!');
    const stored = (await ratings()).filter((r) => r.lang === 'en');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.answers).toEqual({ 'procedure.fees': 5, 'feedback.handled': 3 });
    await page.close();
  });

  it('stores one rating for a double tap', async () => {
    const page = await context.newPage();
    await page.goto(surveyUrl);
    const submissionId = await page.inputValue('input[name=submissionId]');
    await choose(page, 'staff.rules', 4);
    await page.getByRole('button', { name: 'Gửi đánh giá' }).dblclick();
    await page.waitForURL(/\/thanks/);
    expect((await ratings()).filter((r) => r.submissionId === submissionId)).toHaveLength(1);
    await page.close();
  });

  it('keeps the answers while offline and sends them once back online', async () => {
    const page = await context.newPage();
    await page.goto(surveyUrl);
    const submissionId = await page.inputValue('input[name=submissionId]');
    await choose(page, 'result.fair', 5);
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Gửi đánh giá' }).tap();
    await expect.poll(() => page.textContent('#status')).toContain('Chưa có mạng');
    expect(await page.evaluate(() => localStorage.getItem('sipas-pending'))).toContain(submissionId);
    expect((await ratings()).filter((r) => r.submissionId === submissionId)).toHaveLength(0);
    await context.setOffline(false);
    await page.waitForURL(/\/thanks/);
    expect((await ratings()).filter((r) => r.submissionId === submissionId)).toHaveLength(1);
    expect(await page.evaluate(() => localStorage.getItem('sipas-pending'))).toBe('[]');
    await page.close();
  });

  it('shows bad input at the field with JavaScript on, and stores nothing', async () => {
    const page = await context.newPage();
    await page.goto(surveyUrl);
    const before = (await ratings()).length;
    await page.getByRole('button', { name: 'Gửi đánh giá' }).tap();
    await expect.poll(() => page.textContent('#status')).toContain('Xin trả lời ít nhất một câu hỏi');
    await choose(page, 'staff.polite', 5);
    await page.fill('#dossier', 'HS 01 !');
    await page.getByRole('button', { name: 'Gửi đánh giá' }).tap();
    await expect.poll(() => page.locator('#e-dossier').textContent()).toContain('Mã hồ sơ gồm 3 đến 64');
    expect(await page.getAttribute('#dossier', 'aria-invalid')).toBe('true');
    expect((await ratings()).length).toBe(before);
    await page.close();
  });

  it('has no WCAG 2.1 AA violations (axe-core) on the page, its errors, the thank-you page and the poster', async () => {
    const page = await context.newPage();
    for (const url of [
      surveyUrl,
      `${surveyUrl}?lang=en`,
      `${surveyUrl}/thanks`,
      `${runtime.url}/s/not-a-code`,
    ]) {
      await page.goto(url);
      expect({ url, violations: await axeViolations(page) }).toEqual({ url, violations: [] });
    }
    await page.goto(surveyUrl);
    await page.fill('#dossier', '!!');
    await page.getByRole('button', { name: 'Gửi đánh giá' }).tap();
    await expect.poll(() => page.locator('.msg').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    // the page the server renders again for the no-JavaScript form (axe needs script to run)
    const code = new URL(surveyUrl).pathname.slice(3);
    const again = await fetch(`${runtime.url}/v1/ratings`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        code,
        'a.staff.polite': '9',
        dossier: '!!',
        comment: 'x'.repeat(1001),
      }).toString(),
    });
    expect(again.status).toBe(400);
    await page.setContent(await again.text());
    // the schema refuses the dossier and comment first; the answer is checked once they pass
    expect(await page.locator('.msg').count()).toBe(2);
    expect(await axeViolations(page)).toEqual([]);
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${admin}` });
    await page.goto(`${runtime.url}/v1/units/${ward}/poster`);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('stays readable at 200 % zoom: no sideways scrolling, touch targets at least 44 px', async () => {
    // 200 % zoom on a 390 px phone leaves a 195 CSS-pixel layout viewport.
    const zoomed = await launch({ viewport: { width: 195, height: 422 }, deviceScaleFactor: 4 });
    try {
      const page = await zoomed.newPage();
      await page.goto(surveyUrl);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      const heights = await page.$$eval('.levels label, button', (els) =>
        els.map((el) => el.getBoundingClientRect().height),
      );
      expect(Math.min(...heights)).toBeGreaterThanOrEqual(44);
      await screenshot(page, 'survey-vi-zoom-200.png');
    } finally {
      await zoomed.dispose();
    }
  });

  it('prints the poster on A4 and saves a screenshot of it', async () => {
    const page = await context.newPage();
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${admin}` });
    await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    await page.goto(`${runtime.url}/v1/units/${ward}/poster`);
    expect(await page.textContent('.url')).toBe(surveyUrl);
    expect(await page.textContent('main')).toContain('Phường Văn Miếu - Quốc Tử Giám');
    expect(await page.textContent('main')).toContain('Scan the code to rate our service');
    await screenshot(page, 'poster-a4.png');
    await page.close();
  });

  // One runtime per file: handlers read their configuration once, when first imported.
  describe('without JavaScript', () => {
    let noScript: Awaited<ReturnType<typeof launch>>;
    beforeAll(async () => {
      noScript = await launch({ javaScriptEnabled: false });
    });
    afterAll(() => noScript?.dispose());

    it('posts the plain form, shows errors at the fields with the answers kept, then the thank-you page', async () => {
      // Playwright taps through CDP touch events, from which Chromium synthesises no click while
      // script is disabled; a real phone does, so this path uses clicks.
      const page = await noScript.newPage();
      await page.goto(surveyUrl);
      await choose(page, 'staff.polite', 5, 'click');
      await page.fill('#dossier', 'HS 01 !');
      await page.fill('#comment', 'Nhanh gọn');
      const response = page.waitForResponse((r) => r.url().endsWith('/v1/ratings'));
      await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
      expect((await response).status()).toBe(400);
      await page.waitForLoadState();
      expect(await page.textContent('#e-dossier')).toContain('Mã hồ sơ gồm 3 đến 64');
      expect(await page.isChecked('input[name="a.staff.polite"][value="5"]')).toBe(true);
      expect(await page.inputValue('#comment')).toBe('Nhanh gọn');
      await screenshot(page, 'survey-nojs-error.png');
      expect((await ratings()).filter((r) => r.comment === 'Nhanh gọn')).toHaveLength(0);

      await page.fill('#dossier', 'HS-01');
      await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
      await page.waitForURL(/\/thanks\?lang=vi$/);
      const stored = (await ratings()).filter((r) => r.comment === 'Nhanh gọn');
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({
        dossier: 'HS-01',
        comment: 'Nhanh gọn',
        answers: { 'staff.polite': 5 },
      });
      await page.close();
    });
  });
});
