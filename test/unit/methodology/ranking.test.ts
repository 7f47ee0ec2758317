import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankSiblings } from '../../../shared/methodology/ranking';
import { rankedOnTree, withRankChanges } from '../../../shared/methodology/snapshots';
import { aSnapshot } from '../../support/builders';

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

describe('rank changes counted again from a recomputed previous period', () => {
  const place = (unitId: string, parentId: string | null, position: number, change: number | null = null) =>
    aSnapshot({ unitId, parentId, rank: { position, of: 3, change } });

  it('counts places moved up against the same siblings, and lists only the changes that moved', () => {
    // Stored April: a 1st (was 1st), b 2nd (was 3rd: +1), c 3rd (was 2nd: -1), d unranked.
    const april = [
      place('a', 'hn', 1, 0),
      place('b', 'hn', 2, 1),
      place('c', 'hn', 3, -1),
      aSnapshot({ unitId: 'd' }),
    ];
    // March recomputed: b 1st, a 2nd, c 3rd.
    const march = [place('b', 'hn', 1), place('a', 'hn', 2), place('c', 'hn', 3)];
    const { snapshots, changed } = withRankChanges(april, march);
    // a: 2 - 1 = +1; b: 1 - 2 = -1; c: 3 - 3 = 0; d has no rank and stays as it was.
    expect(snapshots.map((s) => [s.unitId, s.rank?.change ?? 'unranked'])).toEqual([
      ['a', 1],
      ['b', -1],
      ['c', 0],
      ['d', 'unranked'],
    ]);
    expect(changed.map((s) => s.unitId)).toEqual(['a', 'b', 'c']);
    expect(snapshots[0]).toEqual({ ...april[0], rank: { position: 1, of: 3, change: 1 } });
  });

  it('gives no change to a unit ranked under another parent before, or not ranked at all', () => {
    const april = [place('a', 'hn', 1, 2), place('b', 'hn', 2, 0)];
    // a was 3rd under another parent; b was not ranked in March
    const march = [place('a', 'hcm', 3), aSnapshot({ unitId: 'b', parentId: 'hn' })];
    const { snapshots, changed } = withRankChanges(april, march);
    expect(snapshots.map((s) => s.rank!.change)).toEqual([null, null]);
    expect(changed).toHaveLength(2);
    // nothing to change: nothing listed
    expect(withRankChanges(snapshots, march).changed).toEqual([]);
  });
});

describe("whether a stored period was ranked on today's tree", () => {
  const ranked = (unitId: string, parentId: string | null, position: number, of: number) =>
    aSnapshot({ unitId, parentId, rank: { position, of, change: null } });
  const today = new Map<string, string | null>([
    ['hn', null],
    ['a', 'hn'],
    ['b', 'hn'],
    ['k', 'a'],
  ]);

  it('is when every ranked unit is under the same parent, among as many ranked siblings', () => {
    const stored = [
      ranked('hn', null, 1, 1),
      ranked('a', 'hn', 1, 2),
      ranked('b', 'hn', 2, 2),
      aSnapshot({ unitId: 'k', parentId: 'a' }),
    ];
    expect(rankedOnTree(stored, today)).toBe(true);
  });

  it('is not when a unit has moved, or a sibling it was ranked among has gone', () => {
    // k was ranked under b then; today it is under a
    expect(
      rankedOnTree([ranked('a', 'hn', 1, 2), ranked('b', 'hn', 2, 2), ranked('k', 'b', 1, 1)], today),
    ).toBe(false);
    // a and b were ranked among three: the third has since been merged away
    expect(rankedOnTree([ranked('a', 'hn', 1, 3), ranked('b', 'hn', 3, 3)], today)).toBe(false);
  });
});
