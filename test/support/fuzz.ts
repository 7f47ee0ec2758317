import fc from 'fast-check';

/**
 * Hostile input for the API: strings that break parsers, lookups and pages; values of every type;
 * bodies that are deep, huge, not UTF-8, or in the wrong format. Used by the fuzzing tests only.
 */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '../../etc/passwd',
    '%00',
    '\u0000',
    '\ud800',
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection payload, sent as text
    '${jndi:ldap://x/a}',
    '__proto__',
    'constructor',
    'RATING#S#x',
    'UNIT#x',
    'a'.repeat(65),
    '0912 345 678',
    '9'.repeat(400),
    'Phường Phúc Xá',
    'NaN',
    '-1',
    '1e309',
  ),
  fc.integer({ min: 1_000, max: 14_000 }).map((length) => 'x'.repeat(length)),
);

export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nastyString, { maxLength: 4 }),
  fc.dictionary(nastyString, nastyString, { maxKeys: 4 }),
  fc.anything({ maxDepth: 3 }),
);

/** A header value a client can send (no CR/LF: those are refused by the HTTP layer and tested with a raw socket). */
export const headerValue: fc.Arbitrary<string> = fc
  .string({ unit: 'binary-ascii', maxLength: 60 })
  .map((value) => value.replace(/[^\x20-\x7e]/g, ''));

export const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/x-www-form-urlencoded',
  'text/csv',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/vnd.api+json',
  '',
  'json',
  ';;;',
);

export type RawBody = string | Uint8Array;

/** Bodies in every wrong shape; `valid` is a body the route accepts, mutated by some of them. */
export function bodyArbitrary(
  valid: Record<string, unknown>,
  fields: readonly string[],
): fc.Arbitrary<RawBody> {
  const mutated = fc
    .tuple(
      fc.dictionary(fc.constantFrom(...(fields.length ? fields : ['x'])), nastyValue, { maxKeys: 3 }),
      fc.option(fc.tuple(nastyString, nastyValue), { nil: undefined }),
    )
    .map(([changes, unknown]) =>
      JSON.stringify({ ...valid, ...changes, ...(unknown ? { [unknown[0] || 'extra']: unknown[1] } : {}) }),
    );
  return fc.oneof(
    { weight: 4, arbitrary: mutated },
    fc.json({ maxDepth: 4 }),
    fc.anything({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
    fc.integer({ min: 20, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
    fc.integer({ min: 20, max: 2_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
    fc.uint8Array({ minLength: 1, maxLength: 300 }),
    // valid JSON around bytes that are not UTF-8
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => {
      const invalid = Uint8Array.from([...bytes, 0xff, 0xc3]);
      return Buffer.concat([Buffer.from('{"code":"'), invalid, Buffer.from('"}')]);
    }),
    fc
      .dictionary(nastyString, nastyString, { maxKeys: 5 })
      .map((fields) => new URLSearchParams(fields).toString()),
    fc
      .array(fc.array(nastyString, { maxLength: 5 }), { maxLength: 5 })
      .map((rows) => rows.map((r) => r.join(',')).join('\n')),
    fc.constantFrom(
      '',
      'null',
      '[]',
      '{}',
      '"string"',
      '1',
      'true',
      '{"__proto__":{"admin":true}}',
      '{"a":1,"a":2}',
    ),
  );
}
