import { buildOpenApi } from '../../shared/api/openapi';

// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema is walked as plain JSON
type Schema = Record<string, any>;

const document = buildOpenApi() as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
};

/**
 * Where a JSON answer departs from the schema the OpenAPI document gives for its route and status,
 * as `path: problem` lines (none when it conforms). The subset of OpenAPI 3.0 schemas that
 * shared/api/openapi.ts emits: $ref, type, nullable, enum, const, properties, required,
 * additionalProperties, items, anyOf, oneOf, allOf. Closed objects matter most: a key the document
 * does not list is a key a generated client refuses.
 */
export function departures(method: string, pathTemplate: string, status: number, body: unknown): string[] {
  const operation = document.paths[pathTemplate]?.[method.toLowerCase()];
  if (!operation) return [`no operation ${method} ${pathTemplate} in the document`];
  const content = operation.responses[String(status)]?.content?.['application/json'];
  if (!content) return [`no JSON answer ${status} for ${method} ${pathTemplate} in the document`];
  // a JSON file whose shape the document leaves open (the document itself, an export)
  if (!content.schema) return [];
  const schema = content.schema;
  return check(schema, body, '$');
}

function resolve(schema: Schema): Schema {
  if (typeof schema.$ref !== 'string') return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = document.components.schemas[name];
  if (!target) throw new Error(`unresolved ${schema.$ref}`);
  return resolve(target);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function check(raw: Schema, value: unknown, at: string): string[] {
  const schema = resolve(raw);
  if (value === null && !schema.anyOf && !schema.oneOf && !schema.allOf) {
    const open = schema.type === undefined && schema.properties === undefined && schema.enum === undefined;
    return schema.nullable || open ? [] : [`${at}: null, not allowed`];
  }
  if (schema.allOf) return (schema.allOf as Schema[]).flatMap((part) => check(part, value, at));
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (!schema[key]) continue;
    const fits = (schema[key] as Schema[]).filter((option) => check(option, value, at).length === 0);
    if (fits.length === 0) return [`${at}: fits none of ${key}`];
    if (key === 'oneOf' && fits.length > 1) return [`${at}: fits ${fits.length} of oneOf`];
    return [];
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value))
    return [`${at}: ${JSON.stringify(value)} not in enum`];
  if ('const' in schema && schema.const !== value) return [`${at}: not ${JSON.stringify(schema.const)}`];
  const actual = typeOf(value);
  if (schema.type && schema.type !== actual && !(schema.type === 'number' && actual === 'integer'))
    return [`${at}: ${actual}, not ${schema.type}`];
  if (actual === 'array' && schema.items)
    return (value as unknown[]).flatMap((item, index) => check(schema.items, item, `${at}[${index}]`));
  if (actual !== 'object') return [];
  const object = value as Record<string, unknown>;
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const problems = ((schema.required ?? []) as string[])
    .filter((key) => !(key in object))
    .map((key) => `${at}.${key}: missing`);
  for (const [key, item] of Object.entries(object)) {
    if (properties[key]) problems.push(...check(properties[key], item, `${at}.${key}`));
    else if (schema.additionalProperties === false) problems.push(`${at}.${key}: not in the document`);
    else if (typeof schema.additionalProperties === 'object')
      problems.push(...check(schema.additionalProperties, item, `${at}.${key}`));
  }
  return problems;
}
