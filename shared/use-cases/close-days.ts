import { mapConcurrent } from '../concurrency';
import type { Unit } from '../domain';
import { addRating, emptyHistogram, type Histogram, sumHistograms } from '../methodology/histogram';
import type { InstrumentRegistry } from '../methodology/instruments';
import { monthOf, type PeriodKind, previousPeriod, quarterOf, yearOf } from '../methodology/periods';
import { buildSnapshots, type SnapshotPolicy } from '../methodology/snapshots';
import type { RatingsRepository } from '../store/ratings-repo';
import type { OwnHistogram, ResultsRepository } from '../store/results-repo';
import type { UnitsRepository } from '../store/units-repo';

export interface AggregationDeps {
  units: UnitsRepository;
  ratings: RatingsRepository;
  results: ResultsRepository;
  registry: InstrumentRegistry;
  policy: SnapshotPolicy;
  /** parallel DynamoDB requests */
  concurrency?: number;
}

export interface AggregationSummary {
  days: string[];
  units: number;
  ratings: number;
  periods: string[];
  snapshots: number;
}

/**
 * Closes days (METHODOLOGY.md, "What the nightly job produces"): each unit's own ratings of each
 * day become a day histogram; the unit's own month, quarter and year histograms are summed from
 * their parts; then every period that contains one of the days gets fresh snapshots for the
 * whole tree, pooled bottom-up and ranked. Every write is an overwrite of a value computed from
 * stored data only, so a crashed or repeated run converges on the same snapshots.
 */
export async function closeDays(days: readonly string[], deps: AggregationDeps): Promise<AggregationSummary> {
  const concurrency = deps.concurrency ?? 16;
  const tree = await deps.units.subtree('/');
  const sortedDays = [...new Set(days)].sort();

  let ratings = 0;
  const own = new Map<string, Map<string, Histogram>>();
  for (const day of sortedDays) {
    const dayHistograms = await readDayHistograms(tree, day, deps, concurrency);
    own.set(day, dayHistograms);
    for (const histogram of dayHistograms.values()) ratings += histogram.n;
    await deps.results.putOwnHistograms(
      [...dayHistograms].map(([unitId, histogram]) => ({ unitId, period: day, histogram })),
    );
  }

  const periodsByKind: [PeriodKind, string[]][] = [
    ['day', sortedDays],
    ['month', unique(sortedDays.map(monthOf))],
    ['quarter', unique(sortedDays.map(quarterOf))],
    ['year', unique(sortedDays.map(yearOf))],
  ];
  for (const [kind, periods] of periodsByKind) {
    if (kind === 'day') continue;
    for (const period of periods) {
      own.set(period, await sumOwnHistograms(tree, period, deps, concurrency));
    }
  }

  let snapshots = 0;
  const treeUnits = tree.map(toTreeUnit);
  for (const [, periods] of periodsByKind) {
    for (const period of periods) {
      const previous = await deps.results.getSnapshots(
        tree.map((unit) => unit.id),
        previousPeriod(period),
      );
      const previousPositions = new Map(
        previous.filter((s) => s.rank).map((s) => [s.unitId, s.rank!.position] as const),
      );
      const built = buildSnapshots({
        period,
        units: treeUnits,
        own: own.get(period)!,
        previousPositions,
        registry: deps.registry,
        policy: deps.policy,
      });
      await deps.results.putSnapshots(built);
      snapshots += built.length;
    }
  }

  return {
    days: sortedDays,
    units: tree.length,
    ratings,
    periods: periodsByKind.flatMap(([, periods]) => periods),
    snapshots,
  };
}

async function readDayHistograms(
  tree: readonly Unit[],
  day: string,
  deps: AggregationDeps,
  concurrency: number,
): Promise<Map<string, Histogram>> {
  const histograms = await mapConcurrent(tree, concurrency, async (unit) => {
    const histogram = emptyHistogram();
    for await (const page of deps.ratings.unitDayAnswers(unit.id, day)) {
      for (const rating of page) addRating(histogram, rating.instrument, rating.answers, deps.registry);
    }
    return [unit.id, histogram] as const;
  });
  return new Map(histograms.filter(([, histogram]) => histogram.n > 0));
}

async function sumOwnHistograms(
  tree: readonly Unit[],
  period: string,
  deps: AggregationDeps,
  concurrency: number,
): Promise<Map<string, Histogram>> {
  const sums = await mapConcurrent(tree, concurrency, async (unit) => {
    const parts = await deps.results.ownHistogramsOfParts(unit.id, period);
    return [unit.id, sumHistograms(parts)] as const;
  });
  const nonEmpty = sums.filter(([, histogram]) => histogram.n > 0);
  const toStore: OwnHistogram[] = nonEmpty.map(([unitId, histogram]) => ({ unitId, period, histogram }));
  await deps.results.putOwnHistograms(toStore);
  return new Map(nonEmpty);
}

function toTreeUnit(unit: Unit) {
  return { id: unit.id, parentId: unit.parentId, path: unit.path, name: unit.name, instrument: unit.instrument };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
