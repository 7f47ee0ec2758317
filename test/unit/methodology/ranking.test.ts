import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankSiblings } from '../../../shared/methodology/ranking';

describe('ranking among siblings', () => {
  it('uses standard competition ranking for ties (1, 2, 2, 4)', () => {
    const ranks = rankSiblings([
      { unitId: 'd', index: 80, sufficient: true },
      { unitId: 'b', index: 85.001, sufficient: true },
      { unitId: 'a', index: 90, sufficient: true },
      { unitId: 'c', index: 84.998, sufficient: true },
    ]);
    // b and c both report 85.00, so readers see a tie and both are 2nd; d is 4th, not 3rd.
    expect(Object.fromEntries([...ranks].map(([id, rank]) => [id, rank.position]))).toEqual({
      a: 1,
      b: 2,
      c: 2,
      d: 4,
    });
    expect([...ranks.values()].every((rank) => rank.of === 4)).toBe(true);
  });

  it('leaves insufficient units out of the ranking and out of `of`', () => {
    const ranks = rankSiblings([
      { unitId: 'a', index: 70, sufficient: true },
      { unitId: 'small', index: 99, sufficient: false },
      { unitId: 'b', index: 60, sufficient: true },
    ]);
    expect(ranks.has('small')).toBe(false);
    expect(ranks.get('a')).toEqual({ position: 1, of: 2, change: null });
  });

  it('reports the change against the previous period: positive means moved up', () => {
    const ranks = rankSiblings(
      [
        { unitId: 'a', index: 70, sufficient: true },
        { unitId: 'b', index: 80, sufficient: true },
        { unitId: 'c', index: 90, sufficient: true },
      ],
      new Map([
        ['a', 1],
        ['c', 3],
      ]),
    );
    expect(ranks.get('c')!.change).toBe(2);
    expect(ranks.get('a')!.change).toBe(-2);
    expect(ranks.get('b')!.change).toBeNull();
  });

  it('does not depend on the order of its input', () => {
    const sibling = fc.record({
      unitId: fc.string({ minLength: 1, maxLength: 4 }),
      index: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(50, 75, 80)),
      sufficient: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc
          .uniqueArray(sibling, { selector: (s) => s.unitId, maxLength: 12 })
          .chain((siblings) =>
            fc.tuple(fc.constant(siblings), fc.shuffledSubarray(siblings, { minLength: siblings.length })),
          ),
        ([siblings, shuffled]) => {
          expect(rankSiblings(shuffled)).toEqual(rankSiblings(siblings));
        },
      ),
    );
  });
});
