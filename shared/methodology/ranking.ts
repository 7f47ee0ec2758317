import { round2 } from './formulas';

export interface Rankable {
  unitId: string;
  /** unrounded overall index */
  index: number;
  sufficient: boolean;
}

export interface Rank {
  position: number;
  of: number;
  /** places moved up since the previous period of the same kind; null if not ranked then */
  change: number | null;
}

/**
 * Standard competition ranking (1, 2, 2, 4) of sufficient siblings by overall index, highest
 * first. Units tie when their reported (2-decimal) indices are equal: a reader who sees two equal
 * figures must see two equal ranks. Input order never matters.
 */
export function rankSiblings(
  siblings: readonly Rankable[],
  previousPositions: ReadonlyMap<string, number> = new Map(),
): Map<string, Rank> {
  const ranked = siblings
    .filter((s) => s.sufficient)
    .map((s) => ({ unitId: s.unitId, reported: round2(s.index) }))
    .sort((a, b) => b.reported - a.reported || a.unitId.localeCompare(b.unitId));
  const ranks = new Map<string, Rank>();
  ranked.forEach((entry, i) => {
    const previous = ranked[i - 1];
    const position =
      previous && previous.reported === entry.reported ? ranks.get(previous.unitId)!.position : i + 1;
    ranks.set(entry.unitId, {
      position,
      of: ranked.length,
      change: rankChange(previousPositions.get(entry.unitId), position),
    });
  });
  return ranks;
}

/** Places moved up since the previous period (positive: up); null if the unit was not ranked then. */
export function rankChange(previousPosition: number | undefined, position: number): number | null {
  return previousPosition === undefined ? null : previousPosition - position;
}
