import { mapConcurrent } from '../concurrency';
import type { Unit } from '../domain';
import { daysBetween } from '../methodology/periods';
import type { RatingsRepository } from '../store/ratings-repo';

/**
 * Ratings flagged for review stay stored and counted in the index (a documented choice: a shared
 * office Wi-Fi makes honest bursts common, and dropping them would silently bias the index); this
 * is where officials see how many there were, day by day, to judge whether to act.
 */
export async function flaggedRatings(
  unit: Unit,
  from: string,
  to: string,
  deps: { ratings: RatingsRepository },
) {
  const days = await mapConcurrent(daysBetween(from, to), 8, async (day) => {
    const ratings = await deps.ratings.flaggedOnDay(unit.id, day);
    return { day, flagged: ratings.length, ratings };
  });
  return { unitId: unit.id, from, to, flagged: days.reduce((sum, d) => sum + d.flagged, 0), days };
}
