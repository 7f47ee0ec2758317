import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startRuntime } from '../infra/local/runtime';
import { QrKeysSchema, signCode } from '../shared/qr/codes';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/support/ci';
import { finish, isQuick, median, row } from './support/report';

/**
 * The citizen's survey page (sipas-2023, Vietnamese) against its floor: a plain static HTML page
 * holding the same text and nothing else, served the same way. Figures: bytes on the wire
 * (gzip and brotli, as a CDN or API Gateway would compress), requests the page makes, and the
 * load time on an emulated slow-3G phone (Chromium's DevTools "Slow 3G" network, CPU 4× slower),
 * the median of several loads. Printed, never asserted.
 */
const RUNS = isQuick() ? 3 : 7;
// DevTools' "Slow 3G" preset: 2 s round trip, 400 kbit/s each way.
const SLOW_3G = { offline: false, latency: 2000, downloadThroughput: 50_000, uploadThroughput: 50_000 };
const CPU_SLOWDOWN = 4;

const dataDir = mkdtempSync(join(tmpdir(), 'sipas-bench-survey-'));
const runtime = await startRuntime({ port: 0, awsPort: 0, dataDir, inMemory: true });
const admin = await runtime.token({ role: 'admin' });
const put = (id: string, body: unknown) =>
  fetch(`${runtime.url}/v1/units/${id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
await put('ha-noi', { name: 'Thành phố Hà Nội', level: 'city' });
await put('phuong-van-mieu-quoc-tu-giam', {
  name: 'Phường Văn Miếu - Quốc Tử Giám',
  level: 'ward',
  parentId: 'ha-noi',
});
const keys = QrKeysSchema.parse(JSON.parse(readFileSync(runtime.qrKeysFile, 'utf8')));
const surveyUrl = `${runtime.url}/s/${signCode(keys, { unitId: 'phuong-van-mieu-quoc-tu-giam' })}`;
const surveyHtml = await (await fetch(surveyUrl)).text();

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_ARGS,
});
const context = await browser.newContext({
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
});

// The floor: the survey page's visible text, as plain paragraphs in a bare page.
const textPage = await context.newPage();
await textPage.goto(surveyUrl);
// biome-ignore lint/performance/useDomNodeTextContent: the rendered text, line by line, without the script's source
const text = await textPage.evaluate(() => document.body.innerText);
await textPage.close();
const floorHtml = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Đánh giá</title></head><body>${text
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => `<p>${line.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)}</p>`)
  .join('')}</body></html>`;
const floorServer = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  response.end(floorHtml);
});
await new Promise<void>((resolve) => floorServer.listen(0, '127.0.0.1', resolve));
const floorUrl = `http://127.0.0.1:${(floorServer.address() as AddressInfo).port}/`;

async function load(url: string): Promise<{ requests: number; domContentLoaded: number; load: number }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  let requests = 0;
  page.on('request', () => requests++);
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  const timing = await page.evaluate(() => {
    const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    return { domContentLoaded: nav!.domContentLoadedEventEnd, load: nav!.loadEventEnd };
  });
  await page.close();
  return { requests, ...timing };
}

async function measure(url: string) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await load(url));
  return {
    requests: Math.max(...runs.map((r) => r.requests)),
    dcl: median(runs.map((r) => r.domContentLoaded)),
    load: median(runs.map((r) => r.load)),
  };
}

const survey = await measure(surveyUrl);
const floor = await measure(floorUrl);

const floorOf = (value: number) => ({ label: 'plain text page', value });
finish({
  bench: 'survey-page',
  settings: {
    runs: RUNS,
    network: 'Slow 3G (2 s RTT, 400 kbit/s)',
    cpuSlowdown: CPU_SLOWDOWN,
    instrument: 'sipas-2023',
    lang: 'vi',
  },
  rows: [
    row({
      bench: 'survey-page',
      measure: 'HTML, uncompressed',
      value: Buffer.byteLength(surveyHtml),
      unit: 'B',
      floor: floorOf(Buffer.byteLength(floorHtml)),
    }),
    row({
      bench: 'survey-page',
      measure: 'HTML, gzip',
      value: gzipSync(surveyHtml).length,
      unit: 'B',
      floor: floorOf(gzipSync(floorHtml).length),
      note: 'budget 20,480 B',
    }),
    row({
      bench: 'survey-page',
      measure: 'HTML, brotli',
      value: brotliCompressSync(surveyHtml).length,
      unit: 'B',
      floor: floorOf(brotliCompressSync(floorHtml).length),
    }),
    row({
      bench: 'survey-page',
      measure: 'requests',
      value: survey.requests,
      unit: '',
      floor: floorOf(floor.requests),
    }),
    row({
      bench: 'survey-page',
      measure: 'DOMContentLoaded, slow 3G, median',
      value: survey.dcl,
      unit: 'ms',
      floor: floorOf(floor.dcl),
    }),
    row({
      bench: 'survey-page',
      measure: 'load, slow 3G, median',
      value: survey.load,
      unit: 'ms',
      floor: floorOf(floor.load),
    }),
  ],
  notes: [
    'both pages are served uncompressed by local servers, so the load times include the uncompressed bytes; behind a compressing CDN the survey page would move about its gzip size',
  ],
});

await browser.close();
floorServer.close();
await runtime.stop();
rmSync(dataDir, { recursive: true, force: true });
