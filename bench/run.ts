import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchOutput, printTable } from './support/report';

/**
 * Runs every benchmark, each in a fresh process (handlers read their configuration once per
 * process, and a cold start must be cold), prints one table and writes bench/results.json.
 * `--quick` shortens each; `--only a,b` picks some of ALL. The load average is printed beside the
 * table: on a shared machine it says how much to trust the absolute figures (the ratios less so).
 */
const ALL = ['cold-start', 'ingestion', 'reads', 'close-day', 'national-night', 'survey-page'];
const quick = process.argv.includes('--quick');
const onlyIndex = process.argv.indexOf('--only');
const selected = onlyIndex >= 0 ? process.argv[onlyIndex + 1]!.split(',') : ALL;
const dir = mkdtempSync(join(tmpdir(), 'sipas-bench-'));

const loadBefore = loadavg();
const outputs: BenchOutput[] = [];
for (const name of selected) {
  const out = join(dir, `${name}.json`);
  const started = Date.now();
  process.stderr.write(`running ${name}${quick ? ' (quick)' : ''}…\n`);
  try {
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, `${name}.ts`),
        '--out',
        out,
        ...(quick ? ['--quick'] : []),
      ],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    outputs.push(JSON.parse(readFileSync(out, 'utf8')) as BenchOutput);
  } catch (error) {
    outputs.push({
      bench: name,
      settings: {},
      rows: [],
      notes: [`failed: ${(error as Error).message.split('\n')[0]}`],
    });
  }
  process.stderr.write(`${name}: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

const load = {
  before: loadBefore.map((l) => Number(l.toFixed(2))),
  after: loadavg().map((l) => Number(l.toFixed(2))),
};
console.log(`\n${printTable(outputs.flatMap((o) => o.rows))}\n`);
console.log(`load average (1, 5, 15 min) before: ${load.before.join(', ')}; after: ${load.after.join(', ')}`);
for (const output of outputs) for (const note of output.notes) console.log(`${output.bench}: ${note}`);
writeFileSync(
  join(import.meta.dirname, 'results.json'),
  JSON.stringify({ at: new Date().toISOString(), node: process.version, quick, load, outputs }, null, 2),
);
