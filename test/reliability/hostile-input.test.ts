import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { ErrorResponse } from '../../shared/api/schemas';
import { vietnamDay } from '../../shared/methodology/periods';
import { signCode } from '../../shared/qr/codes';
import { ROUTES, type RouteSpec, routeKey } from '../../shared/routes';
import { runtimeQrKeys, seedCity, VALID_ANSWERS } from '../support/city';
import { bodyArbitrary, contentTypes, headerValue, nastyString, type RawBody } from '../support/fuzz';
import { call, startTestRuntime } from '../support/harness';
import { fingerprint, recordItems, scanAll } from '../support/table-scan';

/**
 * DESIGN.md, API contract: errors are JSON `{"error":{"code","message","details?"}}` with the right
 * 4xx, a 5xx never carries internals, and bad input writes nothing. Every route in ROUTES is fuzzed
 * through the gateway: random bodies, wrong types, huge strings, deep JSON, invalid UTF-8, unknown
 * fields, wrong content types, odd headers.
 */
const RUNS_PER_ROUTE = 16;
const day = vietnamDay(new Date());

/** The gateway's own answers (no route, bad token, over 10 MB), shaped like API Gateway's. */
const GATEWAY_STATUSES = new Set([401, 404, 413]);

interface FuzzRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: RawBody;
}

describe('hostile input', () => {
  let runtime: Runtime;
  let admin: string;
  let code: string;

  beforeAll(async () => {
    process.env.RATE_LIMIT_PER_WINDOW = '1000000';
    runtime = await startTestRuntime();
    admin = await runtime.token({ role: 'admin' });
    await seedCity(runtime, admin, 'fz', 2);
    code = signCode(runtimeQrKeys(runtime), { unitId: 'fz-w1' });
  });
  afterAll(() => runtime?.stop());

  /** A body the route accepts, which the fuzzer then mutates. */
  const validBody = (route: RouteSpec): Record<string, unknown> => {
    switch (routeKey(route)) {
      case 'POST /v1/ratings':
        return { code, answers: VALID_ANSWERS };
      case 'POST /v1/ratings/import':
        return {
          ratings: [
            {
              unitId: 'fz-w2',
              receivedAt: new Date(Date.now() - 3_600_000).toISOString(),
              answers: VALID_ANSWERS,
            },
          ],
        };
      case 'PUT /v1/units/{unitId}':
        return { name: 'Ward', level: 'ward', parentId: 'fz' };
      case 'POST /v1/aggregations':
        // one day only: a fuzzed valid range must not turn into a year of recomputing
        return { from: day, to: day };
      default:
        return {};
    }
  };

  const fieldsOf = (route: RouteSpec): string[] => {
    const shape = (route.body as { shape?: Record<string, unknown> } | undefined)?.shape;
    return shape ? Object.keys(shape) : [];
  };

  /**
   * Strings for the URL, at most 1,000 characters: longer request lines are refused by the HTTP
   * layer before any route (431 here, 414 at API Gateway), which is not the contract under test.
   */
  const urlString = nastyString.filter((value) => value.length > 0 && value.length <= 1_000);

  const pathParam = (name: string) =>
    fc.oneof({ weight: 2, arbitrary: fc.constant(name === 'code' ? code : 'fz-w1') }, urlString);

  const queryArb = fc.oneof(
    fc.constant(''),
    fc.constant(`period=${day}&parent=fz&from=${day}&to=${day}`),
    fc
      .dictionary(
        fc.oneof(
          fc.constantFrom('period', 'parent', 'from', 'to', 'kind', 'counter', 'size', 'lang', 'unit'),
          urlString,
        ),
        fc.oneof(urlString, fc.constantFrom(day, '2025-13-45', '2025-Q5', '99999', '-1', 'en', 'vi')),
        { maxKeys: 4 },
      )
      .map((params) => new URLSearchParams(params).toString()),
  );

  const requestArb = (route: RouteSpec): fc.Arbitrary<FuzzRequest> => {
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const takesBody = route.method === 'POST' || route.method === 'PUT';
    return fc
      .record({
        params: fc.tuple(...names.map(pathParam)),
        query: queryArb,
        contentType: fc.oneof(fc.constant(route.accepts?.[0] ?? 'application/json'), contentTypes),
        body: takesBody ? bodyArbitrary(validBody(route), fieldsOf(route)) : fc.constant(undefined),
        token: fc.constantFrom('admin', 'admin', 'admin', 'garbage', 'none'),
        extra: fc.dictionary(
          fc.constantFrom(
            'x-forwarded-for',
            'x-real-ip',
            'accept-language',
            'cookie',
            'x-http-method-override',
            'x-original-url',
            'origin',
            'referer',
            'user-agent',
            'x-amzn-trace-id',
          ),
          headerValue,
          { maxKeys: 3 },
        ),
      })
      .map(({ params, query, contentType, body, token, extra }) => {
        let path = route.path;
        names.forEach((name, i) => {
          // a lone surrogate cannot be percent-encoded at all: a client could not send it either
          path = path.replace(
            `{${name}}`,
            encodeURIComponent(params[i]!.replace(/[\ud800-\udfff]/g, '\ufffd')),
          );
        });
        const headers: Record<string, string> = { ...extra };
        if (token === 'admin') headers.authorization = `Bearer ${admin}`;
        if (token === 'garbage') headers.authorization = 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.';
        if (body !== undefined && contentType) headers['content-type'] = contentType;
        return {
          method: route.method,
          path: query ? `${path}?${query}` : path,
          headers,
          ...(body !== undefined ? { body } : {}),
        };
      });
  };

  async function send(request: FuzzRequest) {
    const response = await fetch(`${runtime.url}${request.path}`, {
      method: request.method,
      headers: request.headers,
      redirect: 'manual',
      ...(request.body !== undefined ? { body: request.body as BodyInit } : {}),
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text: await response.text(),
    };
  }

  const describeRequest = (request: FuzzRequest) =>
    JSON.stringify({
      ...request,
      body:
        typeof request.body === 'string'
          ? request.body.slice(0, 300)
          : request.body && `<${request.body.length} bytes>`,
    });

  /** The contract's answer to a refused request: JSON error, an HTML error page on browser routes, or the gateway's own. */
  function checkRefusal(
    route: RouteSpec,
    request: FuzzRequest,
    response: { status: number; contentType: string; text: string },
  ) {
    const label = `${routeKey(route)} ${describeRequest(request)} → ${response.status} ${response.text.slice(0, 200)}`;
    if (response.contentType.startsWith('text/html')) {
      const browserRoute =
        route.response.mediaType === 'text/html' ||
        request.headers['content-type'] === 'application/x-www-form-urlencoded';
      expect(browserRoute, `HTML error on a JSON route: ${label}`).toBe(true);
      expect(response.text, label).toMatch(/^<!doctype html>/i);
      return;
    }
    expect(response.contentType, label).toMatch(/^application\/json/);
    const body = JSON.parse(response.text) as unknown;
    if (GATEWAY_STATUSES.has(response.status) && (body as { message?: string }).message) return;
    const parsed = ErrorResponse.safeParse(body);
    expect(parsed.success, label).toBe(true);
    if (parsed.data?.error.code === 'invalid_input')
      expect(parsed.data.error.details?.length, `no field named: ${label}`).toBeGreaterThan(0);
  }

  it.each(ROUTES.map((route) => [routeKey(route), route] as const))(
    '%s: never a 5xx, always the contract’s error, never a write on a 4xx',
    async (_, route) => {
      let before = fingerprint(recordItems(await scanAll(runtime.dynamoEndpoint, runtime.tableName)));
      await fc.assert(
        fc.asyncProperty(requestArb(route), async (request) => {
          const response = await send(request);
          expect(
            response.status,
            `${describeRequest(request)} → ${response.text.slice(0, 300)}`,
          ).toBeLessThan(500);
          const after = fingerprint(recordItems(await scanAll(runtime.dynamoEndpoint, runtime.tableName)));
          if (response.status >= 400) {
            checkRefusal(route, request, response);
            expect(after, `a refused request wrote: ${describeRequest(request)}`).toEqual(before);
          }
          before = after;
        }),
        // no shrinking: each step is a request and two scans; the counterexample printed is enough
        { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
    },
    120_000,
  );

  describe('bodies', () => {
    const itemsNow = async () =>
      fingerprint(recordItems(await scanAll(runtime.dynamoEndpoint, runtime.tableName)));

    it('refuses a body over the limit with 413 before parsing it (whatever it holds)', async () => {
      const before = await itemsNow();
      // 16 KiB + 1 of not-JSON, not-UTF-8, and not even the right media type: the size is checked first
      const junk = Buffer.alloc(16 * 1024 + 1, 0xff);
      for (const contentType of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
        const response = await fetch(`${runtime.url}/v1/ratings`, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body: junk,
        });
        const text = await response.text();
        expect(response.status, contentType).toBe(413);
        if (contentType !== 'application/x-www-form-urlencoded')
          expect(JSON.parse(text).error.code).toBe('payload_too_large');
      }
      // a valid rating padded over the limit with a long comment is refused too, and stores nothing
      const padded = await call(runtime, 'POST', '/v1/ratings', {
        body: { code, answers: VALID_ANSWERS, comment: 'x'.repeat(17_000) },
      });
      expect(padded.status).toBe(413);
      // over API Gateway's 10 MB the gateway itself answers 413
      const huge = await fetch(`${runtime.url}/v1/units/fz-w1`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
      });
      expect(huge.status).toBe(413);
      await huge.text();
      expect(await itemsNow()).toEqual(before);
    });

    it('refuses JSON nested deeper than 32 with 400 malformed_body, and bytes that are not UTF-8', async () => {
      const deep = await call(runtime, 'POST', '/v1/ratings', {
        raw: `${'['.repeat(5000)}${']'.repeat(5000)}`,
        headers: { 'content-type': 'application/json' },
      });
      expect([deep.status, deep.body.error.code]).toEqual([400, 'malformed_body']);
      const bytes = Buffer.concat([
        Buffer.from(`{"code":"${code}","answers":{},"comment":"`),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('"}'),
      ]);
      const response = await fetch(`${runtime.url}/v1/ratings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: bytes,
      });
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect([response.status, body.error.code, body.error.message]).toEqual([
        400,
        'malformed_body',
        'the body is not valid UTF-8',
      ]);
    });

    it('names the field at fault and ignores no unknown field', async () => {
      const wrongType = await call(runtime, 'POST', '/v1/ratings', {
        body: { code, answers: { 'staff.polite': 'five' } },
      });
      expect(wrongType.status).toBe(400);
      expect(wrongType.body.error.details.map((d: { field: string }) => d.field)).toContain(
        'answers.staff.polite',
      );
      const unknown = await call(runtime, 'POST', '/v1/ratings', {
        body: { code, answers: VALID_ANSWERS, isAdmin: true },
      });
      expect(unknown.status).toBe(400);
      expect(JSON.stringify(unknown.body.error.details)).toContain('isAdmin');
    });

    it('answers a wrong content type with 415 naming what to send', async () => {
      const response = await call(runtime, 'POST', '/v1/ratings', {
        raw: JSON.stringify({ code, answers: VALID_ANSWERS }),
        headers: { 'content-type': 'text/plain' },
      });
      expect(response.status).toBe(415);
      expect(response.body.error.message).toContain('application/json');
    });
  });

  describe('headers', () => {
    /** One raw HTTP/1.1 exchange, for what fetch refuses to send. */
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const { port } = new URL(runtime.url);
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
        let data = '';
        socket.on('data', (chunk) => {
          data += chunk.toString('latin1');
        });
        socket.on('end', () => resolve(data));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
      });

    it('refuses CR/LF smuggled into headers and stays up', async () => {
      const answers = await Promise.all([
        raw(
          'GET /v1/openapi.json HTTP/1.1\r\nHost: x\r\nX-Test: a\rSet-Cookie: owned=1\r\nConnection: close\r\n\r\n',
        ),
        raw('GET /v1/openapi.json HTTP/1.1\r\nHost: x\r\nX-Test: a\nInjected: 1\r\n\r\n'),
        raw(
          'GET /v1/openapi.json HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
        ),
      ]);
      for (const answer of answers) {
        expect(answer).toMatch(/^HTTP\/1\.1 400/);
        expect(answer.toLowerCase()).not.toContain('set-cookie: owned');
      }
      expect((await call(runtime, 'GET', '/v1/openapi.json')).status).toBe(200);
    });

    it('never reflects request input into response headers', async () => {
      // the form's redirect is the one place input reaches a header: the code is encoded, the language an enum
      const form = new URLSearchParams({ code: `${code}`, 'a.staff.polite': '5', lang: 'en' }).toString();
      const ok = await call(runtime, 'POST', '/v1/ratings', {
        raw: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(ok.status).toBe(303);
      expect(ok.headers.get('location')).toBe(`/s/${encodeURIComponent(code)}/thanks?lang=en`);
      const injected = new URLSearchParams({
        code,
        'a.staff.polite': '5',
        lang: 'en\r\nSet-Cookie: owned=1',
      }).toString();
      const refused = await call(runtime, 'POST', '/v1/ratings', {
        raw: injected,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('set-cookie')).toBeNull();
      expect(refused.headers.get('location')).toBeNull();
    });
  });
});
