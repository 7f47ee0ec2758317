import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { FUNCTIONS } from '../shared/routes';
import { type BenchOutput, finish, isQuick, median, type Row, row } from './support/report';

/**
 * Bundle size and module-load time per function, bundled as the CDK construct bundles them
 * (infra/constructs/sipas-function.ts), beside a minimal handler that only creates a DynamoDB
 * client, bundled the same way. Load time is `await import(bundle)` in a fresh node process (the
 * init phase of a cold start, less the runtime's own bootstrap), median of several processes.
 */
const ROOT = join(import.meta.dirname, '..');
// Under node_modules, so an external @aws-sdk/* resolves from the project as it does from the
// Lambda runtime's own copy.
const OUT = join(ROOT, 'node_modules', '.cache', 'sipas-bench', 'cold-start');
const BANNER = "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

const CDK_SETTINGS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  // as infra/constructs/sipas-function.ts: the SDK's clients external, util-dynamodb bundled
  external: ['@aws-sdk/client-*'],
  banner: { js: BANNER },
  mainFields: ['module', 'main'],
  logLevel: 'error',
};

/** What a handler needs at import: configuration (read at cold start), no network. */
const ENV = {
  ...process.env,
  STAGE: 'bench',
  TABLE_NAME: 'bench',
  AWS_REGION: 'ap-southeast-1',
  QR_SECRET_ARN: 'arn:aws:secretsmanager:ap-southeast-1:000000000000:secret:bench',
  // set by Lambda; the QR keys are read through the secrets extension with it (never at import)
  AWS_SESSION_TOKEN: 'bench',
  ALERTS_TOPIC_ARN: 'arn:aws:sns:ap-southeast-1:000000000000:bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_DEV: 'false',
};

async function bundle(name: string, entry: string, options: BuildOptions = {}): Promise<string> {
  const dir = join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, options.format === 'cjs' ? 'index.cjs' : 'index.mjs');
  await build({ ...CDK_SETTINGS, entryPoints: [entry], outfile, ...options });
  return outfile;
}

/** Milliseconds to import the bundle, in a fresh process each time. */
function loadTimes(file: string, runs: number, nodeArgs: string[] = []): number[] {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  return Array.from({ length: runs }, () =>
    Number(
      execFileSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], {
        env: ENV,
        encoding: 'utf8',
      }),
    ),
  );
}

export async function benchColdStart(quick: boolean): Promise<BenchOutput> {
  const runs = quick ? 5 : 11;
  const minimalEntry = join(OUT, 'minimal-source.mjs');
  mkdirSync(OUT, { recursive: true });
  writeFileSync(
    minimalEntry,
    "import{DynamoDBClient}from'@aws-sdk/client-dynamodb';const client=new DynamoDBClient({});export const handler=async()=>({statusCode:200,body:String(!!client)});\n",
  );
  // The rating handler used to be shown beside a minimal handler with a Secrets Manager client as
  // well; it now reads the QR keys through the Parameters and Secrets extension over HTTP
  // (shared/qr/key-provider.ts), so the DynamoDB-only handler is its floor.
  const minimal = await bundle('minimal', minimalEntry);
  const rows: Row[] = [];
  const notes: string[] = [];

  // Every bundle first, then the timing runs round-robin, so a busy moment of a shared machine
  // weighs on all of them alike instead of on whichever was being measured.
  const ratingEntry = join(ROOT, FUNCTIONS.submitRating.entry);
  const targets: { name: string; file: string; nodeArgs: string[]; isRating: boolean; variant: boolean }[] = [
    { name: 'minimal (DynamoDB client only)', file: minimal, nodeArgs: [], isRating: false, variant: false },
  ];
  for (const [name, spec] of Object.entries(FUNCTIONS)) {
    const entry = join(ROOT, spec.entry);
    if (!existsSync(entry)) {
      notes.push(`${name}: ${spec.entry} does not exist yet, skipped`);
      continue;
    }
    targets.push({
      name,
      file: await bundle(name, entry),
      nodeArgs: [],
      isRating: name === 'submitRating',
      variant: false,
    });
  }
  // The choices, measured on the rating handler: SDK bundled or not, ESM or CommonJS, source maps.
  const variants: [string, BuildOptions, string[]][] = [
    ['ESM, SDK bundled', { external: [] }, []],
    ['CJS, SDK external', { format: 'cjs', banner: {}, mainFields: ['main', 'module'] }, []],
    ['ESM, SDK external, --enable-source-maps', { sourcemap: true }, ['--enable-source-maps']],
  ];
  for (const [label, options, nodeArgs] of variants) {
    const file = await bundle(`submitRating-${label.replace(/\W+/g, '-')}`, ratingEntry, options);
    targets.push({ name: `submitRating (${label})`, file, nodeArgs, isRating: false, variant: true });
  }
  writeFileSync(join(OUT, 'empty.mjs'), '');
  targets.push({
    name: 'empty module',
    file: join(OUT, 'empty.mjs'),
    nodeArgs: [],
    isRating: false,
    variant: true,
  });
  const times = new Map(targets.map((t) => [t.name, [] as number[]]));
  for (let run = 0; run < runs; run++) {
    for (const target of targets) times.get(target.name)!.push(...loadTimes(target.file, 1, target.nodeArgs));
  }
  const minimalMs = median(times.get(targets[0]!.name)!);
  for (const target of targets) {
    const ms = median(times.get(target.name)!);
    const kb = statSync(target.file).size / 1024;
    if (target === targets[0]) {
      rows.push(row({ bench: 'cold start', measure: `${target.name} load`, value: ms, unit: 'ms' }));
      continue;
    }
    rows.push(
      row({
        bench: 'cold start',
        measure: `${target.name} load`,
        value: ms,
        unit: 'ms',
        floor: { label: 'minimal', value: minimalMs },
        ...(target.isRating ? { target: { op: '<=' as const, value: 1.3 } } : {}),
      }),
    );
    if (target.name === 'empty module') continue;
    rows.push(
      row({
        bench: 'cold start',
        measure: `${target.name} bundle${target.variant ? '' : ' (SDK external)'}`,
        value: kb,
        unit: 'KB',
        ...(target.isRating
          ? { floor: { label: 'budget', value: 150 }, target: { op: '<=' as const, value: 1 } }
          : {}),
      }),
    );
  }
  notes.push(
    `node ${process.version} here; Lambda runs nodejs22.x, so absolute figures differ, ratios much less`,
  );
  return {
    bench: 'cold start',
    settings: { runs, esbuild: { ...CDK_SETTINGS, banner: 'createRequire' } },
    rows,
    notes,
  };
}

if (process.argv[1]?.endsWith('cold-start.ts')) finish(await benchColdStart(isQuick()));
