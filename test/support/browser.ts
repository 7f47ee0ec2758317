import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './ci';

export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

/** A phone: iPhone 12–15 sized viewport, touch, mobile layout. */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
} as const;

/** Debian's Chromium with a fresh profile (so no localStorage leaks between contexts). */
export async function launch(
  options: Omit<
    NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>,
    'executablePath' | 'args'
  > = {},
): Promise<BrowserContext & { dispose(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'sipas-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ...PHONE,
    ...options,
  });
  return Object.assign(context, {
    async dispose() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}

const AXE = readFileSync(resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.1 A/AA rules on the page as it is; the violations, summarised. */
export async function axeViolations(page: Page): Promise<{ id: string; nodes: string[] }[]> {
  // Evaluated through the DevTools protocol: a script tag would be refused by the page's own CSP
  // (nonces only), which is the point of that CSP.
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is a global the script tag defined
    const axe = (window as any).axe;
    const run = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return run.violations.map((v: { id: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return result as { id: string; nodes: string[] }[];
}
