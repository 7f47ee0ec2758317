import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { parseCsv } from '../../shared/api/csv';
import { createDeps } from '../../shared/deps';
import { JUNE, seedCity } from '../integration/dashboard-seed';
import { ARTIFACTS, axeViolations, launch, screenshot } from '../support/browser';
import { skipBrowserTests } from '../support/ci';
import { call, startTestRuntime } from '../support/harness';

/**
 * The dashboard in Chromium on the local runtime, against the hand-worked city of
 * test/integration/dashboard-seed.ts (figures worked out in test/integration/dashboard.test.ts):
 * hn 81.11 %, n 90; phuc-xa 82.50 % [68.38–90.93], 1/2 ↑1, staff below the peers' 100 %.
 */
describe.skipIf(skipBrowserTests())('officials’ dashboard in Chromium', () => {
  let runtime: Runtime;
  let context: Awaited<ReturnType<typeof launch>>;
  let page: Page;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    await seedCity(createDeps());
    context = await launch({
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
      isMobile: false,
      hasTouch: false,
    });
    page = context.pages()[0] ?? (await context.newPage());
  });
  afterAll(async () => {
    await context?.dispose();
    await runtime?.stop();
  });

  it('signs in locally as an official and shows the city’s figures', async () => {
    await page.goto(`${runtime.url}/dashboard?period=${JUNE}`);
    await page.click('#sign-in');
    await page.waitForURL(/\/dev\/sign-in/);
    await page.selectOption('#role', 'official');
    await page.fill('#unit', 'hn');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid="overall-index"]');
    expect(page.url()).not.toContain('id_token');
    expect(await page.textContent('[data-testid="unit-name"]')).toContain('Thành phố Hà Nội');
    expect(await page.textContent('[data-testid="overall-index"]')).toBe('81,11 %');
    expect(await page.textContent('[data-testid="overall-n"]')).toBe('90');
  });

  it('finds a ward by name without diacritics and shows its figures, rank and weak items', async () => {
    await page.fill('#search', 'phuc xa');
    await page.click('#tree a:has-text("Phường Phúc Xá")');
    await page.waitForSelector('[data-testid="unit-name"][data-unit="phuc-xa"]');
    expect(await page.textContent('[data-testid="overall-index"]')).toBe('82,50 %');
    expect(await page.textContent('[data-testid="overall-ci"]')).toBe('68,38–90,93');
    expect(await page.textContent('[data-testid="rank"]')).toBe('1/2');
    expect(await page.textContent('[data-testid="rank-change"]')).toBe('↑1');
    expect(
      await page.locator('tr.below').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id)),
    ).toEqual(['staff', 'staff.polite']);
    expect(await page.textContent('#breadcrumb')).toContain('Thành phố Hà Nội');
  });

  it('acknowledges an alert of the unit', async () => {
    const item = page.locator('.alert-list li').first();
    await item.waitFor();
    // the panel names the severity and the rule in the page's language, not by their ids
    const heading = await item.locator('strong').textContent();
    expect(heading).toMatch(/^(Thông báo|Cảnh báo|Cảnh báo khẩn) · /);
    expect(heading).not.toMatch(/below-|drop|spike|warning|critical|info/);
    await item.locator('input').fill('Đã họp rút kinh nghiệm');
    await item.locator('button[data-ack]').click();
    await page.waitForSelector('.alert-list .ack-done');
    expect(await page.textContent('.alert-list .ack-done')).toContain('Đã họp rút kinh nghiệm');
  });

  it('exports the ward’s ratings as CSV that parses back', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-ratings')]);
    const file = await download.path();
    const text = readFileSync(file!, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(rows).toHaveLength(40);
    const polite = header!.indexOf('staff.polite');
    expect(rows.filter((r) => r[polite] === '5')).toHaveLength(30);
  });

  it('navigates back up the tree and sorts the children by index', async () => {
    await page.fill('#search', '');
    await page.click('#breadcrumb a:has-text("Thành phố Hà Nội")');
    await page.waitForSelector('[data-testid="unit-name"][data-unit="hn"]');
    await page.click('[data-testid="children"] button[data-sort="index"]');
    const order = () =>
      page
        .locator('[data-testid="children"] tbody tr')
        .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.unit));
    expect(await order()).toEqual(['phuc-xa', 'ba-dinh', 'ngoc-ha']);
    await page.click('[data-testid="children"] button[data-sort="index"]');
    expect(await order()).toEqual(['ngoc-ha', 'ba-dinh', 'phuc-xa']);
    expect(await page.textContent('[data-testid="children"] tr[data-unit="ngoc-ha"]')).toContain(
      'Chưa đủ dữ liệu',
    );
  });

  it('has no accessibility violations, and saves a screenshot', async () => {
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'dashboard.png');
  });

  it('switches to English', async () => {
    await page.click('#lang-link');
    await page.waitForSelector('[data-testid="overall-index"]');
    expect(await page.textContent('h1')).toBe('Satisfaction index dashboard');
    expect(await page.textContent('[data-testid="overall-index"]')).toBe('81.11 %');
  });

  it('shows a unit outside the official’s subtree as forbidden, and the API refuses it too', async () => {
    await page.goto(`${runtime.url}/dashboard?unit=ben-thanh&period=${JUNE}`);
    await page.waitForFunction(() => document.getElementById('message')?.textContent?.includes('403'));
    expect(await page.locator('[data-testid="overall-index"]').count()).toBe(0);
    const token = await page.evaluate(() => sessionStorage.getItem('sipas.idToken'));
    expect(
      (await call(runtime, 'GET', `/v1/units/ben-thanh/dashboard?period=${JUNE}`, { token: token! })).status,
    ).toBe(403);
  });

  it('prints the monthly report with the comments, accessibly', async () => {
    await page.goto(`${runtime.url}/dashboard/report?unit=phuc-xa&period=${JUNE}`);
    await page.waitForSelector('.comment-list');
    expect(await page.textContent('[data-testid="overall-index"]')).toBe('82,50 %');
    expect(await page.textContent('.comments')).toContain('Cán bộ nhiệt tình');
    expect(await page.textContent('[data-testid="flagged"]')).toContain('1');
    expect(await axeViolations(page)).toEqual([]);
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, 'report.png');
    await page.pdf({ path: join(ARTIFACTS, 'report.pdf'), format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
  });

  it('shows the public page without signing in, accessibly', async () => {
    const publicPage = await context.newPage();
    await publicPage.goto(`${runtime.url}/r/phuc-xa?period=${JUNE}`);
    expect(await publicPage.textContent('[data-testid="overall-index"]')).toBe('82,50 %');
    expect(await publicPage.textContent('[data-testid="rank"]')).toBe('1/2');
    expect(await publicPage.textContent('body')).not.toContain('Cán bộ nhiệt tình');
    expect(await axeViolations(publicPage)).toEqual([]);
    await screenshot(publicPage, 'public.png');
    await publicPage.close();
  });
});
