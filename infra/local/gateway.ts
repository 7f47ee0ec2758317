import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '../../shared/http/types';
import { FUNCTIONS, type FunctionName, ROUTES, type RouteSpec, routeKey } from '../../shared/routes';

/**
 * A stand-in for API Gateway's HTTP API: it turns real HTTP requests into payload-2.0 events,
 * runs the JWT check on officials' routes, invokes the same handlers the cloud runs, and writes
 * their results back. Where API Gateway answers by itself (no route, bad token, body over
 * 10 MB, a function past its time limit), it answers the same way.
 */
export type LocalHandler = (event: HttpEvent, context: Context) => Promise<HttpResult | undefined>;

export interface GatewayOptions {
  port: number;
  handlers: Partial<Record<FunctionName, LocalHandler>>;
  /** verifies an Authorization header; the claims, or undefined if the token is missing or invalid */
  verifyToken: (authorization: string | undefined) => Promise<Record<string, string> | undefined>;
  /** routes served only by the local runtime (the development sign-in page) */
  extraRoutes?: readonly LocalRoute[];
  /** a function's time limit; its `timeoutSeconds` in shared/routes.ts unless given (tests) */
  timeoutMs?: (name: FunctionName) => number;
}

export interface LocalRoute {
  method: string;
  path: string;
  handle: (
    request: IncomingMessage,
    body: Buffer,
  ) => Promise<{ status: number; headers: Record<string, string>; body: string }>;
}

const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;

/** API Gateway passes these as text; every other body reaches Lambda base64-encoded. */
const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]+\+json|xml|javascript)\b)/i;

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  names: string[];
  /** more literal segments first, like API Gateway's most-specific match */
  literalSegments: number;
}

function compile(spec: RouteSpec): CompiledRoute {
  const names: string[] = [];
  const segments = spec.path.split('/').filter(Boolean);
  const pattern = segments
    .map((segment) =>
      segment.replace(/\{(\w+)\}|[^{}]+/g, (match, name: string | undefined) => {
        if (name) {
          names.push(name);
          return '([^/]+)';
        }
        return match.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }),
    )
    .join('/');
  return {
    spec,
    pattern: new RegExp(`^/${pattern}$`),
    names,
    literalSegments: segments.filter((s) => !s.includes('{')).length,
  };
}

const COMPILED = ROUTES.map(compile).sort((a, b) => b.literalSegments - a.literalSegments);

export function matchRoute(
  method: string,
  path: string,
): { route: RouteSpec; params: Record<string, string> } | undefined {
  for (const compiled of COMPILED) {
    if (compiled.spec.method !== method) continue;
    const match = compiled.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    compiled.names.forEach((name, i) => {
      params[name] = safeDecode(match[i + 1]!);
    });
    return { route: compiled.spec, params };
  }
  return undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > API_GATEWAY_MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function buildEvent(input: {
  request: IncomingMessage;
  route: RouteSpec;
  params: Record<string, string>;
  url: URL;
  body: Buffer;
  claims?: Record<string, string>;
}): HttpEvent {
  const { request, route, params, url, body, claims } = input;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = request.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  // A "text" body that is not UTF-8 goes base64-encoded, bytes intact: turned into a string here it
  // would have its bad bytes silently replaced, and the handler's strict decoding could not refuse it.
  const isText = body.length === 0 || (TEXT_TYPES.test(contentType) && isUtf8(body));
  const now = new Date();
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(params).length ? { pathParameters: params } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: routeKey(route),
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
    } as HttpEvent['requestContext'],
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

function lambdaContext(functionName: FunctionName, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: String(FUNCTIONS[functionName].memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function send(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
) {
  response.writeHead(status, headers);
  response.end(body);
}

const gatewayJson = (message: string) => JSON.stringify({ message });

const TIMED_OUT = Symbol('timed out');

/**
 * The handler's result, or TIMED_OUT once its time limit has passed, as Lambda stops a function
 * there. Locally it cannot be stopped: it runs on, and whatever it answers later is dropped.
 */
async function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startGateway(
  options: GatewayOptions,
): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(request);
      if (body === 'too-large')
        return send(
          response,
          413,
          { 'content-type': 'application/json' },
          gatewayJson('Request Entity Too Large'),
        );
      const extra = options.extraRoutes?.find((r) => r.method === request.method && r.path === url.pathname);
      if (extra) {
        const result = await extra.handle(request, body);
        return send(response, result.status, result.headers, result.body);
      }
      const matched = matchRoute(request.method ?? 'GET', url.pathname);
      const handler = matched && options.handlers[matched.route.function];
      if (!matched || !handler)
        return send(response, 404, { 'content-type': 'application/json' }, gatewayJson('Not Found'));
      let claims: Record<string, string> | undefined;
      if (matched.route.auth === 'official') {
        claims = await options.verifyToken(request.headers.authorization);
        if (!claims) {
          return send(
            response,
            401,
            { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
            gatewayJson('Unauthorized'),
          );
        }
      }
      const event = buildEvent({
        request,
        route: matched.route,
        params: matched.params,
        url,
        body,
        ...(claims ? { claims } : {}),
      });
      const name = matched.route.function;
      const timeoutMs = options.timeoutMs?.(name) ?? FUNCTIONS[name].timeoutSeconds * 1000;
      const context = lambdaContext(name, timeoutMs);
      const work = handler(event, context);
      const result = await within(work, timeoutMs);
      if (result === TIMED_OUT) {
        // Lambda's own line, then API Gateway's answer to a function that failed.
        work.catch(() => undefined);
        const seconds = (timeoutMs / 1000).toFixed(2);
        console.error(`${context.awsRequestId} Task timed out after ${seconds} seconds (${name})`);
        return send(
          response,
          500,
          { 'content-type': 'application/json' },
          gatewayJson('Internal Server Error'),
        );
      }
      if (!result)
        return send(
          response,
          502,
          { 'content-type': 'application/json' },
          gatewayJson('Internal Server Error'),
        );
      const headers: Record<string, string | string[]> = { ...result.headers };
      if (result.cookies?.length) headers['set-cookie'] = result.cookies;
      response.writeHead(result.statusCode, headers);
      response.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
    } catch {
      // A handler that throws is a Lambda error: API Gateway answers 500 without details.
      if (!response.headersSent)
        send(response, 500, { 'content-type': 'application/json' }, gatewayJson('Internal Server Error'));
      else response.destroy();
    }
  });
  // Longer than any client's idle timeout (undici keeps idle sockets 4 s), so the client always
  // closes an idle connection first: a server that closes it first races a request being sent on
  // it, and that request dies with ECONNRESET (seen under load at 5 s on a busy machine).
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
