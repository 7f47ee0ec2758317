import { computeIndex, type Figure, type Interval, round2 } from './formulas';
import { addHistogram, emptyHistogram, type Histogram } from './histogram';
import type { InstrumentRegistry } from './instruments';
import { type PeriodKind, requireKind } from './periods';
import { type Rank, rankChange, rankSiblings } from './ranking';

export interface TreeUnit {
  id: string;
  parentId: string | null;
  path: string;
  name: string;
  instrument: string;
}

export interface ReportedFigure {
  id: string;
  index: number;
  n: number;
  ci95: Interval;
}

/** One unit's results for one period, as stored and as served (rounded to 2 decimals). */
export interface Snapshot {
  unitId: string;
  /** the tree this snapshot was computed with: a later move or merge does not rewrite it */
  parentId: string | null;
  path: string;
  name: string;
  period: string;
  kind: PeriodKind;
  instrument: string;
  n: number;
  index: number;
  ci95: Interval;
  sufficient: boolean;
  factors: ReportedFigure[];
  items: ReportedFigure[];
  rank: Rank | null;
  belowPeers: string[];
}

export interface SnapshotPolicy {
  /** n below this is reported but marked insufficient, not ranked, and raises no statistical alert */
  minN: number;
  /** points below the ranked siblings' average for a factor or item to be listed in belowPeers */
  peerMargin: number;
}

export const DEFAULT_POLICY: SnapshotPolicy = { minN: 30, peerMargin: 5 };

function report(figure: Figure): ReportedFigure {
  return {
    id: figure.id,
    index: round2(figure.index),
    n: figure.n,
    ci95: [round2(figure.ci95[0]), round2(figure.ci95[1])],
  };
}

/** Pools each unit's own histogram with all its descendants'. Units absent from the map have none. */
export function poolSubtrees(
  units: readonly TreeUnit[],
  own: ReadonlyMap<string, Histogram>,
): Map<string, Histogram> {
  const pooled = new Map<string, Histogram>();
  // Deepest paths first, so every child is complete before its parent adds it.
  const deepestFirst = [...units].sort((a, b) => b.path.split('/').length - a.path.split('/').length);
  for (const unit of deepestFirst) {
    const total = pooled.get(unit.id) ?? emptyHistogram();
    const ownHistogram = own.get(unit.id);
    if (ownHistogram) addHistogram(total, ownHistogram);
    pooled.set(unit.id, total);
    if (unit.parentId) {
      const parentTotal = pooled.get(unit.parentId) ?? emptyHistogram();
      addHistogram(parentTotal, total);
      pooled.set(unit.parentId, parentTotal);
    }
  }
  return pooled;
}

/**
 * The places of the previous period that rank changes are counted from. A place counts only among
 * the same siblings: after a move, a unit's place under its old parent says nothing about its
 * place under the new one. `parentNow` is the unit's parent in the period being ranked.
 */
export function previousPositionsOf(
  previous: readonly Snapshot[],
  parentNow: (unitId: string) => string | null | undefined,
): Map<string, number> {
  return new Map(
    previous
      .filter((s) => s.rank && parentNow(s.unitId) === s.parentId)
      .map((s) => [s.unitId, s.rank!.position] as const),
  );
}

/**
 * Whether a period's stored snapshots were ranked among the siblings `parentOf` (today's tree)
 * gives them: each ranked unit is under the same parent, and is ranked among as many siblings as
 * are ranked there now. A unit moved in shows in its parent; one moved or merged away leaves its
 * old siblings ranked among more than remain.
 */
export function rankedOnTree(
  stored: readonly Snapshot[],
  parentOf: ReadonlyMap<string, string | null>,
): boolean {
  const rankedUnder = new Map<string | null, number>();
  for (const s of stored) {
    if (!s.rank) continue;
    if (parentOf.get(s.unitId) !== s.parentId) return false;
    rankedUnder.set(s.parentId, (rankedUnder.get(s.parentId) ?? 0) + 1);
  }
  return stored.every((s) => !s.rank || s.rank.of === rankedUnder.get(s.parentId));
}

/**
 * A period's stored snapshots with each rank's change counted again from `previous`, the period
 * before it as it stands now (just recomputed), and the ones whose change moved. Places, figures
 * and everything else stay as they were stored.
 */
export function withRankChanges(
  stored: readonly Snapshot[],
  previous: readonly Snapshot[],
): { snapshots: Snapshot[]; changed: Snapshot[] } {
  const parentOf = new Map(stored.map((s) => [s.unitId, s.parentId] as const));
  const positions = previousPositionsOf(previous, (unitId) => parentOf.get(unitId));
  const changed: Snapshot[] = [];
  const snapshots = stored.map((snapshot) => {
    if (!snapshot.rank) return snapshot;
    const change = rankChange(positions.get(snapshot.unitId), snapshot.rank.position);
    if (change === snapshot.rank.change) return snapshot;
    const updated = { ...snapshot, rank: { ...snapshot.rank, change } };
    changed.push(updated);
    return updated;
  });
  return { snapshots, changed };
}

/**
 * Every snapshot of one period for a whole tree: pooled indices, sufficiency, rank among siblings
 * with its change against `previousPositions`, and the factors and items below the peers' average.
 * Pure: the same inputs give the same snapshots, which is what makes a re-run of a night identical.
 */
export function buildSnapshots(input: {
  period: string;
  units: readonly TreeUnit[];
  own: ReadonlyMap<string, Histogram>;
  previousPositions: ReadonlyMap<string, number>;
  registry: InstrumentRegistry;
  policy: SnapshotPolicy;
}): Snapshot[] {
  const { period, units, registry, policy } = input;
  const kind = requireKind(period);
  const pooled = poolSubtrees(units, input.own);
  const computed = new Map<
    string,
    { unit: TreeUnit; figures: NonNullable<ReturnType<typeof computeIndex>> }
  >();
  for (const unit of units) {
    const histogram = pooled.get(unit.id);
    const instrument = registry.get(unit.instrument);
    if (!instrument) throw new Error(`unit ${unit.id} uses unknown instrument ${unit.instrument}`);
    const figures = histogram && histogram.n > 0 ? computeIndex(histogram, instrument, registry) : undefined;
    if (figures) computed.set(unit.id, { unit, figures });
  }

  const siblingsOf = new Map<string, string[]>();
  for (const { unit } of computed.values()) {
    const key = unit.parentId ?? '';
    const ids = siblingsOf.get(key) ?? [];
    ids.push(unit.id);
    siblingsOf.set(key, ids);
  }

  const ranks = new Map<string, Rank>();
  const rankedOf = new Map<string, string[]>();
  for (const [parentKey, ids] of siblingsOf) {
    const rankable = ids.map((id) => {
      const { figures } = computed.get(id)!;
      return { unitId: id, index: figures.index, sufficient: figures.n >= policy.minN };
    });
    for (const [id, rank] of rankSiblings(rankable, input.previousPositions)) ranks.set(id, rank);
    rankedOf.set(
      parentKey,
      rankable.filter((r) => r.sufficient).map((r) => r.unitId),
    );
  }

  // Per parent, the sum and count of each figure over its ranked children, so each unit's peer
  // average (its ranked siblings, itself excluded) costs one subtraction, not a pass over siblings.
  const peerTotals = new Map<string, Map<string, { sum: number; count: number }>>();
  for (const [parentKey, ids] of rankedOf) {
    const totals = new Map<string, { sum: number; count: number }>();
    for (const id of ids) {
      const { figures } = computed.get(id)!;
      for (const figure of [...figures.factors, ...figures.items]) {
        const total = totals.get(figure.id) ?? { sum: 0, count: 0 };
        total.sum += figure.index;
        total.count += 1;
        totals.set(figure.id, total);
      }
    }
    peerTotals.set(parentKey, totals);
  }

  const snapshots: Snapshot[] = [];
  for (const { unit, figures } of computed.values()) {
    const parentKey = unit.parentId ?? '';
    const ranked = (rankedOf.get(parentKey) ?? []).includes(unit.id);
    snapshots.push({
      unitId: unit.id,
      parentId: unit.parentId,
      path: unit.path,
      name: unit.name,
      period,
      kind,
      instrument: unit.instrument,
      n: figures.n,
      index: round2(figures.index),
      ci95: [round2(figures.ci95[0]), round2(figures.ci95[1])],
      sufficient: figures.n >= policy.minN,
      factors: figures.factors.map(report),
      items: figures.items.map(report),
      rank: ranks.get(unit.id) ?? null,
      belowPeers: belowPeerAverage(figures, peerTotals.get(parentKey), ranked, policy.peerMargin),
    });
  }
  return snapshots.sort((a, b) => a.path.localeCompare(b.path));
}

type Figures = NonNullable<ReturnType<typeof computeIndex>>;

/**
 * "More than `margin` below": an average of peers computed as a total less the unit's own figure
 * may differ from the same average summed directly in the last bits, so a figure exactly on the
 * margin must not fall on either side by rounding. Real differences between indices are far
 * larger than the tolerance.
 */
function isMoreThanBelow(value: number, average: number, margin: number): boolean {
  return value < average - margin - 1e-9;
}

/**
 * Factors, then items, more than `margin` points below the average of the same figure among the
 * unit's ranked siblings (the unit itself taken out of the totals when it is one of them).
 */
function belowPeerAverage(
  own: Figures,
  totals: ReadonlyMap<string, { sum: number; count: number }> | undefined,
  selfIncluded: boolean,
  margin: number,
): string[] {
  if (!totals) return [];
  return [...own.factors, ...own.items]
    .filter((figure) => {
      const total = totals.get(figure.id);
      if (!total) return false;
      const sum = selfIncluded ? total.sum - figure.index : total.sum;
      const count = selfIncluded ? total.count - 1 : total.count;
      return count > 0 && isMoreThanBelow(figure.index, sum / count, margin);
    })
    .map((figure) => figure.id);
}

/** Factors, then items, whose index is more than `margin` points below the average of the same figure among peers. */
export function belowPeers(own: Figures, peers: readonly Figures[], margin: number): string[] {
  if (peers.length === 0) return [];
  const below = (mine: readonly Figure[], select: (peer: Figures) => readonly Figure[]) =>
    mine
      .filter((figure) => {
        const peerValues = peers.flatMap((peer) =>
          select(peer)
            .filter((f) => f.id === figure.id)
            .map((f) => f.index),
        );
        if (peerValues.length === 0) return false;
        const average = peerValues.reduce((sum, v) => sum + v, 0) / peerValues.length;
        return isMoreThanBelow(figure.index, average, margin);
      })
      .map((figure) => figure.id);
  return [...below(own.factors, (peer) => peer.factors), ...below(own.items, (peer) => peer.items)];
}
