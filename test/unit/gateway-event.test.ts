import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { buildEvent, matchRoute } from '../../infra/local/gateway';

function request(headers: Record<string, string>, method = 'POST'): IncomingMessage {
  return {
    headers,
    method,
    httpVersion: '1.1',
    socket: { remoteAddress: '127.0.0.1' },
  } as unknown as IncomingMessage;
}

describe('local gateway events (API Gateway HTTP API, payload 2.0)', () => {
  it('matches the most specific route and decodes path parameters', () => {
    expect(matchRoute('GET', '/v1/units/phuc-xa/index')).toMatchObject({
      route: { path: '/v1/units/{unitId}/index' },
      params: { unitId: 'phuc-xa' },
    });
    expect(matchRoute('GET', '/s/a%7Eb.1.x')?.params).toEqual({ code: 'a~b.1.x' });
    expect(matchRoute('DELETE', '/v1/units/x')).toBeUndefined();
  });

  it('builds the event a Lambda behind the HTTP API receives', () => {
    const { route, params } = matchRoute('POST', '/v1/ratings')!;
    const url = new URL('http://127.0.0.1:3000/v1/ratings?x=1&x=2&lang=en');
    const event = buildEvent({
      request: request({
        host: '127.0.0.1:3000',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: 'a=1; b=2',
      }),
      route,
      params,
      url,
      body: Buffer.from('a.staff.polite=5'),
      claims: { sub: 'u1', 'cognito:groups': '[admin]' },
    });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /v1/ratings',
      rawPath: '/v1/ratings',
      rawQueryString: 'x=1&x=2&lang=en',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { x: '1,2', lang: 'en' },
      requestContext: {
        http: { method: 'POST', path: '/v1/ratings' },
        stage: '$default',
        authorizer: { jwt: { claims: { 'cognito:groups': '[admin]' } } },
      },
      isBase64Encoded: true,
    });
    expect(event.headers.cookie).toBeUndefined();
    expect(Buffer.from(event.body!, 'base64').toString()).toBe('a.staff.polite=5');
  });

  it('passes JSON bodies as text', () => {
    const { route, params } = matchRoute('POST', '/v1/ratings')!;
    const event = buildEvent({
      request: request({ 'content-type': 'application/json; charset=utf-8' }),
      route,
      params,
      url: new URL('http://127.0.0.1/v1/ratings'),
      body: Buffer.from('{"a":1}'),
    });
    expect(event).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });
});
