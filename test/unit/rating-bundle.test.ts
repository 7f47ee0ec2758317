import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../shared/routes';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * The rating function's cold start depends on classic zod staying off its import graph
 * (bench/README.md, "Cold start"): one classic import anywhere on the path brings all ≈ 90 KB back.
 * And zod/mini has no messages of its own: inside the test process classic zod is loaded by other
 * modules and registers English for everyone, which would hide a missing shared/zod-locale.ts, so
 * the messages are checked in a fresh process running the bundle alone.
 */
describe('the rating function bundle', () => {
  /** Bundled as infra/constructs/sipas-function.ts bundles it: the SDK's clients external. */
  const bundleMeta = async () =>
    (
      await build({
        entryPoints: [join(ROOT, FUNCTIONS.submitRating.entry)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        external: ['@aws-sdk/client-*'],
        mainFields: ['module', 'main'],
        write: false,
        metafile: true,
        logLevel: 'error',
      })
    ).metafile;

  it('imports no classic zod', async () => {
    const inputs = Object.keys((await bundleMeta()).inputs);
    expect(inputs.some((path) => path.includes('node_modules/zod/v4/mini/'))).toBe(true);
    expect(inputs.filter((path) => path.includes('node_modules/zod/v4/classic/'))).toEqual([]);
  });

  it('loads only the DynamoDB client from the SDK: no document client, marshalling bundled', async () => {
    // Each external package is one more module the runtime loads at a cold start: the document
    // client alone was ≈ 0.1× of a minimal handler's load time, util-dynamodb as an external
    // package about as much (issue 8, bench/cold-start.ts).
    const meta = await bundleMeta();
    const external = Object.values(meta.outputs).flatMap((output) =>
      output.imports.filter((imported) => imported.external && imported.path.startsWith('@aws-sdk/')),
    );
    expect([...new Set(external.map((imported) => imported.path))]).toEqual(['@aws-sdk/client-dynamodb']);
    // and nothing of the SDK bundled but util-dynamodb (the document client would bring its core along)
    const bundled = Object.keys(meta.inputs).flatMap(
      (path) => /node_modules\/(@aws-sdk\/[^/]+)\//.exec(path)?.[1] ?? [],
    );
    expect([...new Set(bundled)]).toEqual(['@aws-sdk/util-dynamodb']);
  });

  it('gives the English messages, with the field paths, without classic zod in the process', async () => {
    const result = await build({
      stdin: {
        contents:
          "import { RatingSubmission } from './shared/api/core-schemas';\n" +
          "const r = RatingSubmission.safeParse({ code: '', answers: { 'x.y': 11 }, lang: 'fr', extra: 1 });\n" +
          "console.log(JSON.stringify(r.error.issues.map((i) => [i.path.join('.'), i.message])));\n",
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      logLevel: 'error',
    });
    const output = execFileSync(process.execPath, ['--input-type=module', '-'], {
      input: result.outputFiles[0]!.text,
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual([
      ['code', 'Too small: expected string to have >=1 characters'],
      ['answers.x.y', 'Too big: expected number to be <=10'],
      ['lang', 'Invalid option: expected one of "vi"|"en"'],
      ['', 'Unrecognized key: "extra"'],
    ]);
  });
});
