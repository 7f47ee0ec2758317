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
  it('imports no classic zod', async () => {
    const result = await build({
      entryPoints: [join(ROOT, FUNCTIONS.submitRating.entry)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      external: ['@aws-sdk/*'],
      mainFields: ['module', 'main'],
      write: false,
      metafile: true,
      logLevel: 'error',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('node_modules/zod/v4/mini/'))).toBe(true);
    expect(inputs.filter((path) => path.includes('node_modules/zod/v4/classic/'))).toEqual([]);
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
