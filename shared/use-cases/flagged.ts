import { mapConcurrent } from '../concurrency';
import type { Unit } from '../domain';
import { daysBetween } from '../methodology/periods';
import type { RatingsRepository } from '../store/ratings-repo';
import type { UnitsRepository } from '../store/units-repo';
import { countingForItself, unitsCountingFor } from './units';

/**
 * Ratings flagged for review stay stored and counted in the index (a documented choice: a shared
 * office Wi-Fi makes honest bursts common, and dropping them would silently bias the index); this
 * is where officials see how many there were, day by day, to judge whether to act.
 */
export async function flaggedRatings(
  unit: Unit,
  from: string,
  to: string,
  deps: { ratings: RatingsRepository; units: UnitsRepository },
) {
  // the unit's own, and those of the units merged into it, whose ratings count here
  const unitIds = countingForItself(unit, await unitsCountingFor(unit, deps.units)).map((u) => u.id);
  const days = await mapConcurrent(daysBetween(from, to), 8, async (day) => {
    const perUnit = await Promise.all(
      unitIds.map(async (unitId) =>
        (await deps.ratings.flaggedOnDay(unitId, day)).map((rating) => ({ unitId, ...rating })),
      ),
    );
    const ratings = perUnit.flat().sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    return { day, flagged: ratings.length, ratings };
  });
  return { unitId: unit.id, from, to, flagged: days.reduce((sum, d) => sum + d.flagged, 0), days };
}
