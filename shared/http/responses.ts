import type { HttpResult } from './types';

const BASE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: {
      ...BASE_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

/** JSON served from snapshots that change once a night: cacheable for a few minutes. */
export function publicJson(body: unknown): HttpResult {
  return json(200, body, { 'cache-control': 'public, max-age=300' });
}

export function html(statusCode: number, body: string, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: {
      ...BASE_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
    body,
  };
}

export function binary(contentType: string, data: Buffer, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode: 200,
    headers: {
      ...BASE_HEADERS,
      'content-type': contentType,
      'cache-control': 'private, max-age=3600',
      ...headers,
    },
    body: data.toString('base64'),
    isBase64Encoded: true,
  };
}

export function text(
  statusCode: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): HttpResult {
  return { statusCode, headers: { ...BASE_HEADERS, 'content-type': contentType, ...headers }, body };
}

export function redirect(location: string): HttpResult {
  return { statusCode: 303, headers: { ...BASE_HEADERS, location, 'cache-control': 'no-store' }, body: '' };
}
