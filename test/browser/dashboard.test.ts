import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, type Runtime } from '../../infra/local/runtime';
import { parseCsv } from '../../shared/api/csv';
import { createDeps } from '../../shared/deps';
import { JUNE, seedCity } from '../integration/dashboard-seed';
import { call, startTestRuntime } from '../support/harness';

/**
 * The dashboard in Chromium on the local runtime, against the hand-worked city of
 * test/integration/dashboard-seed.ts (figures worked out in test/integration/dashboard.test.ts):
 * hn 81.11 %, n 90; phuc-xa 82.50 % [68.38–90.93], 1/2 ↑1, staff below the peers' 100 %.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI) throw new Error(`${CHROMIUM} is required in CI`);

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');
const AXE = readFileSync(join(PROJECT_ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

async function axeViolations(page: Page) {
  // The pages' CSP admits only scripts with the page's nonce, and it stays on in these tests (it is
  // part of what they check), so axe's source goes in as a script element carrying that nonce.
  await page.evaluate((source) => {
    const script = document.createElement('script');
    script.nonce = (document.querySelector('[nonce]') as HTMLElement | null)?.nonce ?? '';
    script.textContent = source;
    document.head.appendChild(script);
  }, AXE);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            opts: unknown,
          ): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe.skipIf(!hasChromium)('officials’ dashboard in Chromium', () => {
  let runtime: Runtime;
  let context: BrowserContext;
  let page: Page;
  let profile: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    await seedCity(createDeps());
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'sipas-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
  });
  afterAll(async () => {
    await context?.close();
    await runtime?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
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
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
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
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
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
    await publicPage.screenshot({ path: join(ARTIFACTS, 'public.png'), fullPage: true });
    await publicPage.close();
  });
});
