import { $ZodError } from 'zod/v4/core';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  fieldIssues,
  GoneError,
  MalformedBodyError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors';

export interface HttpError {
  status: number;
  code: string;
  message: string;
  details?: { field: string; message: string }[];
  headers: Record<string, string>;
}

const BY_CLASS: [new (...args: never[]) => DomainError, number, string][] = [
  [ValidationError, 400, 'invalid_input'],
  [MalformedBodyError, 400, 'malformed_body'],
  [UnauthorizedError, 401, 'unauthorized'],
  [ForbiddenError, 403, 'forbidden'],
  [NotFoundError, 404, 'not_found'],
  [ConflictError, 409, 'conflict'],
  [GoneError, 410, 'gone'],
  [PayloadTooLargeError, 413, 'payload_too_large'],
  [UnsupportedMediaTypeError, 415, 'unsupported_media_type'],
  [RateLimitedError, 429, 'rate_limited'],
  [ServiceUnavailableError, 503, 'unavailable'],
];

/** The one place where errors become HTTP statuses. Anything unknown is a 500 that says nothing. */
export function toHttpError(error: unknown): HttpError {
  // $ZodError, the core class: both classic and zod/mini schemas throw one (shared/api/core-schemas.ts)
  if (error instanceof $ZodError) {
    return {
      status: 400,
      code: 'invalid_input',
      message: 'the request is not valid',
      details: fieldIssues(error, 'body'),
      headers: {},
    };
  }
  if (error instanceof DomainError) {
    const entry = BY_CLASS.find(([type]) => error instanceof type);
    if (entry) {
      const [, status, code] = entry;
      const headers: Record<string, string> = {};
      if (error instanceof RateLimitedError || error instanceof ServiceUnavailableError) {
        headers['retry-after'] = String(error.retryAfterSeconds);
      }
      if (error instanceof UnauthorizedError) headers['www-authenticate'] = 'Bearer';
      return {
        status,
        code,
        message: error.message,
        ...(error instanceof ValidationError ? { details: error.issues } : {}),
        headers,
      };
    }
  }
  return { status: 500, code: 'internal', message: 'something went wrong on our side', headers: {} };
}

export function errorBody(error: HttpError) {
  return {
    error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
  };
}
