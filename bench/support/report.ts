import { writeFileSync } from 'node:fs';

/** One figure beside its floor, measured in the same run. Never asserted: printed and recorded. */
export interface Row {
  bench: string;
  measure: string;
  value: number;
  unit: string;
  floor?: { label: string; value: number };
  /** value / floor, oriented so that the target reads naturally ("≥ 0.7 of the floor", "≤ 1.5×") */
  ratio?: number;
  target?: string;
  meets?: boolean;
  note?: string;
}

export interface BenchOutput {
  bench: string;
  settings: Record<string, unknown>;
  rows: Row[];
  notes: string[];
}

export function row(
  input: Omit<Row, 'ratio' | 'meets' | 'target'> & { target?: { op: '>=' | '<='; value: number } },
): Row {
  const { target, ...rest } = input;
  const ratio = input.floor ? input.value / input.floor.value : undefined;
  return {
    ...rest,
    ...(ratio !== undefined ? { ratio } : {}),
    ...(target ? { target: `${target.op} ${target.value}` } : {}),
    ...(target && ratio !== undefined
      ? { meets: target.op === '>=' ? ratio >= target.value : ratio <= target.value }
      : {}),
  };
}

const fmt = (value: number) =>
  value >= 1000
    ? Math.round(value).toLocaleString('en-US')
    : value >= 10
      ? value.toFixed(1)
      : value.toFixed(2);

export function printTable(rows: readonly Row[]): string {
  const header = ['bench', 'measure', 'value', 'floor (same run)', 'ratio', 'target', ''];
  const body = rows.map((r) => [
    r.bench,
    r.measure,
    `${fmt(r.value)} ${r.unit}`,
    r.floor ? `${fmt(r.floor.value)} ${r.unit} ${r.floor.label}` : '',
    r.ratio !== undefined ? r.ratio.toFixed(2) : '',
    r.target ?? '',
    r.meets === undefined ? '' : r.meets ? 'ok' : 'MISSED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** When run on its own, a bench prints its table; under bench/run.ts it writes JSON to --out. */
export function finish(output: BenchOutput): void {
  const outIndex = process.argv.indexOf('--out');
  if (outIndex >= 0) {
    writeFileSync(process.argv[outIndex + 1]!, JSON.stringify(output, null, 2));
    return;
  }
  console.log(`\n${output.bench}: ${JSON.stringify(output.settings)}`);
  console.log(printTable(output.rows));
  for (const note of output.notes) console.log(`  - ${note}`);
}

export const isQuick = () => process.argv.includes('--quick');

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
