import type * as z from 'zod';
import type * as zm from 'zod/mini';
import { $ZodError } from 'zod/v4/core';
import {
  fieldIssues,
  MalformedBodyError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors';
import type { HttpEvent } from './types';

/** classic or zod/mini (the citizen's core schemas are mini: shared/api/core-schemas.ts) */
type Schema<T = unknown> = z.ZodType<T> | zm.ZodMiniType<T>;

export type BodyKind = 'json' | 'form' | 'csv';

const MEDIA_TYPES: Record<string, BodyKind> = {
  'application/json': 'json',
  'application/x-www-form-urlencoded': 'form',
  'text/csv': 'csv',
};

export function mediaTypeOf(event: HttpEvent): string | undefined {
  return event.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
}

/**
 * The raw body as text, after checking its size before anything parses it (413) and its media
 * type against what the route accepts (415). Invalid UTF-8 is refused, not silently replaced.
 */
export function readBody(
  event: HttpEvent,
  accepted: readonly BodyKind[],
  maxBytes: number,
): { kind: BodyKind; text: string } {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(`the body is larger than ${maxBytes} bytes`);
  const kind = MEDIA_TYPES[mediaTypeOf(event) ?? ''];
  if (!kind || !accepted.includes(kind)) {
    throw new UnsupportedMediaTypeError(
      `send ${accepted.map((k) => Object.keys(MEDIA_TYPES).find((t) => MEDIA_TYPES[t] === k)).join(' or ')}`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MalformedBodyError('the body is not valid UTF-8');
  }
  return { kind, text };
}

/** JSON nesting deeper than this is refused before JSON.parse builds it. */
const MAX_DEPTH = 32;

export function parseJson(text: string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > MAX_DEPTH) throw new MalformedBodyError('the JSON is nested too deeply');
    } else if (c === '}' || c === ']') depth--;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedBodyError('the body is not valid JSON');
  }
}

export function parseForm(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) fields[name] = value;
  return fields;
}

/** The query string parsed by `schema`; a bad one is a 400 naming each parameter at fault. */
export function queryParams<S extends z.ZodType>(event: HttpEvent, schema: S): z.output<S> {
  try {
    return schema.parse(event.queryStringParameters ?? {});
  } catch (error) {
    if (error instanceof $ZodError)
      throw new ValidationError('the query string is not valid', fieldIssues(error, 'query'));
    throw error;
  }
}

/** A path parameter, validated by `schema` if given; a bad value is a 400 naming the parameter. */
export function pathParam(event: HttpEvent, name: string, schema?: Schema<string>): string {
  const value = event.pathParameters?.[name];
  if (value === undefined)
    throw new ValidationError(`missing ${name}`, [{ field: name, message: 'required' }]);
  if (!schema) return value;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError(`invalid ${name}`, [
      { field: name, message: parsed.error.issues[0]?.message ?? 'invalid' },
    ]);
  }
  return parsed.data;
}
