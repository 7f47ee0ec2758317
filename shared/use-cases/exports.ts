import { csvLine } from '../api/csv';
import { mapConcurrent } from '../concurrency';
import type { Unit } from '../domain';
import { ValidationError } from '../errors';
import type { InstrumentRegistry } from '../methodology/instruments';
import { itemIds } from '../methodology/instruments';
import { daysBetween, type PeriodKind } from '../methodology/periods';
import type { Snapshot } from '../methodology/snapshots';
import type { RatingsRepository } from '../store/ratings-repo';
import type { ResultsRepository } from '../store/results-repo';
import type { UnitsRepository } from '../store/units-repo';
import { unitsCountingFor } from './units';

/**
 * Exports. API Gateway and Lambda buffer a response (6 MB at most), so an export is built whole in
 * memory and bounded instead of streamed: at most MAX_EXPORT_DAYS days of ratings (the query
 * schema) and MAX_EXPORT_BYTES of output, else a 400 that says how to narrow it (a shorter range
 * or a unit lower in the tree). Streaming would need Lambda response streaming behind a function
 * URL, outside the HTTP API and its JWT authorizer; a quarter of a ward's ratings is far below the
 * bound, so bounded exports serve the real use and fail clearly beyond it.
 */
export const MAX_EXPORT_BYTES = 5 * 1024 * 1024;
/** One Query per unit-day: beyond this many the request would outlast the function's timeout. */
export const MAX_EXPORT_QUERIES = 20_000;

export interface ExportDeps {
  units: UnitsRepository;
  ratings: RatingsRepository;
  results: ResultsRepository;
  registry: InstrumentRegistry;
}

/** Excel opens a CSV as UTF-8 (Vietnamese intact) only when it starts with a byte order mark. */
export const BOM = '\uFEFF';

/**
 * A CSV row where numbers stay numbers: csvLine guards text against formula injection by quoting a
 * leading '-', which would turn a negative rank change into text; a finite number cannot be a formula.
 */
function row(values: readonly unknown[]): string {
  return `${values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : csvLine([v]).slice(0, -2))).join(',')}\r\n`;
}

class OutputBudget {
  private bytes = 0;
  constructor(private readonly advice: string) {}
  add(line: string): string {
    this.bytes += Buffer.byteLength(line, 'utf8');
    if (this.bytes > MAX_EXPORT_BYTES) {
      throw new ValidationError(
        `the export is larger than ${MAX_EXPORT_BYTES / 1024 / 1024} MB; ${this.advice}`,
        [{ field: 'to', message: this.advice }],
      );
    }
    return line;
  }
}

const RATING_COLUMNS = [
  'id',
  'unitId',
  'receivedAt',
  'day',
  'instrument',
  'instrumentVersion',
  'source',
  'lang',
  'counter',
  'procedure',
  'dossier',
  'flagged',
  'comment',
] as const;

/** Item columns for the instruments a subtree uses, in the registry's item order. */
function itemColumns(units: readonly Unit[], registry: InstrumentRegistry): string[] {
  const ids = new Set<string>();
  for (const id of new Set(units.map((u) => u.instrument))) {
    const instrument = registry.get(id);
    if (instrument) for (const item of itemIds(instrument)) ids.add(item);
  }
  return registry.sortItemIds([...ids]);
}

/**
 * The ratings of a unit's subtree received on Vietnam days from..to, as CSV: one row per rating,
 * the rating's fields then one column per item (empty: not answered; 0: not applicable). Rows are
 * ordered by unit (path order), then by time. The units merged into the subtree's are in it too:
 * their ratings count here (unitsCountingFor). Free text is included: only officials of the
 * subtree reach this (the handler checks the scope first).
 */
export async function exportRatingsCsv(
  unit: Unit,
  from: string,
  to: string,
  deps: ExportDeps,
): Promise<string> {
  const units = await unitsCountingFor(unit, deps.units);
  const days = daysBetween(from, to);
  if (units.length * days.length > MAX_EXPORT_QUERIES) {
    throw new ValidationError(`${units.length} units × ${days.length} days is too much for one export`, [
      { field: 'to', message: 'choose a shorter range or a unit lower in the tree' },
    ]);
  }
  const items = itemColumns(units, deps.registry);
  const budget = new OutputBudget('choose a shorter range or a unit lower in the tree');
  const header = budget.add(BOM + csvLine([...RATING_COLUMNS, ...items]));
  const pairs = units.flatMap((u) => days.map((day) => ({ unitId: u.id, day })));
  // Read concurrently, keep the order of `pairs` so the file is deterministic.
  const chunks = await mapConcurrent(pairs, 16, async ({ unitId, day }) => {
    const lines: string[] = [];
    for await (const page of deps.ratings.unitDay(unitId, day)) {
      for (const rating of page) {
        const fields = RATING_COLUMNS.map((column) => rating[column]);
        lines.push(budget.add(csvLine([...fields, ...items.map((item) => rating.answers[item])])));
      }
    }
    return lines.join('');
  });
  return header + chunks.join('');
}

export interface SnapshotRange {
  kind: PeriodKind;
  from: string;
  to: string;
}

/** A snapshot as exported: what the public index shows plus where the unit sat in the tree. */
export function exportedSnapshot(s: Snapshot) {
  return {
    unitId: s.unitId,
    name: s.name,
    path: s.path,
    parentId: s.parentId,
    period: s.period,
    kind: s.kind,
    instrument: s.instrument,
    n: s.n,
    index: s.index,
    ci95: s.ci95,
    sufficient: s.sufficient,
    rank: s.rank,
    factors: s.factors,
    items: s.items,
    belowPeers: s.belowPeers,
  };
}

/** Every snapshot of a subtree in a range of periods of one kind: one Query per unit, in path order. */
export async function subtreeSnapshots(unit: Unit, range: SnapshotRange, deps: ExportDeps) {
  const units = await deps.units.subtree(unit.path);
  const perUnit = await mapConcurrent(units, 16, (u) =>
    deps.results.trend(u.id, range.kind, range.from, range.to),
  );
  return perUnit.flat().map(exportedSnapshot);
}

export async function exportSnapshotsJson(
  unit: Unit,
  range: SnapshotRange,
  deps: ExportDeps,
): Promise<string> {
  const snapshots = await subtreeSnapshots(unit, range, deps);
  const body = JSON.stringify({ unitId: unit.id, ...range, snapshots });
  new OutputBudget('choose a shorter range of periods or a unit lower in the tree').add(body);
  return body;
}

/**
 * Snapshots as CSV: one row per unit and period with the overall figures, the rank, then each
 * factor's and item's index (empty where the unit had no answer).
 */
export async function exportSnapshotsCsv(
  unit: Unit,
  range: SnapshotRange,
  deps: ExportDeps,
): Promise<string> {
  const snapshots = await subtreeSnapshots(unit, range, deps);
  const factorIds = [...new Set(snapshots.flatMap((s) => s.factors.map((f) => f.id)))];
  const itemIdsUsed = deps.registry.sortItemIds([
    ...new Set(snapshots.flatMap((s) => s.items.map((f) => f.id))),
  ]);
  const factorOrder = (id: string) => {
    const first = itemIdsUsed.find((item) => item.startsWith(`${id}.`));
    return first ? itemIdsUsed.indexOf(first) : Number.MAX_SAFE_INTEGER;
  };
  factorIds.sort((a, b) => factorOrder(a) - factorOrder(b) || a.localeCompare(b));
  const budget = new OutputBudget('choose a shorter range of periods or a unit lower in the tree');
  let out = budget.add(
    BOM +
      csvLine([
        'unitId',
        'name',
        'path',
        'period',
        'n',
        'index',
        'ci95Low',
        'ci95High',
        'sufficient',
        'rank',
        'rankOf',
        'rankChange',
        ...factorIds.map((id) => `factor:${id}`),
        ...itemIdsUsed.map((id) => `item:${id}`),
      ]),
  );
  for (const s of snapshots) {
    const factor = new Map(s.factors.map((f) => [f.id, f.index]));
    const item = new Map(s.items.map((f) => [f.id, f.index]));
    out += budget.add(
      row([
        s.unitId,
        s.name,
        s.path,
        s.period,
        s.n,
        s.index.toFixed(2),
        s.ci95[0].toFixed(2),
        s.ci95[1].toFixed(2),
        s.sufficient,
        s.rank?.position,
        s.rank?.of,
        s.rank?.change,
        ...factorIds.map((id) => factor.get(id)?.toFixed(2)),
        ...itemIdsUsed.map((id) => item.get(id)?.toFixed(2)),
      ]),
    );
  }
  return out;
}
