import { readFileSync } from 'node:fs';
import type { Runtime } from '../../infra/local/runtime';
import type { Rating } from '../../shared/domain';
import type { HttpEvent } from '../../shared/http/types';
import { QrKeysSchema, signCode } from '../../shared/qr/codes';
import { call } from './harness';
import { scanAll } from './table-scan';

/** Every rating in a table. A Scan is fine in a test: it is how we prove what was (not) stored. */
export async function storedRatings(
  endpoint: string,
  tableName: string,
): Promise<(Rating & Record<string, unknown>)[]> {
  const items = await scanAll(endpoint, tableName);
  return items.filter((item) => item.type === 'rating') as (Rating & Record<string, unknown>)[];
}

/** Every item of a table, as raw JSON text (to prove that something is never stored). */
export async function tableText(endpoint: string, tableName: string): Promise<string> {
  return JSON.stringify(await scanAll(endpoint, tableName));
}

/** A code signed with the runtime's own key file, as the poster would carry. */
export function codeFor(runtime: Pick<Runtime, 'qrKeysFile'>, unitId: string, counter?: string): string {
  const keys = QrKeysSchema.parse(JSON.parse(readFileSync(runtime.qrKeysFile, 'utf8')));
  return signCode(keys, counter ? { unitId, counter } : { unitId });
}

/** A city and one ward (sipas-2023), created through the API like an official would. */
export async function seedWard(
  runtime: Runtime,
  admin: string,
  wardId = 'phuong-van-mieu-quoc-tu-giam',
): Promise<string> {
  await call(runtime, 'PUT', '/v1/units/ha-noi', {
    token: admin,
    body: { name: 'Thành phố Hà Nội', nameEn: 'Hanoi', level: 'city' },
  });
  const ward = await call(runtime, 'PUT', `/v1/units/${wardId}`, {
    token: admin,
    body: {
      name: 'Phường Văn Miếu - Quốc Tử Giám',
      nameEn: 'Van Mieu - Quoc Tu Giam Ward',
      level: 'ward',
      parentId: 'ha-noi',
    },
  });
  if (ward.status >= 300) throw new Error(`could not create ${wardId}: ${ward.text}`);
  return wardId;
}

/** An API Gateway v2 event for calling a handler directly (rate limits and keys that a test controls). */
export function httpEvent(input: {
  routeKey: string;
  path: string;
  body?: string;
  contentType?: string;
  sourceIp?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
}): HttpEvent {
  return {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: input.path,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: input.contentType ? { 'content-type': input.contentType } : {},
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'sipas.hanoi.gov.vn',
      domainPrefix: 'sipas',
      http: {
        method: input.routeKey.split(' ')[0]!,
        path: input.path,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '203.0.113.7',
        userAgent: 'test',
      },
      requestId: 'req-test',
      routeKey: input.routeKey,
      stage: '$default',
      time: new Date(0).toUTCString(),
      timeEpoch: 0,
    },
    ...(input.body !== undefined ? { body: input.body } : {}),
    isBase64Encoded: false,
  };
}
