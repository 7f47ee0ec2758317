import type { Principal } from '../auth/principal';
import { scopeOf, unitInScope } from '../auth/principal';
import { mapConcurrent } from '../concurrency';
import { isWithin, type Unit } from '../domain';
import { NotFoundError, ValidationError } from '../errors';
import { round2 } from '../methodology/formulas';
import {
  dayRange,
  daysBetween,
  FIRST_YEAR,
  inServiceYears,
  LAST_YEAR,
  type PeriodKind,
  periodKind,
  requireKind,
} from '../methodology/periods';
import type { ReportedFigure, Snapshot } from '../methodology/snapshots';
import type { RatingsRepository } from '../store/ratings-repo';
import type { ResultsRepository } from '../store/results-repo';
import type { UnitsRepository } from '../store/units-repo';
import { publicSnapshot } from './results';
import { countingForItself, unitsCountingFor } from './units';

/**
 * The officials' and the public's read views. Every figure comes from the nightly snapshots: each
 * part of a view is one GetItem or one Query (the unit, its snapshot, its children's snapshots,
 * its siblings' snapshots, its monthly trend), never a Scan and never a re-computation.
 */
export interface ViewDeps {
  units: UnitsRepository;
  results: ResultsRepository;
  ratings: RatingsRepository;
  policy: { minN: number };
}

export type UnitSummary = Pick<Unit, 'id' | 'name' | 'nameEn' | 'parentId' | 'path' | 'level' | 'mergedInto'>;

/** A snapshot as the public and officials are served it: without the stored tree and histogram. */
export type ServedSnapshot = ReturnType<typeof publicSnapshot>;

export interface ChildRow {
  unitId: string;
  name: string;
  nameEn?: string;
  level: string;
  /** null: no rating at all in the period */
  result: {
    n: number;
    index: number;
    ci95: [number, number];
    sufficient: boolean;
    rank: ServedSnapshot['rank'];
  } | null;
}

export interface TrendPoint {
  period: string;
  n: number;
  index: number;
  ci95: [number, number];
  sufficient: boolean;
}

export interface PeerAverages {
  /** ranked siblings the averages are over (the unit itself left out) */
  count: number;
  factors: Record<string, number>;
  items: Record<string, number>;
}

export interface DashboardView {
  unit: UnitSummary;
  period: string;
  kind: PeriodKind;
  minN: number;
  snapshot: ServedSnapshot | null;
  peers: PeerAverages | null;
  children: ChildRow[];
  trend: TrendPoint[];
}

/** Months of trend shown: a year ending with the period. */
export const TREND_MONTHS = 12;

export function summaryOf(unit: Unit): UnitSummary {
  return {
    id: unit.id,
    name: unit.name,
    ...(unit.nameEn ? { nameEn: unit.nameEn } : {}),
    parentId: unit.parentId,
    path: unit.path,
    level: unit.level,
    ...(unit.mergedInto ? { mergedInto: unit.mergedInto } : {}),
  };
}

/**
 * The average of each factor and item over the ranked siblings (the unit itself left out): the
 * same peers METHODOLOGY.md's peer comparison, and so the snapshot's belowPeers, are based on.
 */
export function peerAverages(unitId: string, siblings: readonly Snapshot[]): PeerAverages | null {
  const peers = siblings.filter((s) => s.unitId !== unitId && s.rank !== null);
  if (peers.length === 0) return null;
  const average = (select: (s: Snapshot) => readonly ReportedFigure[]) => {
    const sums = new Map<string, { sum: number; count: number }>();
    for (const peer of peers) {
      for (const figure of select(peer)) {
        const entry = sums.get(figure.id) ?? { sum: 0, count: 0 };
        entry.sum += figure.index;
        entry.count += 1;
        sums.set(figure.id, entry);
      }
    }
    return Object.fromEntries([...sums].map(([id, { sum, count }]) => [id, round2(sum / count)]));
  };
  return { count: peers.length, factors: average((s) => s.factors), items: average((s) => s.items) };
}

/** The month `months - 1` months before `month`. */
export function monthsBefore(month: string, months: number): string {
  let year = Number(month.slice(0, 4));
  let m = Number(month.slice(5, 7)) - months;
  while (m < 1) {
    m += 12;
    year -= 1;
  }
  return `${year}-${String(m).padStart(2, '0')}`;
}

/** The monthly trend that ends with the last month of `period`. */
export async function monthlyTrend(
  unitId: string,
  period: string,
  results: ResultsRepository,
): Promise<TrendPoint[]> {
  const lastMonth = dayRange(period).last.slice(0, 7);
  const firstMonth = monthsBefore(lastMonth, TREND_MONTHS - 1);
  const snapshots = await results.trend(unitId, 'month', firstMonth, lastMonth);
  return snapshots.map((s) => ({
    period: s.period,
    n: s.n,
    index: s.index,
    ci95: s.ci95,
    sufficient: s.sufficient,
  }));
}

/** Everything one dashboard view shows, for a unit the caller has already been allowed to see. */
export async function dashboardView(unit: Unit, period: string, deps: ViewDeps): Promise<DashboardView> {
  const kind = requireKind(period);
  const [snapshot, childUnits, childSnapshots, siblings, trend] = await Promise.all([
    deps.results.getSnapshot(unit.id, period),
    deps.units.children(unit.id),
    deps.results.siblings(unit.id, period),
    deps.results.siblings(unit.parentId, period),
    monthlyTrend(unit.id, period, deps.results),
  ]);
  const byChild = new Map(childSnapshots.map((s) => [s.unitId, s]));
  const children: ChildRow[] = childUnits.map((child) => {
    const s = byChild.get(child.id);
    return {
      unitId: child.id,
      name: child.name,
      ...(child.nameEn ? { nameEn: child.nameEn } : {}),
      level: child.level,
      result: s ? { n: s.n, index: s.index, ci95: s.ci95, sufficient: s.sufficient, rank: s.rank } : null,
    };
  });
  return {
    unit: summaryOf(unit),
    period,
    kind,
    minN: deps.policy.minN,
    snapshot: snapshot ? publicSnapshot(snapshot) : null,
    peers: peerAverages(unit.id, siblings),
    children,
    trend,
  };
}

export async function readDashboard(unitId: string, period: string, principal: Principal, deps: ViewDeps) {
  const unit = await unitInScope(unitId, principal, deps.units);
  return dashboardView(unit, period, deps);
}

/** The units a principal may pick from: their subtree (everything for an admin), in path order (one Query). */
export async function readTree(principal: Principal, units: UnitsRepository) {
  const scope = await scopeOf(principal, units);
  const subtree = await units.subtree(scope);
  return { scope, units: subtree.filter((u) => isWithin(u.path, scope)).map(summaryOf) };
}

export interface ReportComment {
  unitId: string;
  receivedAt: string;
  text: string;
  flagged?: string;
}

export interface ReportView extends DashboardView {
  /** the ratings of the month that carry a comment, newest first, at most MAX_REPORT_COMMENTS */
  comments: ReportComment[];
  commentsTotal: number;
  /** ratings of the month awaiting review (flagged on submission) */
  flagged: number;
  /** false when the subtree is larger than REPORT_MAX_UNITS: comments are then the unit's own only */
  commentsCoverSubtree: boolean;
}

export const MAX_REPORT_COMMENTS = 500;
/** Reading comments costs one Query per unit-day; beyond this many units a report reads the unit's own only. */
export const REPORT_MAX_UNITS = 40;

/**
 * The monthly report: the dashboard's figures plus the month's comments and flagged count, read
 * from the raw ratings (one Query per unit-day on GSI1). Free text is only ever served here, to
 * officials whose scope contains the unit.
 */
export async function readReport(
  unitId: string,
  month: string,
  principal: Principal,
  deps: ViewDeps,
): Promise<ReportView> {
  if (periodKind(month) !== 'month' || !inServiceYears(month)) {
    throw new ValidationError('period: a monthly report needs a month YYYY-MM', [
      { field: 'period', message: `a month YYYY-MM from ${FIRST_YEAR} to ${LAST_YEAR}` },
    ]);
  }
  const unit = await unitInScope(unitId, principal, deps.units);
  const [view, subtree] = await Promise.all([
    dashboardView(unit, month, deps),
    unitsCountingFor(unit, deps.units),
  ]);
  const coverSubtree = subtree.length <= REPORT_MAX_UNITS;
  const unitIds = (coverSubtree ? subtree : countingForItself(unit, subtree)).map((u) => u.id);
  const { first, last } = dayRange(month);
  const pairs = unitIds.flatMap((id) => daysBetween(first, last).map((day) => ({ id, day })));
  const comments: ReportComment[] = [];
  let flagged = 0;
  await mapConcurrent(pairs, 16, async ({ id, day }) => {
    for await (const page of deps.ratings.unitDay(id, day)) {
      for (const rating of page) {
        if (rating.flagged) flagged += 1;
        const text = rating.comment?.trim();
        if (text) {
          comments.push({
            unitId: id,
            receivedAt: rating.receivedAt,
            text,
            ...(rating.flagged ? { flagged: rating.flagged } : {}),
          });
        }
      }
    }
  });
  comments.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  return {
    ...view,
    comments: comments.slice(0, MAX_REPORT_COMMENTS),
    commentsTotal: comments.length,
    flagged,
    commentsCoverSubtree: coverSubtree,
  };
}

export interface PublicView {
  unit: UnitSummary;
  period: string | null;
  snapshot: ServedSnapshot | null;
  peers: PeerAverages | null;
  trend: TrendPoint[];
  minN: number;
}

/**
 * The public results of a unit: the requested period, or the latest month with results. No
 * comments, no raw ratings, only what the public index endpoint already publishes.
 */
export async function readPublicResults(
  unitId: string,
  period: string | undefined,
  latestMonth: string,
  deps: ViewDeps,
): Promise<PublicView> {
  const unit = await deps.units.get(unitId);
  if (!unit) throw new NotFoundError(`no unit ${unitId}`);
  const trend = await monthlyTrend(unit.id, period ?? latestMonth, deps.results);
  const chosen = period ?? trend.at(-1)?.period ?? null;
  const [snapshot, siblings] = chosen
    ? await Promise.all([
        deps.results.getSnapshot(unit.id, chosen),
        deps.results.siblings(unit.parentId, chosen),
      ])
    : [undefined, []];
  return {
    unit: summaryOf(unit),
    period: chosen,
    snapshot: snapshot ? publicSnapshot(snapshot) : null,
    peers: peerAverages(unit.id, siblings),
    trend,
    minN: deps.policy.minN,
  };
}
