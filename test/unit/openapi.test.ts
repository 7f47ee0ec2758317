import { describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../shared/api/openapi';
import { ROUTES } from '../../shared/routes';

describe('the OpenAPI document', () => {
  // biome-ignore lint/suspicious/noExplicitAny: the test walks a JSON document
  const document = buildOpenApi() as { paths: Record<string, Record<string, any>> };

  it('describes every route of the route table, and only those', () => {
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('takes request bodies and parameters from the zod schemas', () => {
    const post = document.paths['/v1/ratings']!.post;
    const schema = post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['code', 'answers']));
    expect(schema.properties.comment.maxLength).toBe(1000);
    const index = document.paths['/v1/units/{unitId}/index']!.get;
    expect(index.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:unitId',
      'query:period',
    ]);
  });

  it('marks officials’ routes as needing a bearer token', () => {
    for (const route of ROUTES) {
      const operation = document.paths[route.path]![route.method.toLowerCase()];
      expect(operation.security !== undefined, `${route.method} ${route.path}`).toBe(
        route.auth === 'official',
      );
      // only an official's route has an authorizer to answer 401
      expect('401' in operation.responses, `${route.method} ${route.path}`).toBe(route.auth === 'official');
    }
  });

  it('gives API Gateway’s own answers its shape: throttling, a failed function', () => {
    const responses = document.paths['/v1/ratings']!.post.responses;
    const schemaOf = (status: string) => JSON.stringify(responses[status].content['application/json'].schema);
    expect(schemaOf('429')).toContain('GatewayError');
    expect(schemaOf('429')).toContain('#/components/schemas/Error');
    // a handler's own 500 (code internal) or API Gateway's, when a function failed or timed out
    expect(schemaOf('500')).toBe(schemaOf('429'));
    expect(schemaOf('400')).toBe(JSON.stringify({ $ref: '#/components/schemas/Error' }));
  });

  it('lists every success a route answers with, and the gone QR code', () => {
    const ratings = document.paths['/v1/ratings']!.post.responses;
    expect(Object.keys(ratings)).toEqual(expect.arrayContaining(['200', '201', '303', '410', '429']));
    expect(ratings['200'].content).toEqual(ratings['201'].content);
    expect(ratings['303'].headers).toHaveProperty('Location');
    const unit = document.paths['/v1/units/{unitId}']!.put.responses;
    expect(unit['201'].content).toEqual(unit['200'].content);
    // only the routes a retired poster's code reaches answer 410
    expect(Object.keys(document.paths['/s/{code}']!.get.responses)).toContain('410');
    expect(Object.keys(unit)).not.toContain('410');
  });
});
