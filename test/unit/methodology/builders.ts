import {
  type Answers,
  addRating,
  emptyHistogram,
  type Histogram,
} from '../../../shared/methodology/histogram';
import { instruments } from '../../../shared/methodology/instruments';

/** The histogram of a list of ratings, each given as [instrument id, answers]. */
export function histogramOf(ratings: readonly (readonly [string, Answers])[]): Histogram {
  const histogram = emptyHistogram();
  for (const [instrumentId, answers] of ratings) addRating(histogram, instrumentId, answers, instruments);
  return histogram;
}

export function instrument(id: string) {
  const found = instruments.get(id);
  if (!found) throw new Error(`no instrument ${id}`);
  return found;
}
