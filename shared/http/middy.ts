import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../logger';
import { correlationIdOf } from '../observability';
import { errorBody, toHttpError } from './errors-to-http';
import { html, json } from './responses';
import type { HttpEvent, HttpHandler, HttpResult } from './types';

export interface HttpHandlerOptions {
  /** renders an error as a page for routes that a browser opens; JSON otherwise */
  errorPage?: (event: HttpEvent, error: ReturnType<typeof toHttpError>) => string | undefined;
  /** told of every refusal below 500 (the rating handler counts them as RatingRejected) */
  onRefused?: (error: ReturnType<typeof toHttpError>) => void;
}

/**
 * The one middy stack of every HTTP function: a request id and a correlation id on every answer
 * and every log line, and every error mapped to the contract's JSON error (or a page) in one
 * place. Messages reach the client only below 500.
 */
export function httpHandler(handler: HttpHandler, options: HttpHandlerOptions = {}) {
  return middy<HttpEvent, HttpResult, Error, Context>()
    .use({
      before: (request) => {
        const requestId = request.event.requestContext?.requestId;
        const correlationId = correlationIdOf(request.event.headers, requestId);
        logger.appendKeys({ requestId, correlationId, route: request.event.routeKey });
      },
      after: (request) => {
        if (request.response) {
          const requestId = request.event.requestContext?.requestId;
          request.response.headers['x-request-id'] = requestId ?? '';
          request.response.headers['x-correlation-id'] = correlationIdOf(request.event.headers, requestId);
        }
        logger.resetKeys();
      },
      onError: (request) => {
        const error = toHttpError(request.error);
        if (error.status === 503) {
          // An outage answers every request with 503: one line each, without a stack, is enough
          // (the 5xx alarm counts them).
          logger.warn('dependency unavailable', { status: error.status, code: error.code });
        } else if (error.status >= 500) {
          logger.error('request failed', { error: request.error as Error });
        } else {
          logger.info('request refused', { status: error.status, code: error.code });
          options.onRefused?.(error);
        }
        const page = options.errorPage?.(request.event, error);
        const requestId = request.event.requestContext?.requestId;
        const headers = {
          ...error.headers,
          'x-request-id': requestId ?? '',
          'x-correlation-id': correlationIdOf(request.event.headers, requestId),
        };
        request.response = page
          ? html(error.status, page, headers)
          : json(error.status, errorBody(error), headers);
        logger.resetKeys();
      },
    })
    .handler(handler);
}
