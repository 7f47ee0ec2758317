import type { InstrumentRegistry } from './instruments';

/**
 * Answer counts for a set of ratings. Pooling is exact: the histogram of a union of disjoint sets
 * is the sum of their histograms, so days add up to months and children to their parent.
 */
export interface Histogram {
  /** ratings in the set */
  n: number;
  /** ratings by the instrument they answered */
  instruments: Record<string, number>;
  /** ratings that answered at least one item of the factor on the scale */
  factors: Record<string, number>;
  /** per item, counts by level: index 0 is "not applicable", index L is level L */
  items: Record<string, number[]>;
}

export type Answers = Record<string, number>;

export function emptyHistogram(): Histogram {
  return { n: 0, instruments: {}, factors: {}, items: {} };
}

/**
 * Adds one rating's answers (validated against its instrument when it was stored) to a histogram
 * in place. An item no instrument knows any more (a new version dropped it without a new id, say)
 * cannot be scored: its answer is left out and reported to `onUnknownItem`, and the rest of the
 * rating counts (a rating with nothing else is not counted at all). One such rating must not stop
 * a whole night, and leaving it out is what every re-run with the same instrument files will do
 * again.
 */
export function addRating(
  histogram: Histogram,
  instrumentId: string,
  answers: Answers,
  registry: InstrumentRegistry,
  onUnknownItem?: (itemId: string) => void,
): void {
  const answeredFactors = new Set<string>();
  let unknown = 0;
  for (const [itemId, level] of Object.entries(answers)) {
    const scale = registry.itemScale(itemId);
    if (!scale) {
      onUnknownItem?.(itemId);
      unknown += 1;
      continue;
    }
    let counts = histogram.items[itemId];
    if (!counts) {
      counts = new Array<number>(scale.levels + 1).fill(0);
      histogram.items[itemId] = counts;
    }
    counts[level] = (counts[level] ?? 0) + 1;
    if (level > 0) answeredFactors.add(scale.factorId);
  }
  // A rating left with nothing to score is not counted: n must not grow on answers left out.
  if (unknown > 0 && unknown === Object.keys(answers).length) return;
  histogram.n += 1;
  histogram.instruments[instrumentId] = (histogram.instruments[instrumentId] ?? 0) + 1;
  for (const factorId of answeredFactors) {
    histogram.factors[factorId] = (histogram.factors[factorId] ?? 0) + 1;
  }
}

/** Adds `other` into `target` in place and returns target. */
export function addHistogram(target: Histogram, other: Histogram): Histogram {
  target.n += other.n;
  for (const [instrumentId, count] of Object.entries(other.instruments)) {
    target.instruments[instrumentId] = (target.instruments[instrumentId] ?? 0) + count;
  }
  for (const [factorId, count] of Object.entries(other.factors)) {
    target.factors[factorId] = (target.factors[factorId] ?? 0) + count;
  }
  for (const [itemId, counts] of Object.entries(other.items)) {
    const into = target.items[itemId];
    if (!into) {
      target.items[itemId] = [...counts];
      continue;
    }
    for (let level = 0; level < counts.length; level++)
      into[level] = (into[level] ?? 0) + (counts[level] ?? 0);
  }
  return target;
}

export function sumHistograms(histograms: Iterable<Histogram>): Histogram {
  const total = emptyHistogram();
  for (const histogram of histograms) addHistogram(total, histogram);
  return total;
}
