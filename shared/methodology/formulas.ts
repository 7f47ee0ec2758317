import type { Histogram } from './histogram';
import { type Instrument, type InstrumentRegistry, itemIds } from './instruments';

/** z for a two-sided 95 % interval */
export const Z95 = 1.959963984540054;

export type Interval = [number, number];

export interface Figure {
  id: string;
  /** percentage, unrounded */
  index: number;
  /** ratings (factors) or answers on the scale (items) */
  n: number;
  ci95: Interval;
}

export interface IndexFigures {
  n: number;
  index: number;
  ci95: Interval;
  factors: Figure[];
  items: Figure[];
}

/**
 * Wilson score interval for a proportion, in percent. Unlike the normal approximation it stays
 * inside 0..100, is never empty at 0 % or 100 %, and always contains the point estimate.
 */
export function wilsonInterval(successes: number, total: number, z = Z95): Interval {
  if (total <= 0) throw new RangeError('an interval needs at least one answer');
  const p = successes / total;
  const z2 = z * z;
  const denominator = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / denominator;
  return [Math.max(0, centre - half) * 100, Math.min(1, centre + half) * 100];
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * The interval of a mean of indices: the mean of their lower bounds to the mean of their upper
 * bounds. This is exact when the components' errors move together (the same respondents answer
 * every item) and conservative otherwise, so it never claims more precision than the data has,
 * and it can be computed from histograms alone. See docs/methodology.md.
 */
function meanInterval(figures: readonly Figure[]): Interval {
  return [mean(figures.map((f) => f.ci95[0])), mean(figures.map((f) => f.ci95[1]))];
}

/**
 * Item, factor and overall indices of a set of ratings given as its histogram
 * (METHODOLOGY.md, "Formulas"), on the items of one instrument: a unit's results are on its own
 * instrument, and ratings its subtree made on another instrument count through the items the two
 * share (an item id is one question on one scale everywhere). Returns undefined when no item of
 * the instrument has an answer on the scale.
 */
export function computeIndex(
  histogram: Histogram,
  instrument: Instrument,
  registry: InstrumentRegistry,
): IndexFigures | undefined {
  const itemsByFactor = new Map<string, Figure[]>();
  const items: Figure[] = [];
  // The instrument's own order of factors and items, so every snapshot lists them as the form asks them.
  for (const itemId of itemIds(instrument)) {
    const counts = histogram.items[itemId];
    if (!counts) continue;
    const scale = registry.itemScale(itemId);
    if (!scale) throw new Error(`unknown item ${itemId}`);
    let onScale = 0;
    let satisfied = 0;
    for (let level = 1; level < counts.length; level++) {
      const count = counts[level] ?? 0;
      onScale += count;
      if (level >= scale.satisfiedFrom) satisfied += count;
    }
    if (onScale === 0) continue;
    const figure = {
      id: itemId,
      index: (100 * satisfied) / onScale,
      n: onScale,
      ci95: wilsonInterval(satisfied, onScale),
    };
    items.push(figure);
    const siblings = itemsByFactor.get(scale.factorId) ?? [];
    siblings.push(figure);
    itemsByFactor.set(scale.factorId, siblings);
  }
  if (items.length === 0) return undefined;
  const factors: Figure[] = [...itemsByFactor].map(([factorId, factorItems]) => ({
    id: factorId,
    index: mean(factorItems.map((item) => item.index)),
    n: histogram.factors[factorId] ?? 0,
    ci95: meanInterval(factorItems),
  }));
  return {
    n: ratingsOn(histogram, instrument, registry),
    index: mean(factors.map((factor) => factor.index)),
    ci95: meanInterval(factors),
    factors,
    items,
  };
}

/**
 * Rounds to 2 decimals, half away from zero. Indices are means of ratios of integers, so a value
 * that is exactly on a half (85.145) may arrive as 85.14499999999999; the tolerance, far below
 * any real difference between two indices, puts it back on the half before rounding.
 */
export function round2(value: number): number {
  const scaled = Math.abs(value) * 100;
  const rounded = Math.floor(scaled + 0.5 + 1e-9) / 100;
  return value < 0 ? -rounded : rounded;
}

/** Ratings in the histogram made on the instrument, or on another that shares at least one item with it. */
export function ratingsOn(
  histogram: Histogram,
  instrument: Instrument,
  registry: InstrumentRegistry,
): number {
  const own = new Set(itemIds(instrument));
  let n = 0;
  for (const [instrumentId, count] of Object.entries(histogram.instruments)) {
    const other = registry.get(instrumentId);
    if (other && itemIds(other).some((id) => own.has(id))) n += count;
  }
  return n;
}
