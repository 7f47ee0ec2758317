import * as z from 'zod';
import { ROUTES, type RouteSpec } from '../routes';
import { ErrorResponse } from './schemas';

type Json = Record<string, unknown>;

function schemaOf(schema: z.core.$ZodType, io: 'input' | 'output'): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
  }) as Json;
  return rest;
}

function parametersOf(route: RouteSpec): Json[] {
  const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const query = route.query ? schemaOf(route.query, 'input') : undefined;
  const properties = (query?.properties ?? {}) as Record<string, Json>;
  const required = new Set((query?.required as string[] | undefined) ?? []);
  const queryParameters = Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema,
  }));
  return [...pathParameters, ...queryParameters];
}

const ERRORS: Record<string, string> = {
  '400': 'Invalid input; details name the fields at fault',
  '401': 'Missing or invalid token; API Gateway\'s JWT authorizer answers it with {"message":"Unauthorized"}',
  '403': 'Outside your area',
  '404': 'Not found',
  '409': 'Conflict (a dossier already rated)',
  '413': 'Body too large',
  '415': 'Unsupported content type',
  '429': 'Rate limited; API Gateway\'s stage throttling answers it with {"message":"Too Many Requests"}',
  '500':
    'An unexpected failure: a handler\'s own (code internal, no details), or API Gateway\'s {"message":"Internal Server Error"} when a function failed or ran out of time',
  '503': 'Temporarily unavailable; retry after Retry-After seconds',
};

/** Statuses API Gateway itself may answer, in its own shape (GatewayError), and with which. */
const GATEWAY_MAY_ANSWER = new Set(['401', '429', '500']);

/** The routes a retired poster's QR code reaches, which answer it with 410. */
const TAKES_A_QR_CODE = new Set(['GET /s/{code}', 'POST /v1/ratings']);
const GONE = { '410': 'Gone (a QR code whose key version was retired)' };

/** The OpenAPI 3.0 document of the route table, generated from the same zod schemas the handlers validate with. */
export function buildOpenApi(routes: readonly RouteSpec[] = ROUTES): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const success = route.response.schema
      ? {
          description: 'OK',
          content: { 'application/json': { schema: schemaOf(route.response.schema, 'output') } },
        }
      : { description: 'OK', content: { [route.response.mediaType ?? 'application/octet-stream']: {} } };
    const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
    // API Gateway answers some statuses before any handler (its JWT authorizer, its stage
    // throttling), in its own shape, which an HTTP API does not let us change; a handler answering
    // the same status uses ours.
    const eitherContent = {
      'application/json': {
        schema: {
          oneOf: [{ $ref: '#/components/schemas/Error' }, { $ref: '#/components/schemas/GatewayError' }],
        },
      },
    };
    const operation: Json = {
      summary: route.summary,
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}/.]+(\w)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: parametersOf(route),
      responses: {
        [String(route.response.status)]: success,
        ...Object.fromEntries(
          (route.response.also ?? []).map(({ status, description }) => [
            String(status),
            status >= 300 && status < 400
              ? { description, headers: { Location: { schema: { type: 'string' } } } }
              : { ...success, description },
          ]),
        ),
        ...Object.fromEntries(
          Object.entries({
            ...ERRORS,
            ...(TAKES_A_QR_CODE.has(`${route.method} ${route.path}`) ? GONE : {}),
          })
            // a public route has no authorizer, and nothing else answers 401
            .filter(([status]) => status !== '401' || route.auth === 'official')
            .map(([status, description]) => [
              status,
              {
                description,
                content: GATEWAY_MAY_ANSWER.has(status) ? eitherContent : errorContent,
              },
            ]),
        ),
      },
      ...(route.auth === 'official' ? { security: [{ jwt: [] }] } : {}),
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(
          (route.accepts ?? ['application/json']).map((type) => [
            type,
            type === 'application/json' ? { schema: schemaOf(route.body!, 'input') } : {},
          ]),
        ),
      };
    }
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'sipas',
      version: '1',
      description:
        'SIPAS-style satisfaction index of public administrative services. See docs/methodology.md.',
    },
    paths,
    components: {
      schemas: {
        Error: schemaOf(ErrorResponse, 'output'),
        // API Gateway's own answers: 401 from the JWT authorizer, 429 from its throttling, 500 when a
        // function failed or timed out, 404 for a path or method no route has
        GatewayError: {
          type: 'object',
          properties: { message: { type: 'string' } },
          required: ['message'],
          additionalProperties: false,
        },
      },
      securitySchemes: { jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
