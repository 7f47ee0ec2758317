import { SPIKE_TRAILING_DAYS } from '../alerts/rules';
import { mapConcurrent } from '../concurrency';
import { finalUnitId, type Unit } from '../domain';
import { ConflictError, ValidationError } from '../errors';
import { newUlid } from '../ids';
import { logger } from '../logger';
import { addHistogram, addRating, emptyHistogram, type Histogram } from '../methodology/histogram';
import type { InstrumentRegistry } from '../methodology/instruments';
import {
  addDays,
  daysBetween,
  inServiceYears,
  monthOf,
  nextPeriod,
  type PeriodKind,
  partsListOf,
  previousPeriod,
  quarterOf,
  requireKind,
  vietnamDay,
  yearOf,
} from '../methodology/periods';
import {
  buildSnapshots,
  poolSubtrees,
  previousPositionsOf,
  rankedOnTree,
  type Snapshot,
  type SnapshotPolicy,
  type TreeUnit,
  withRankChanges,
} from '../methodology/snapshots';
import type { LeasesRepository } from '../store/lease-repo';
import type { RatingsRepository } from '../store/ratings-repo';
import type { ResultsRepository } from '../store/results-repo';
import type { UnitsRepository } from '../store/units-repo';
import { type AlertDeps, type AlertRunSummary, type DaySpikeInputs, raiseAlerts } from './alerts';

export interface AggregationDeps {
  /** one aggregation at a time (closeDays) */
  leases: LeasesRepository;
  units: UnitsRepository;
  ratings: RatingsRepository;
  results: ResultsRepository;
  registry: InstrumentRegistry;
  policy: SnapshotPolicy;
  /** parallel DynamoDB requests */
  concurrency?: number;
  /** when given, the new snapshots' alerts are recorded and published (shared/use-cases/alerts.ts) */
  alerting?: AlertDeps;
}

export interface AggregationSummary {
  days: string[];
  units: number;
  ratings: number;
  periods: string[];
  snapshots: number;
  /** when the run raised alerts: what became of them */
  alerts?: AlertRunSummary;
  ms: RunTimings;
}

/**
 * Where a run's time went, in milliseconds: `days`, `results` and `total` count from the run's
 * start, `alerts` is a duration. The nightly log line carries it, and bench/national-night.ts
 * compares `days` with a bare read of the same ratings.
 */
export interface RunTimings {
  /**
   * from the start until every day period was stored: its own histograms (read from the ratings
   * by closeDays, from the store otherwise) and its day snapshots, pooled up the tree and ranked;
   * absent when no day was among the periods
   */
  days?: number;
  /** from the start until every result was stored: the months, quarters and years too */
  results: number;
  /** how long evaluating, recording and publishing the alerts took, after the results; absent without alerting */
  alerts?: number;
  /** from the start to the end: results + alerts */
  total: number;
}

const DEFAULT_CONCURRENCY = 16;

/**
 * Closes days (METHODOLOGY.md, "What the nightly job produces"): each unit's own ratings of each
 * day become a day histogram, then every period that contains one of the days (day, month,
 * quarter, year) is refreshed for the whole tree by refreshPeriods. Every write overwrites a value
 * computed from stored data only, so a crashed or repeated run converges on the same snapshots.
 */
export async function closeDays(
  days: readonly string[],
  deps: AggregationDeps,
  options: { waitForOtherRunMs?: number; lease?: LeaseTimings } = {},
): Promise<AggregationSummary> {
  const lease = options.lease ?? LEASE_TIMINGS;
  return oneRunAtATime(deps.leases, options.waitForOtherRunMs ?? 0, lease, (stillHeld) =>
    closeDaysNow(days, deps, stillHeld),
  );
}

/**
 * A recompute an administrator asks for (POST /v1/aggregations): any past range, up to today,
 * whose figures so far it computes; a day that has not begun in Vietnam has nothing to close.
 */
export function recompute(
  range: { from: string; to: string },
  deps: AggregationDeps & { clock: () => Date },
): Promise<AggregationSummary> {
  const today = vietnamDay(deps.clock());
  if (range.to > today) {
    throw new ValidationError('to: the range ends after today', [
      { field: 'to', message: `must not be after today (${today}, Vietnam time)` },
    ]);
  }
  return closeDays(daysBetween(range.from, range.to), deps);
}

const AGGREGATION_LEASE = 'aggregation';

export interface LeaseTimings {
  /** how long a lease outlives its last renewal: a run that dies blocks the next one this long */
  lastsMs: number;
  renewEveryMs: number;
}
const LEASE_TIMINGS: LeaseTimings = { lastsMs: 120_000, renewEveryMs: 20_000 };
const WAIT_POLL_MS = 2_000;
const seconds = (ms: number) => `${Math.round(ms / 1_000)} s`;

/**
 * Two aggregations at once would each sum a month from the days the other has not stored yet,
 * and the last to write would win: a nightly run and an administrator's recompute must take turns.
 * The lease is renewed while the run lasts and given back when it ends, however it ends.
 */
async function oneRunAtATime<T>(
  leases: LeasesRepository,
  waitMs: number,
  timings: LeaseTimings,
  run: (stillHeld: () => void) => Promise<T>,
): Promise<T> {
  // Leases are between processes, so they keep the wall clock, not a test's fixed one.
  const holder = newUlid();
  const take = () =>
    leases.take(AGGREGATION_LEASE, holder, new Date(), new Date(Date.now() + timings.lastsMs));
  const giveUpAt = Date.now() + waitMs;
  while (!(await take())) {
    if (Date.now() >= giveUpAt) {
      throw new ConflictError(
        `another recompute of the results is running, or one stopped in the last ${seconds(timings.lastsMs)}; try again when it has finished`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(WAIT_POLL_MS, giveUpAt - Date.now())));
  }
  // One renewal at a time, so the last one is done before the lease is given back.
  let lost = false;
  let renewal: Promise<void> | undefined;
  const renewing = setInterval(() => {
    renewal ??= take()
      .then(
        (kept) => {
          lost ||= !kept;
        },
        (error: unknown) => logger.warn('the aggregation lease was not renewed; retrying', { error }),
      )
      .finally(() => {
        renewal = undefined;
      });
  }, timings.renewEveryMs);
  const stillHeld = () => {
    if (lost)
      throw new Error(
        'another run took the aggregation lease (renewals failed for its whole life): stopping',
      );
  };
  try {
    return await run(stillHeld);
  } finally {
    clearInterval(renewing);
    await renewal;
    // A lease not given back (the database gone, say) frees itself `lastsMs` later.
    if (!lost) {
      await leases.give(AGGREGATION_LEASE, holder).catch((error: unknown) => {
        logger.warn(
          `the aggregation lease was not given back; it frees itself in ${seconds(timings.lastsMs)}`,
          {
            error,
          },
        );
      });
    }
  }
}

async function closeDaysNow(
  days: readonly string[],
  deps: AggregationDeps,
  stillHeld: () => void,
): Promise<AggregationSummary> {
  const startedAt = performance.now();
  const concurrency = deps.concurrency ?? DEFAULT_CONCURRENCY;
  const units = await deps.units.subtree('/');
  const sortedDays = [...new Set(days)].sort();

  let ratings = 0;
  const dayHistograms = new Map<string, Map<string, Histogram>>();
  const writes = new PendingWrites();
  const unknownItems = new Map<string, number>();
  const onUnknownItem = (itemId: string) => unknownItems.set(itemId, (unknownItems.get(itemId) ?? 0) + 1);
  for (const day of sortedDays) {
    // Every unit is read, merged ones too: their old posters still bring ratings in.
    const histograms = await readDayHistograms(units, day, deps, concurrency, onUnknownItem);
    dayHistograms.set(day, histograms);
    for (const histogram of histograms.values()) ratings += histogram.n;
    // Stored while the periods are computed: nothing in this run reads them back (they are passed
    // on in memory), and refreshPeriods waits for every write before it raises alerts.
    writes.add(deps.results.putOwnHistograms(day, histograms));
  }
  if (unknownItems.size > 0) {
    logger.warn('answers to items no instrument file knows were left out (was an item id dropped?)', {
      answers: Object.fromEntries(unknownItems),
    });
  }

  const periods = [
    ...sortedDays,
    ...unique(sortedDays.map(monthOf)),
    ...unique(sortedDays.map(quarterOf)),
    ...unique(sortedDays.map(yearOf)),
  ];
  const { snapshots, alerts, ms } = await refreshPeriods(periods, deps, {
    units,
    known: dayHistograms,
    writes,
    startedAt,
    stillHeld,
  });
  return {
    days: sortedDays,
    units: units.filter((u) => !u.mergedInto).length,
    ratings,
    periods,
    snapshots,
    ...(alerts ? { alerts } : {}),
    ms,
  };
}

/**
 * Rebuilds the snapshots of periods for the whole tree from stored own histograms, never from
 * ratings: a month is the sum of its days, a quarter of its months, a year of its quarters, so the
 * cost depends on units × parts, not on how many ratings there were. Months are refreshed before
 * quarters and quarters before years, so each sums parts that are already up to date. Day
 * histograms must exist (closeDays writes them); `known` passes ones already in memory.
 *
 * Writes are not waited for one by one: each period's snapshots and sums are stored while the next
 * period is computed (the store serves reads and writes side by side), and anything this run
 * computed — a part of a larger period, the previous period of the next one — is taken from
 * memory, never read back while its write may still be in flight. Two points wait for every write
 * started so far: the end of the days (so a day's results are complete before any month is
 * begun), and the end of all periods, before alerts are raised (so alerts come only after
 * complete results).
 */
export async function refreshPeriods(
  periods: readonly string[],
  deps: AggregationDeps,
  options: {
    units?: readonly Unit[];
    known?: ReadonlyMap<string, ReadonlyMap<string, Histogram>>;
    /** writes already started by the caller, to be complete before alerts */
    writes?: PendingWrites;
    /** performance.now() when the caller's run started: the timings count from there */
    startedAt?: number;
    /** throws if the run has lost its lease (closeDays): checked before each period and the alerts */
    stillHeld?: () => void;
  } = {},
): Promise<{ snapshots: number; alerts?: AlertRunSummary; ms: RunTimings }> {
  const startedAt = options.startedAt ?? performance.now();
  const since = (at: number) => Math.round(at - startedAt);
  const concurrency = deps.concurrency ?? DEFAULT_CONCURRENCY;
  const units = options.units ?? (await deps.units.subtree('/'));
  const tree = treeOf(units);
  const order: Record<PeriodKind, number> = { day: 0, month: 1, quarter: 2, year: 3 };
  const sorted = unique(periods).sort(
    (a, b) => order[requireKind(a)] - order[requireKind(b)] || a.localeCompare(b),
  );

  let snapshots = 0;
  const writes = options.writes ?? new PendingWrites();
  const ownByPeriod = new Map<string, ReadonlyMap<string, Histogram>>(options.known ?? []);
  const builtByPeriod = new Map<string, Snapshot[]>();
  const previousByPeriod = new Map<string, readonly Snapshot[]>();
  const activeIds = tree.active.map((unit) => unit.id);

  // Reads that depend on nothing this run computes go out ahead of the writes: the stored parts
  // of each month, quarter and year, the stored previous periods (for rank changes), and the
  // spike rule's 28 days. Left to their turn in the loop below, each would queue behind the
  // writes of the periods before it, and the loop would wait on it.
  const inRun = new Set(sorted);
  const computedHere = (part: string) => inRun.has(part) || ownByPeriod.has(part);
  const storedSum = (parts: readonly string[]) =>
    early(
      sumStored(
        parts.filter((part) => !computedHere(part)),
        deps,
        concurrency,
      ),
    );
  const storedParts = new Map<string, Promise<Map<string, Histogram>>>();
  const storedPrevious = new Map<string, Promise<Snapshot[]>>();
  const storedTrailing = new Map<string, Promise<Map<string, Histogram>>>();
  const prefetch = (periods: readonly string[]) => {
    for (const period of periods) {
      if (requireKind(period) !== 'day') storedParts.set(period, storedSum(partsListOf(period)));
      if (!inRun.has(previousPeriod(period))) {
        storedPrevious.set(period, early(deps.results.getSnapshots(activeIds, previousPeriod(period))));
      }
    }
  };
  // The periods right after this run's that an earlier run closed: their rank changes count from
  // this run's places (below the loop). Asked now: nothing this run writes changes the answer.
  const closedAfter = new Map(
    sorted
      .filter((period) => !inRun.has(nextPeriod(period)) && inServiceYears(nextPeriod(period)))
      .map((period) => [period, early(deps.results.wasClosed(nextPeriod(period)))] as const),
  );
  const days = sorted.filter((period) => requireKind(period) === 'day');
  const later = sorted.filter((period) => requireKind(period) !== 'day');
  // What the days need goes first; what only the months, quarters, years and the spike rule need
  // goes out once the days are closed, still ahead of the writes that follow (closeTheDays).
  prefetch(days);
  if (days.length === 0) prefetch(later);

  const parentOf = new Map(tree.active.map((unit) => [unit.id, unit.parentId] as const));
  // The days are closed (their results stored) before the months start: the day's figures are
  // complete in the store even if the run dies later, and the time it took is measured.
  let daysStored: number | undefined;
  const closeTheDays = async () => {
    await writes.settle();
    daysStored = performance.now();
    prefetch(later);
    if (deps.alerting) for (const day of days) storedTrailing.set(day, storedSum(trailingDays(day)));
  };
  for (const period of sorted) {
    options.stillHeld?.();
    const kind = requireKind(period);
    if (kind !== 'day' && days.length > 0 && daysStored === undefined) await closeTheDays();
    const own =
      ownByPeriod.get(period) ??
      (kind === 'day'
        ? await deps.results.ownHistograms(period)
        : plusComputed(await storedParts.get(period)!, partsListOf(period), ownByPeriod));
    // A month, quarter or year is stored so that a later run can sum it in turn.
    if (kind !== 'day') writes.add(deps.results.putOwnHistograms(period, own));
    const previous = builtByPeriod.get(previousPeriod(period)) ?? (await storedPrevious.get(period)!);
    ownByPeriod.set(period, own);
    previousByPeriod.set(period, previous);
    const previousPositions = previousPositionsOf(previous, (unitId) => parentOf.get(unitId));
    const attributed = tree.attribute(own);
    const built = buildSnapshots({
      period,
      units: tree.active,
      own: attributed,
      previousPositions,
      registry: deps.registry,
      policy: deps.policy,
    });
    writes.add(deps.results.putSnapshots(built));
    // A unit with no ratings below it now may have a snapshot from an earlier run on an older
    // tree (its only counter has moved, say): it goes, or it would still be ranked among its
    // siblings. A unit with ratings its instrument cannot score (it switched to one sharing no
    // item) keeps the figures computed on the questionnaire of the time.
    const rated = ratedSubtrees(attributed, parentOf);
    const unrated = activeIds.filter((id) => !rated.has(id));
    if (unrated.length > 0) writes.add(deps.results.dropSnapshots(unrated, period));
    if (tree.mergedIds.length > 0) {
      // Merged units are not in `built`: what is read here is not being written by this run.
      await deps.results.unlistSnapshots(await deps.results.getSnapshots(tree.mergedIds, period));
    }
    snapshots += built.length;
    builtByPeriod.set(period, built);
  }
  if (days.length > 0 && daysStored === undefined) await closeTheDays();
  // A rank's change counts places against the period before, so recomputing a period moves the
  // baseline of the one after it. Where an earlier run closed that one, its stored changes are
  // counted again from this run's places, and its rules are evaluated again below with the
  // rest. Only the changes: its places, figures and sibling lists stay as that run left them. So
  // only if it was ranked on today's tree: places among other siblings than this run's compare
  // nothing, and would raise rank-drops that are not there.
  for (const [period, closed] of closedAfter) {
    if (!(await closed)) continue;
    options.stillHeld?.();
    const next = nextPeriod(period);
    const stored = await deps.results.getSnapshots(activeIds, next);
    if (!rankedOnTree(stored, parentOf)) {
      logger.warn(
        'the period after the range was ranked on an earlier tree: its rank changes stay until it is recomputed too',
        {
          period: next,
        },
      );
      continue;
    }
    const before = builtByPeriod.get(period)!;
    const reranked = withRankChanges(stored, before);
    if (reranked.changed.length > 0) writes.add(deps.results.putSnapshots(reranked.changed));
    logger.info('rank changes of the closed period after the range counted again', {
      period: next,
      changed: reranked.changed.length,
    });
    builtByPeriod.set(next, reranked.snapshots);
    previousByPeriod.set(next, before);
  }
  // dissatisfaction-spike compares each day with the 28 days before it: both pooled over today's
  // tree, so a unit moved or merged within the window is compared like with like.
  const spikeByPeriod = new Map<string, DaySpikeInputs>();
  for (const [day, stored] of storedTrailing) {
    const trailing = plusComputed(await stored, trailingDays(day), ownByPeriod);
    spikeByPeriod.set(day, {
      day: poolSubtrees(tree.active, tree.attribute(ownByPeriod.get(day)!)),
      trailing: poolSubtrees(tree.active, tree.attribute(trailing)),
    });
  }
  await writes.settle();
  const stored = performance.now();
  const ms: RunTimings = {
    ...(daysStored === undefined ? {} : { days: since(daysStored) }),
    results: since(stored),
    total: since(stored),
  };
  // After every snapshot is stored: a failure here leaves the results complete, and the re-run
  // that retries the alerts records none twice. The units and previous snapshots are the ones
  // just used, not read again.
  if (!deps.alerting) return { snapshots, ms };
  options.stillHeld?.();
  const alerts = await raiseAlerts(builtByPeriod, deps.alerting, {
    units,
    previous: previousByPeriod,
    spike: spikeByPeriod,
  });
  const alertsMs = Math.round(performance.now() - stored);
  return { snapshots, alerts, ms: { ...ms, alerts: alertsMs, total: ms.results + alertsMs } };
}

/** The SPIKE_TRAILING_DAYS days before `day`: the baseline of dissatisfaction-spike. */
function trailingDays(day: string): string[] {
  return Array.from({ length: SPIKE_TRAILING_DAYS }, (_, i) => addDays(day, -(i + 1)));
}

/** A read started ahead of its use: a failure waits for the await that uses it, not an unhandled rejection. */
function early<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}

/**
 * Per unit, the sum of the stored own histograms of `periods`: one small Query each (their
 * buckets), added up as each arrives, so only a few periods' histograms are held at a time.
 */
async function sumStored(
  periods: readonly string[],
  deps: AggregationDeps,
  concurrency: number,
): Promise<Map<string, Histogram>> {
  const sums = new Map<string, Histogram>();
  await mapConcurrent(periods, concurrency, async (period) =>
    addInto(sums, await deps.results.ownHistograms(period)),
  );
  return sums;
}

/** `sums` (stored parts) plus those of `parts` this run holds in memory; `sums` is added to in place. */
function plusComputed(
  sums: Map<string, Histogram>,
  parts: readonly string[],
  inMemory: ReadonlyMap<string, ReadonlyMap<string, Histogram>>,
): Map<string, Histogram> {
  for (const part of parts) {
    const computed = inMemory.get(part);
    if (computed) addInto(sums, computed);
  }
  return sums;
}

/** Adds each unit's histogram into `sums`, copying: the histograms added are never changed. */
function addInto(sums: Map<string, Histogram>, histograms: ReadonlyMap<string, Histogram>): void {
  for (const [unitId, histogram] of histograms) {
    sums.set(unitId, addHistogram(sums.get(unitId) ?? emptyHistogram(), histogram));
  }
}

/**
 * Writes started without waiting for each, awaited together before anything relies on them being
 * stored. A failed write is held (not an unhandled rejection) and rethrown by settle().
 */
export class PendingWrites {
  private readonly started: Promise<void>[] = [];

  add(write: Promise<void>): void {
    write.catch(() => undefined);
    this.started.push(write);
  }

  async settle(): Promise<void> {
    await Promise.all(this.started);
  }
}

/**
 * The tree results are computed with: units that were merged away leave it, and their own
 * histograms count for the unit they were merged into (following a chain of merges).
 */
function treeOf(units: readonly Unit[]) {
  const byId = new Map(units.map((unit) => [unit.id, unit]));
  const resolve = (unitId: string): string => finalUnitId(unitId, byId);
  const active: TreeUnit[] = units
    .filter((unit) => !unit.mergedInto)
    .map((unit) => ({
      id: unit.id,
      parentId: unit.parentId === null ? null : resolve(unit.parentId),
      path: unit.path,
      name: unit.name,
      instrument: unit.instrument,
    }));
  const merged = units.filter((unit) => unit.mergedInto);
  const attribute = (own: ReadonlyMap<string, Histogram>): Map<string, Histogram> => {
    if (merged.length === 0) return new Map(own);
    const result = new Map<string, Histogram>();
    for (const [unitId, histogram] of own) {
      const target = byId.has(unitId) ? resolve(unitId) : unitId;
      const into = result.get(target);
      // Copies, never the stored objects: a merged unit's histogram must not change its own record.
      result.set(target, into ? addHistogram(into, histogram) : addHistogram(emptyHistogram(), histogram));
    }
    return result;
  };
  return { active, attribute, mergedIds: merged.map((unit) => unit.id) };
}

async function readDayHistograms(
  units: readonly Unit[],
  day: string,
  deps: AggregationDeps,
  concurrency: number,
  onUnknownItem: (itemId: string) => void,
): Promise<Map<string, Histogram>> {
  const histograms = await mapConcurrent(units, concurrency, async (unit) => {
    const histogram = emptyHistogram();
    for await (const page of deps.ratings.unitDayAnswers(unit.id, day)) {
      for (const rating of page) {
        addRating(histogram, rating.instrument, rating.answers, deps.registry, onUnknownItem);
      }
    }
    return [unit.id, histogram] as const;
  });
  return new Map(histograms.filter(([, histogram]) => histogram.n > 0));
}

/** The units with at least one rating in their subtree: each rated unit and its ancestors. */
function ratedSubtrees(
  own: ReadonlyMap<string, Histogram>,
  parentOf: ReadonlyMap<string, string | null>,
): Set<string> {
  const rated = new Set<string>();
  for (const [unitId, histogram] of own) {
    if (histogram.n === 0) continue;
    for (let id: string | null | undefined = unitId; id && !rated.has(id); id = parentOf.get(id))
      rated.add(id);
  }
  return rated;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
