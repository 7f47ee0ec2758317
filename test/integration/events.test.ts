import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Deps } from '../../shared/deps';
import { putUnit } from '../../shared/use-cases/units';
import { createTestDeps } from '../support/harness';

/**
 * Every sample event in events/ is a real payload shape: HTTP events parse as API Gateway HTTP API
 * payload 2.0, and each one runs through its handler (with a fresh table) to the status it stands for.
 */
const EVENTS_DIR = join(import.meta.dirname, '../../events');

const HttpEventV2 = z.object({
  version: z.literal('2.0'),
  routeKey: z.string().regex(/^(GET|POST|PUT|DELETE) \//),
  rawPath: z.string().startsWith('/'),
  rawQueryString: z.string(),
  headers: z.record(z.string(), z.string()),
  queryStringParameters: z.record(z.string(), z.string()).optional(),
  pathParameters: z.record(z.string(), z.string()).optional(),
  requestContext: z.object({
    http: z.object({ method: z.string(), path: z.string(), sourceIp: z.string() }),
    requestId: z.string(),
    routeKey: z.string(),
    stage: z.string(),
    authorizer: z.object({ jwt: z.object({ claims: z.record(z.string(), z.string()) }) }).optional(),
  }),
  body: z.string().optional(),
  isBase64Encoded: z.boolean(),
});

// In the order they run: the unit first, ratings before the aggregation, results after it.
const CASES: [file: string, module: string, status: number | 'summary'][] = [
  ['units.put.json', 'units', 200],
  ['units.list.json', 'units', 200],
  ['units.get.json', 'units', 200],
  ['survey-page.json', 'survey-page', 200],
  ['survey-page.english.json', 'survey-page', 200],
  ['survey-page.thanks.json', 'survey-page', 200],
  ['survey-page.tampered-code.json', 'survey-page', 400],
  ['submit-rating.json', 'submit-rating', 201],
  ['submit-rating.form.json', 'submit-rating', 303],
  ['submit-rating.unknown-item.json', 'submit-rating', 400],
  ['import-ratings.json', 'import-ratings', 200],
  ['import-ratings.csv.json', 'import-ratings', 200],
  ['qr.svg.json', 'qr', 200],
  ['qr.png.json', 'qr', 200],
  ['qr.poster.json', 'qr', 200],
  ['aggregations.json', 'aggregations', 200],
  ['results.index.json', 'results', 200],
  ['results.rankings.json', 'results', 200],
  ['openapi.json', 'openapi', 200],
  ['nightly.backfill.json', 'nightly', 'summary'],
  ['nightly.scheduled.json', 'nightly', 'summary'],
];

const context = {
  awsRequestId: 'test',
  functionName: 'test',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

describe('sample events', () => {
  let deps: Deps;
  const handlers = new Map<string, (event: unknown, context: Context) => Promise<unknown>>();

  beforeAll(async () => {
    deps = await createTestDeps({ clock: () => new Date('2026-11-29T03:00:00Z') });
    await putUnit('ha-noi', { name: 'Thành phố Hà Nội', level: 'city', parentId: null }, '/', deps);
    await putUnit('phuong-phuc-xa', { name: 'Phường Phúc Xá', level: 'ward', parentId: 'ha-noi' }, '/', deps);
    // The modules wire a default handler from the environment when imported; the table must exist.
    process.env.TABLE_NAME = deps.config.TABLE_NAME;
    for (const module of new Set(CASES.map(([, m]) => m))) {
      const imported = (await import(`../../functions/${module}.ts`)) as {
        makeHandler?: (deps: Deps) => (event: unknown, context: Context) => Promise<unknown>;
        handler: (event: unknown, context: Context) => Promise<unknown>;
      };
      handlers.set(module, imported.makeHandler ? imported.makeHandler(deps) : imported.handler);
    }
  });

  it('has a case for every file in events/', () => {
    const files = readdirSync(EVENTS_DIR).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(CASES.map(([file]) => file).sort());
  });

  it.each(CASES)('%s runs through %s', async (file, module, expected) => {
    const event = JSON.parse(readFileSync(join(EVENTS_DIR, file), 'utf8')) as Record<string, unknown>;
    if (expected !== 'summary') HttpEventV2.parse(event);
    const result = (await handlers.get(module)!(event, context)) as {
      statusCode?: number;
      body?: string;
      days?: string[];
    };
    if (expected === 'summary') {
      expect(result.days?.length).toBeGreaterThan(0);
      return;
    }
    expect(result.statusCode, result.body).toBe(expected);
    if (file === 'import-ratings.json') {
      expect(JSON.parse(result.body!)).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });
    }
  });

  it('closes yesterday in Vietnam when the schedule invokes the nightly job', async () => {
    const summary = (await handlers.get('nightly')!({}, context)) as { days: string[] };
    // 2026-11-29T03:00Z is 10:00 on the 29th in Hanoi: the night job closes the 28th.
    expect(summary.days).toEqual(['2026-11-28']);
  });
});
