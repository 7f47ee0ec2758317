import { describe, expect, it } from 'vitest';
import {
  belowPeers,
  belowTarget,
  DEFAULT_THRESHOLDS,
  dissatisfactionSpike,
  evaluateRules,
  lowShare,
  rankDrop,
  rulesFor,
  significantDrop,
  thresholdsFor,
} from '../../shared/alerts/rules';
import { loadConfig } from '../../shared/config';
import { Z95 } from '../../shared/methodology/formulas';
import type { Histogram } from '../../shared/methodology/histogram';
import { instruments } from '../../shared/methodology/instruments';
import type { Snapshot } from '../../shared/methodology/snapshots';
import { aSnapshot } from '../support/builders';

const t = DEFAULT_THRESHOLDS;
const scaleOf = (itemId: string) => instruments.itemScale(itemId);

const snapshot = aSnapshot;

/** An interval whose implied standard error is `se`: half-width se × 1.96. */
function withSe(index: number, se: number): Pick<Snapshot, 'index' | 'ci95'> {
  return { index, ci95: [index - se * Z95, index + se * Z95] };
}

/** A histogram of `n` ratings that each answered staff.polite; counts by level 1..5. */
function polite(n: number, levels: [number, number, number, number, number]): Histogram {
  return {
    n,
    instruments: { 'sipas-2023': n },
    factors: { staff: n },
    items: { 'staff.polite': [0, ...levels] },
  };
}

describe('below-target', () => {
  it('fires when the whole interval is below the target, as a warning within 10 points', () => {
    const alert = belowTarget(snapshot({ index: 72.5, ci95: [65, 79.99] }), t);
    expect(alert).toMatchObject({ rule: 'below-target', severity: 'warning', period: '2025-03' });
    expect(alert!.figures).toEqual({ index: 72.5, ci95Low: 65, ci95High: 79.99, target: 80, n: 100 });
  });
  it('stays quiet when the upper bound reaches the target', () => {
    expect(belowTarget(snapshot({ ci95: [65, 80] }), t)).toBeUndefined();
  });
  it('is critical when even the upper bound is 10 points short (80 − 70 = 10), a warning at 9.99', () => {
    expect(belowTarget(snapshot({ ci95: [50, 70] }), t)?.severity).toBe('critical');
    expect(belowTarget(snapshot({ ci95: [50, 70.01] }), t)?.severity).toBe('warning');
  });
  it('says nothing about insufficient units', () => {
    expect(belowTarget(snapshot({ n: 29, sufficient: false, ci95: [0, 20] }), t)).toBeUndefined();
  });
  it('uses a unit’s own target over the city default', () => {
    const own = thresholdsFor(t, { target: 75 });
    expect(belowTarget(snapshot({ ci95: [60, 76] }), own)).toBeUndefined();
    expect(belowTarget(snapshot({ ci95: [60, 74.99] }), own)?.figures.target).toBe(75);
  });
});

describe('significant-drop', () => {
  const previous = (index: number, se: number) => snapshot({ period: '2025-02', ...withSe(index, se) });
  it('fires on a fall of ≥ 5 points whose z reaches 1.96', () => {
    // se 2 in both months: √(4 + 4) = 2.8284; a 5.6-point fall gives z = 5.6 / 2.8284 = 1.98.
    const alert = significantDrop(snapshot(withSe(79.4, 2)), previous(85, 2), t);
    expect(alert).toMatchObject({ rule: 'significant-drop', severity: 'warning' });
    expect(alert!.figures).toMatchObject({
      fall: 5.6,
      z: 1.98,
      previousIndex: 85,
      previousPeriod: '2025-02',
    });
  });
  it('stays quiet when the fall is large enough but not significant', () => {
    // 5.5 / 2.8284 = 1.94 < 1.96
    expect(significantDrop(snapshot(withSe(79.5, 2)), previous(85, 2), t)).toBeUndefined();
  });
  it('stays quiet below 5 points however significant', () => {
    // se 0.5: √0.5 = 0.7071, z = 4.99 / 0.7071 = 7.06, but 4.99 < 5
    expect(significantDrop(snapshot(withSe(80.01, 0.5)), previous(85, 0.5), t)).toBeUndefined();
    expect(significantDrop(snapshot(withSe(80, 0.5)), previous(85, 0.5), t)?.figures.fall).toBe(5);
  });
  it('is critical from a 10-point fall', () => {
    expect(significantDrop(snapshot(withSe(75, 0.5)), previous(85, 0.5), t)?.severity).toBe('critical');
    expect(significantDrop(snapshot(withSe(75.01, 0.5)), previous(85, 0.5), t)?.severity).toBe('warning');
  });
  it('needs both periods sufficient and of the same kind', () => {
    expect(
      significantDrop(snapshot(withSe(70, 0.5)), { ...previous(85, 0.5), sufficient: false }, t),
    ).toBeUndefined();
    expect(
      significantDrop(snapshot(withSe(70, 0.5)), { ...previous(85, 0.5), kind: 'day' }, t),
    ).toBeUndefined();
    expect(significantDrop(snapshot(withSe(70, 0.5)), undefined, t)).toBeUndefined();
  });
});

describe('rank-drop', () => {
  it('fires as info when the unit lost 5 places (2nd → 7th)', () => {
    const alert = rankDrop(snapshot({ rank: { position: 7, of: 12, change: -5 } }), t);
    expect(alert).toMatchObject({ rule: 'rank-drop', severity: 'info' });
    expect(alert!.figures).toMatchObject({ position: 7, previousPosition: 2, of: 12, lost: 5 });
  });
  it('stays quiet after 4 places, a rise, or no previous rank', () => {
    expect(rankDrop(snapshot({ rank: { position: 6, of: 12, change: -4 } }), t)).toBeUndefined();
    expect(rankDrop(snapshot({ rank: { position: 1, of: 12, change: 6 } }), t)).toBeUndefined();
    expect(rankDrop(snapshot({ rank: { position: 9, of: 12, change: null } }), t)).toBeUndefined();
  });
  it('is a warning from 10 places', () => {
    expect(rankDrop(snapshot({ rank: { position: 11, of: 12, change: -10 } }), t)?.severity).toBe('warning');
    expect(rankDrop(snapshot({ rank: { position: 10, of: 12, change: -9 } }), t)?.severity).toBe('info');
  });
});

describe('below-peers', () => {
  const factor = (id: string, index: number) => ({
    id,
    index,
    n: 100,
    ci95: [index - 5, index + 5] as [number, number],
  });
  const peer = (unitId: string, staff: number, sufficient = true) =>
    snapshot({ unitId, path: `/hn/ba-dinh/${unitId}/`, sufficient, factors: [factor('staff', staff)] });

  it('fires when a factor is 5 points below the peers’ average ((74 + 76) / 2 − 70 = 5)', () => {
    const own = snapshot({ factors: [factor('staff', 70), factor('access', 90)] });
    const alert = belowPeers(own, [own, peer('kim-ma', 74), peer('cong-vi', 76)], t);
    expect(alert).toMatchObject({ rule: 'below-peers', severity: 'info' });
    expect(alert!.figures).toMatchObject({
      factor: 'staff',
      factorIndex: 70,
      peerAverage: 75,
      gap: 5,
      peers: 2,
      factorsBehind: 'staff',
    });
  });
  it('stays quiet at 4.99 points', () => {
    const own = snapshot({ factors: [factor('staff', 70.01)] });
    expect(belowPeers(own, [peer('kim-ma', 74), peer('cong-vi', 76)], t)).toBeUndefined();
  });
  it('is a warning from 10 points and ignores insufficient siblings', () => {
    const own = snapshot({ factors: [factor('staff', 70)] });
    const alert = belowPeers(own, [peer('kim-ma', 80), peer('tiny', 0, false)], t);
    expect(alert).toMatchObject({ severity: 'warning', figures: { peerAverage: 80, gap: 10, peers: 1 } });
  });
  it('needs peers', () => {
    expect(belowPeers(snapshot({ factors: [factor('staff', 10)] }), [], t)).toBeUndefined();
  });
});

describe('dissatisfaction-spike', () => {
  const daySnapshot = snapshot({ period: '2025-03-10', kind: 'day', sufficient: false });
  // trailing: 100 answers, 5 at level 1 and 5 at level 2: share 10 %
  const trailing = polite(100, [5, 5, 20, 35, 35]);
  const spike = (day: Histogram, before: Histogram) =>
    dissatisfactionSpike({ ...daySnapshot, n: day.n }, { day, trailing: before }, scaleOf, t);

  it('fires when the day’s share of the two lowest levels doubles (4 of 20 = 20 % vs 10 %)', () => {
    const alert = spike(polite(20, [2, 2, 4, 6, 6]), trailing);
    expect(alert).toMatchObject({ rule: 'dissatisfaction-spike', severity: 'warning', period: '2025-03-10' });
    expect(alert!.figures).toEqual({
      share: 20,
      trailingShare: 10,
      ratio: 2,
      lowAnswers: 4,
      answers: 20,
      n: 20,
      trailingN: 100,
    });
  });
  it('stays quiet at 1.5 times (3 of 20 = 15 %)', () => {
    expect(spike(polite(20, [2, 1, 5, 6, 6]), trailing)).toBeUndefined();
  });
  it('needs 20 ratings that day and a trailing baseline of 30', () => {
    expect(spike(polite(19, [4, 4, 3, 4, 4]), trailing)).toBeUndefined();
    expect(spike(polite(20, [4, 4, 4, 4, 4]), polite(29, [1, 1, 9, 9, 9]))).toBeUndefined();
  });
  it('is critical from 4 times (8 of 20 = 40 %)', () => {
    expect(spike(polite(20, [4, 4, 4, 4, 4]), trailing)?.severity).toBe('critical');
  });
  it('counts only dissatisfied levels on the 3-level counter form (level 1, not level 2 "Hài lòng")', () => {
    const counter: Histogram = {
      n: 10,
      instruments: { 'counter-3': 10 },
      factors: { overall: 10 },
      items: { 'overall.service': [1, 2, 3, 4] },
    };
    // 2 at level 1 of 9 answers on the scale (1 not applicable)
    expect(lowShare(counter, scaleOf)).toEqual({ low: 2, answers: 9 });
  });
});

describe('which rules run on which periods', () => {
  it('runs the period rules on the configured kinds, month alone by default, and the spike on days', () => {
    const kinds = loadConfig({ TABLE_NAME: 't' } as NodeJS.ProcessEnv).ALERT_PERIODS;
    expect(kinds).toEqual(['month']);
    expect(rulesFor('month', kinds)).toEqual([
      'below-target',
      'significant-drop',
      'rank-drop',
      'below-peers',
    ]);
    expect(rulesFor('day', kinds)).toEqual(['dissatisfaction-spike']);
    expect(rulesFor('quarter', kinds)).toEqual([]);
    const all = loadConfig({
      TABLE_NAME: 't',
      ALERT_PERIODS: 'day,quarter,year',
    } as NodeJS.ProcessEnv).ALERT_PERIODS;
    expect(rulesFor('day', all)).toEqual([
      'below-target',
      'significant-drop',
      'rank-drop',
      'below-peers',
      'dissatisfaction-spike',
    ]);
    expect(rulesFor('month', all)).toEqual([]);
    expect(() => loadConfig({ TABLE_NAME: 't', ALERT_PERIODS: 'week' } as NodeJS.ProcessEnv)).toThrow(
      /ALERT_PERIODS/,
    );
  });

  it('evaluates only the rules it is given', () => {
    // upper bound 70 < 80: below-target fires when asked, and only then
    const low = snapshot({ index: 60, ci95: [50, 70] });
    const input = { snapshot: low, siblings: [], scaleOf, thresholds: t };
    expect(evaluateRules(input).map((a) => a.rule)).toEqual(['below-target']);
    expect(evaluateRules({ ...input, rules: rulesFor('quarter', ['month']) })).toEqual([]);
  });
});
