import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeIndex, type Figure, type Interval } from '../../../shared/methodology/formulas';
import {
  type Answers,
  addHistogram,
  emptyHistogram,
  type Histogram,
  sumHistograms,
} from '../../../shared/methodology/histogram';
import { type Instrument, instruments, itemIds } from '../../../shared/methodology/instruments';
import {
  belowPeers,
  buildSnapshots,
  DEFAULT_POLICY,
  poolSubtrees,
  type TreeUnit,
} from '../../../shared/methodology/snapshots';
import { histogramOf } from './builders';

const ALL = instruments.ids().map((id) => instruments.get(id)!);

/** A valid rating on an instrument: some items, levels on the scale or 0, at least one on the scale. */
function ratingOn(instrument: Instrument): fc.Arbitrary<readonly [string, Answers]> {
  const ids = itemIds(instrument);
  const top = instrument.scale.levels.length;
  return fc
    .tuple(
      fc.subarray([...ids], { minLength: 1 }),
      fc.array(fc.integer({ min: 0, max: top }), { minLength: ids.length, maxLength: ids.length }),
      fc.integer({ min: 1, max: top }),
    )
    .map(([chosen, levels, first]) => {
      const answers: Answers = {};
      chosen.forEach((id, i) => {
        answers[id] = i === 0 ? first : levels[i]!;
      });
      return [instrument.id, answers] as const;
    });
}

const anyRating = fc.constantFrom(...ALL).chain(ratingOn);
const ratings = fc.array(anyRating, { maxLength: 40 });

function inside(value: number, [lo, hi]: Interval): boolean {
  return 0 <= lo && lo <= value + 1e-9 && value <= hi + 1e-9 && hi <= 100;
}

describe('pooling', () => {
  it('the histogram of two sets of ratings together is the sum of their histograms', () => {
    fc.assert(
      fc.property(ratings, ratings, (a, b) => {
        expect(addHistogram(histogramOf(a), histogramOf(b))).toEqual(histogramOf([...a, ...b]));
      }),
    );
  });

  it('gives the same indices whether computed from the pooled ratings or from summed histograms', () => {
    fc.assert(
      fc.property(fc.array(ratings, { maxLength: 5 }), fc.constantFrom(...ALL), (sets, instrument) => {
        const direct = computeIndex(histogramOf(sets.flat()), instrument, instruments);
        const summed = computeIndex(sumHistograms(sets.map(histogramOf)), instrument, instruments);
        expect(summed).toEqual(direct);
      }),
    );
  });
});

/** A random tree of up to 8 units, each attached to an earlier one (or a root). */
const tree = fc
  .array(fc.tuple(fc.nat(), fc.constantFrom(...ALL.map((i) => i.id))), { minLength: 1, maxLength: 8 })
  .map((spec) => {
    const units: TreeUnit[] = [];
    spec.forEach(([parentPick, instrument], i) => {
      const parent = i === 0 ? undefined : units[parentPick % i];
      const id = `u${i}`;
      units.push({
        id,
        parentId: parent?.id ?? null,
        path: `${parent?.path ?? '/'}${id}/`,
        name: id,
        instrument,
      });
    });
    return units;
  });

describe('roll-up over days and subtrees', () => {
  it('a unit’s period figures equal those computed directly from every rating of its subtree', () => {
    const scenario = tree.chain((units) =>
      fc.tuple(
        fc.constant(units),
        fc.array(
          fc.tuple(fc.constantFrom(...units.map((u) => u.id)), fc.integer({ min: 1, max: 3 }), anyRating),
          {
            maxLength: 60,
          },
        ),
      ),
    );
    fc.assert(
      fc.property(scenario, ([units, rated]) => {
        // Stored the way the nightly job stores them: one histogram per unit-day, summed into the period.
        const unitDay = new Map<string, Histogram>();
        for (const [unitId, day, rating] of rated) {
          const key = `${unitId}|${day}`;
          unitDay.set(key, addHistogram(unitDay.get(key) ?? emptyHistogram(), histogramOf([rating])));
        }
        const own = new Map<string, Histogram>();
        for (const [key, histogram] of unitDay) {
          const unitId = key.split('|')[0]!;
          own.set(unitId, addHistogram(own.get(unitId) ?? emptyHistogram(), histogram));
        }
        const pooled = poolSubtrees(units, own);
        const snapshots = new Map(
          buildSnapshots({
            period: '2026-03',
            units,
            own,
            previousPositions: new Map(),
            registry: instruments,
            policy: DEFAULT_POLICY,
          }).map((s) => [s.unitId, s]),
        );
        for (const unit of units) {
          const subtree = rated.filter(([unitId]) =>
            units.find((u) => u.id === unitId)!.path.startsWith(unit.path),
          );
          const direct = histogramOf(subtree.map(([, , rating]) => rating));
          expect(pooled.get(unit.id)).toEqual(direct);
          const figures = computeIndex(direct, instruments.get(unit.instrument)!, instruments);
          expect(snapshots.get(unit.id)?.n).toBe(figures?.n);
          // a unit has a snapshot exactly when its subtree has ratings
          expect(snapshots.has(unit.id)).toBe(figures !== undefined);
        }
      }),
    );
  });
});

describe('indices and their intervals', () => {
  it('are within 0..100 and every index lies inside its interval, unrounded and as reported', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL),
        fc.array(anyRating, { minLength: 1, maxLength: 60 }),
        (instrument, rated) => {
          const histogram = histogramOf(rated);
          const figures = computeIndex(histogram, instrument, instruments);
          if (!figures) return;
          for (const figure of [
            ...figures.items,
            ...figures.factors,
            { id: 'overall', ...figures } as Figure,
          ]) {
            expect(inside(figure.index, figure.ci95)).toBe(true);
          }
          const [snapshot] = buildSnapshots({
            period: '2026',
            units: [{ id: 'x', parentId: null, path: '/x/', name: 'x', instrument: instrument.id }],
            own: new Map([['x', histogram]]),
            previousPositions: new Map(),
            registry: instruments,
            policy: DEFAULT_POLICY,
          });
          for (const figure of [...snapshot!.items, ...snapshot!.factors, snapshot!]) {
            expect(inside(figure.index, figure.ci95)).toBe(true);
          }
        },
      ),
    );
  });

  it('narrow as n grows: four times the same answers never widen an interval', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL),
        fc.array(anyRating, { minLength: 1, maxLength: 30 }),
        (instrument, rated) => {
          const once = computeIndex(histogramOf(rated), instrument, instruments);
          const four = computeIndex(
            histogramOf([...rated, ...rated, ...rated, ...rated]),
            instrument,
            instruments,
          );
          if (!once || !four) return;
          const width = ([lo, hi]: Interval) => hi - lo;
          expect(four.index).toBeCloseTo(once.index, 9);
          expect(width(four.ci95)).toBeLessThanOrEqual(width(once.ci95) + 1e-9);
          for (const [i, item] of four.items.entries()) {
            expect(width(item.ci95)).toBeLessThan(width(once.items[i]!.ci95));
          }
        },
      ),
    );
  });
});

describe('peer comparison', () => {
  it('lists what the direct definition lists: figures more than the margin below the ranked siblings’ average', () => {
    const siblings = fc.array(
      fc.array(ratingOn(instruments.get('sipas-2023')!), { minLength: 1, maxLength: 8 }),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(siblings, fc.integer({ min: 1, max: 4 }), (sets, minN) => {
        const units: TreeUnit[] = [
          { id: 'p', parentId: null, path: '/p/', name: 'p', instrument: 'sipas-2023' },
        ];
        for (const i of sets.keys()) {
          units.push({
            id: `c${i}`,
            parentId: 'p',
            path: `/p/c${i}/`,
            name: `c${i}`,
            instrument: 'sipas-2023',
          });
        }
        const own = new Map(sets.map((set, i) => [`c${i}`, histogramOf(set)] as const));
        const policy = { minN, peerMargin: 5 };
        const snapshots = buildSnapshots({
          period: '2026',
          units,
          own,
          previousPositions: new Map(),
          registry: instruments,
          policy,
        });
        const figures = new Map<string, ReturnType<typeof computeIndex> & object>(
          sets.map(
            (set, i) =>
              [
                `c${i}`,
                computeIndex(histogramOf(set), instruments.get('sipas-2023')!, instruments)!,
              ] as const,
          ),
        );
        const rankedIds = [...figures].filter(([, f]) => f.n >= minN).map(([id]) => id);
        for (const snapshot of snapshots.filter((s) => s.unitId !== 'p')) {
          const peers = rankedIds.filter((id) => id !== snapshot.unitId).map((id) => figures.get(id)!);
          expect(snapshot.belowPeers).toEqual(belowPeers(figures.get(snapshot.unitId)!, peers, 5));
        }
      }),
    );
  });
});
