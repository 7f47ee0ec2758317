import { describe, expect, it } from 'vitest';
import { computeIndex, round2, wilsonInterval } from '../../../shared/methodology/formulas';
import { instruments } from '../../../shared/methodology/instruments';
import { histogramOf, instrument } from './builders';

const rounded = (interval: [number, number]) => interval.map(round2);

describe('item, factor and overall indices, worked by hand', () => {
  it('sipas-2023: items pool answers, factors average items, overall averages factors', () => {
    const figures = computeIndex(
      histogramOf([
        [
          'sipas-2023',
          {
            'access.signage': 5,
            'access.facilities': 4,
            'access.equipment': 2,
            'staff.polite': 5,
            'staff.guidance': 3,
            'staff.rules': 0,
          },
        ],
        [
          'sipas-2023',
          {
            'access.signage': 3,
            'staff.polite': 4,
            'staff.guidance': 4,
            'staff.rules': 5,
            'result.ontime': 1,
          },
        ],
        [
          'sipas-2023',
          {
            'access.signage': 4,
            'access.facilities': 1,
            'result.ontime': 5,
            'result.accurate': 4,
            'feedback.channel': 0,
            'procedure.time': 2,
          },
        ],
      ]),
      instrument('sipas-2023'),
      instruments,
    )!;
    // Items (satisfied = 4 or 5; 0 is not applicable and leaves the item's count):
    //   access.signage 5,3,4 → 2/3 = 66.667   access.facilities 4,1 → 1/2 = 50   access.equipment 2 → 0/1 = 0
    //   procedure.time 2 → 0/1 = 0
    //   staff.polite 5,4 → 2/2 = 100   staff.guidance 3,4 → 1/2 = 50   staff.rules (n/a),5 → 1/1 = 100
    //   result.ontime 1,5 → 1/2 = 50   result.accurate 4 → 1/1 = 100
    //   feedback.channel: only "not applicable" → no figure, and no feedback factor
    expect(figures.items.map((f) => [f.id, round2(f.index), f.n])).toEqual([
      ['access.signage', 66.67, 3],
      ['access.facilities', 50, 2],
      ['access.equipment', 0, 1],
      ['procedure.time', 0, 1],
      ['staff.polite', 100, 2],
      ['staff.guidance', 50, 2],
      ['staff.rules', 100, 1],
      ['result.ontime', 50, 2],
      ['result.accurate', 100, 1],
    ]);
    // Factors: access (66.667 + 50 + 0)/3 = 38.889; procedure 0; staff (100 + 50 + 100)/3 = 83.333;
    // result (50 + 100)/2 = 75. Factor n counts ratings that answered the factor: 3, 1, 2, 2.
    expect(figures.factors.map((f) => [f.id, round2(f.index), f.n])).toEqual([
      ['access', 38.89, 3],
      ['procedure', 0, 1],
      ['staff', 83.33, 2],
      ['result', 75, 2],
    ]);
    // Overall: (38.889 + 0 + 83.333 + 75)/4 = 197.222/4 = 49.3056 → 49.31 (not the item mean, 57.41).
    expect(round2(figures.index)).toBe(49.31);
    expect(figures.n).toBe(3);
    // Wilson 2/3 at 95 %: centre (0.6667 + 1.9207/3)/(1 + 3.8415/3) = 0.5731, half-width
    // 1.96·√(0.2222/3 + 3.8415/36)/2.2805 = 0.3654 → 20.77 .. 93.85.
    expect(rounded(figures.items[0]!.ci95)).toEqual([20.77, 93.85]);
    // The procedure factor has one item, 0/1: Wilson 0 .. 79.35, and the factor takes it as is.
    expect(rounded(figures.factors[1]!.ci95)).toEqual([0, 79.35]);
    // The result factor: Wilson 1/2 = 9.45 .. 90.55 and 1/1 = 20.65 .. 100; their mean is 15.05 .. 95.27.
    expect(rounded(figures.factors[3]!.ci95)).toEqual([15.05, 95.27]);
  });

  it('sipas-2017: the same formulas on its 22 items', () => {
    const figures = computeIndex(
      histogramOf([
        [
          'sipas-2017',
          { 'access.seats': 5, 'access.modern': 2, 'procedure.complete': 4, 'staff.listens': 1 },
        ],
        [
          'sipas-2017',
          {
            'access.seats': 4,
            'access.modern': 4,
            'procedure.complete': 0,
            'staff.listens': 3,
            'feedback.easy': 5,
          },
        ],
      ]),
      instrument('sipas-2017'),
      instruments,
    )!;
    // access.seats 2/2 = 100, access.modern 1/2 = 50 → access 75; procedure.complete 1/1 = 100;
    // staff.listens 0/2 = 0; feedback.easy 1/1 = 100. Overall (75 + 100 + 0 + 100)/4 = 68.75.
    expect(figures.factors.map((f) => [f.id, round2(f.index)])).toEqual([
      ['access', 75],
      ['procedure', 100],
      ['staff', 0],
      ['feedback', 100],
    ]);
    expect(round2(figures.index)).toBe(68.75);
    expect(figures.n).toBe(2);
  });

  it('counter-3: levels 2 and 3 are satisfied', () => {
    const levels = [1, 2, 3, 3, 2, 1, 3];
    const figures = computeIndex(
      histogramOf(levels.map((level) => ['counter-3', { 'overall.service': level }] as const)),
      instrument('counter-3'),
      instruments,
    )!;
    // 5 of 7 at level 2 or 3: 71.4286 → 71.43, the item, its factor and the overall index alike.
    expect(round2(figures.index)).toBe(71.43);
    expect(round2(figures.factors[0]!.index)).toBe(71.43);
    // Wilson 5/7: centre (0.7143 + 0.2744)/1.5488 = 0.6384, half 1.96·√(0.02915 + 0.01960)/1.5488 = 0.2794.
    expect(rounded(figures.ci95)).toEqual([35.89, 91.78]);
    expect(figures.n).toBe(7);
  });

  it('has no figures when every answer is "not applicable"', () => {
    expect(
      computeIndex(
        histogramOf([['sipas-2023', { 'staff.polite': 0 }]]),
        instrument('sipas-2023'),
        instruments,
      ),
    ).toBeUndefined();
  });

  it('reports a parent on its own instrument, pooling only the items it shares with a child’s', () => {
    // A sipas-2023 parent over a counter-3 counter: no item in common, so the counter's ratings
    // neither count in n nor move the parent's index.
    const figures = computeIndex(
      histogramOf([
        ['sipas-2023', { 'staff.polite': 5 }],
        ['counter-3', { 'overall.service': 1 }],
      ]),
      instrument('sipas-2023'),
      instruments,
    )!;
    expect(figures.n).toBe(1);
    expect(figures.index).toBe(100);
  });
});

describe('wilson interval', () => {
  it('matches the textbook values', () => {
    // 0/1 → 0 .. 0.7935; 1/2 → 0.0945 .. 0.9055 (Wilson 1927; e.g. Newcombe 1998, table I method 3)
    expect(rounded(wilsonInterval(0, 1))).toEqual([0, 79.35]);
    expect(rounded(wilsonInterval(1, 2))).toEqual([9.45, 90.55]);
  });

  it('refuses an empty sample', () => {
    expect(() => wilsonInterval(0, 0)).toThrow(RangeError);
  });
});

describe('rounding', () => {
  it('rounds halves away from zero', () => {
    expect(round2(0.125)).toBe(0.13); // 1 satisfied answer of 800
    expect(round2(-0.125)).toBe(-0.13);
    expect(round2(2.675)).toBe(2.68); // 2.675 is 2.67499999999999982236431605997495353221893310546875 in binary
    expect(round2((85.14 + 85.15) / 2)).toBe(85.15);
    expect(round2(85.144)).toBe(85.14);
    expect(round2(100)).toBe(100);
  });
});
