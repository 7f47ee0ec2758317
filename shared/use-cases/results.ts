import { NotFoundError } from '../errors';
import type { Snapshot } from '../methodology/snapshots';
import type { ResultsRepository } from '../store/results-repo';

/** The public view of a snapshot (DESIGN.md, GET /v1/units/{unitId}/index). */
export function publicSnapshot(snapshot: Snapshot) {
  return {
    unitId: snapshot.unitId,
    period: snapshot.period,
    instrument: snapshot.instrument,
    n: snapshot.n,
    index: snapshot.index,
    ci95: snapshot.ci95,
    sufficient: snapshot.sufficient,
    factors: snapshot.factors,
    items: snapshot.items,
    rank: snapshot.rank,
    belowPeers: snapshot.belowPeers,
  };
}

export async function readIndex(unitId: string, period: string, results: ResultsRepository) {
  const snapshot = await results.getSnapshot(unitId, period);
  if (!snapshot) throw new NotFoundError(`no results for ${unitId} in ${period}`);
  return publicSnapshot(snapshot);
}

/** Siblings ranked for a period, best first; units without a rank (too few ratings) are left out. */
/** The children of `parentId` ranked for a period; with `null`, the units that have no parent. */
export async function readRankings(parentId: string | null, period: string, results: ResultsRepository) {
  const siblings = await results.siblings(parentId, period);
  if (siblings.length === 0) {
    throw new NotFoundError(
      `no results ${parentId ? `below ${parentId}` : 'of top-level units'} in ${period}`,
    );
  }
  const units = siblings
    .filter((s) => s.rank !== null)
    .map((s) => ({
      unitId: s.unitId,
      name: s.name,
      index: s.index,
      n: s.n,
      position: s.rank!.position,
      change: s.rank!.change,
    }))
    .sort((a, b) => a.position - b.position || a.unitId.localeCompare(b.unitId));
  return { period, parent: parentId, units };
}
