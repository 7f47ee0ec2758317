import { $ZodError } from 'zod/v4/core';

/**
 * Typed errors of the domain. Exactly one module (http/errors-to-http.ts) maps them to HTTP, by
 * class; messages of these errors are written for the client and never carry internals.
 */
export interface FieldIssue {
  /** where in the input, as a dotted path: `answers.staff.polite`, `body`, `code` */
  field: string;
  message: string;
}

/**
 * A zod error's issues as the fields at fault. A key the schema does not know is named itself
 * (`x`, not the object holding it); an issue with the whole input is put on `root` (`body`,
 * `query`).
 */
export function fieldIssues(error: $ZodError, root: string): FieldIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'not a known field' }))
      : [{ field: issue.path.join('.') || root, message: issue.message }],
  );
}

export abstract class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(
    message: string,
    readonly issues: FieldIssue[],
  ) {
    super(message);
  }
}

export class MalformedBodyError extends DomainError {}
export class UnsupportedMediaTypeError extends DomainError {}
export class PayloadTooLargeError extends DomainError {}
export class UnauthorizedError extends DomainError {}
export class ForbiddenError extends DomainError {}
export class NotFoundError extends DomainError {}
export class ConflictError extends DomainError {}

/** A QR code that was valid once but whose key version has been retired. */
export class GoneError extends DomainError {}

export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A dependency (DynamoDB, SNS) is down or throttling; the client should retry later. */
export class ServiceUnavailableError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * Parses what the service itself stored or was configured with: a stored item, the QR key set.
 * A mismatch there is the service's fault, not the client's, so it must not surface as a ZodError
 * (which the HTTP layer answers with 400, blaming the request): it becomes a plain Error, a 500
 * that says nothing to the client and counts as a server error in the alarms.
 */
export function parseInternal<T>(schema: { parse(value: unknown): T }, value: unknown, what: string): T {
  try {
    return schema.parse(value);
  } catch (error) {
    if (!(error instanceof $ZodError)) throw error;
    const issues = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`${what} is not valid: ${issues.join('; ')}`);
  }
}
