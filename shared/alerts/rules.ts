import { Z95 } from '../methodology/formulas';
import type { Histogram } from '../methodology/histogram';
import type { PeriodKind } from '../methodology/periods';
import type { Snapshot } from '../methodology/snapshots';

/**
 * The alert rules of DESIGN.md ("Alerts"), as pure functions over snapshots. Each returns the
 * alert it raises, with the figures behind it, or undefined. Choices the spec leaves open (how
 * significance is tested, what a "share" is, the severity bands) are written down in
 * docs/alerts.md and next to the code that makes them.
 */
export type RuleId =
  | 'below-target'
  | 'significant-drop'
  | 'rank-drop'
  | 'below-peers'
  | 'dissatisfaction-spike';
export const RULE_IDS: readonly RuleId[] = [
  'below-target',
  'significant-drop',
  'rank-drop',
  'below-peers',
  'dissatisfaction-spike',
];

/**
 * The rules that judge a period's level (as opposed to dissatisfaction-spike, which compares a
 * day with the days before it): evaluated on the period kinds the city chose (ALERT_PERIODS).
 */
export const PERIOD_RULES: readonly RuleId[] = [
  'below-target',
  'significant-drop',
  'rank-drop',
  'below-peers',
];

/** The rules evaluated on a snapshot of `kind`, given the kinds the period rules run on. */
export function rulesFor(kind: PeriodKind, periodKinds: readonly PeriodKind[]): RuleId[] {
  // Every rule but the period rules compares a day with the days before it.
  return RULE_IDS.filter((rule) =>
    PERIOD_RULES.includes(rule) ? periodKinds.includes(kind) : kind === 'day',
  );
}

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITY_LEVEL: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

export interface AlertThresholds {
  /** below-target: the overall index's target, in percent */
  target: number;
  /** significant-drop: the smallest fall, in points, worth an alert */
  dropPoints: number;
  /** rank-drop: places lost among siblings */
  rankPlaces: number;
  /** below-peers: points a factor lies below its siblings' average */
  peerPoints: number;
  /** dissatisfaction-spike: the day's share of the two lowest levels against the trailing share */
  spikeRatio: number;
  /** dissatisfaction-spike: ratings that day */
  spikeMinRatings: number;
  /** dissatisfaction-spike: ratings in the trailing window for its share to be a baseline */
  spikeMinTrailingRatings: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  target: 80,
  dropPoints: 5,
  rankPlaces: 5,
  peerPoints: 5,
  spikeRatio: 2,
  spikeMinRatings: 20,
  spikeMinTrailingRatings: 30,
};

/** The days before a day that make the baseline of dissatisfaction-spike. */
export const SPIKE_TRAILING_DAYS = 28;

/** City defaults with a unit's own overrides on top. */
export function thresholdsFor(
  defaults: AlertThresholds,
  overrides?: Partial<AlertThresholds>,
): AlertThresholds {
  return {
    ...defaults,
    ...Object.fromEntries(Object.entries(overrides ?? {}).filter(([, v]) => v !== undefined)),
  };
}

/**
 * The thresholds that would make a unit's alerts rarer than `bound` would: a lower target, or a
 * larger drop, place count, gap, ratio or minimum. An official may not set those (putUnit): one
 * who could would silence the alerts about units they answer for.
 */
export function looserThan(thresholds: AlertThresholds, bound: AlertThresholds): (keyof AlertThresholds)[] {
  return (Object.keys(thresholds) as (keyof AlertThresholds)[]).filter((key) =>
    key === 'target' ? thresholds.target < bound.target : thresholds[key] > bound[key],
  );
}

/** Each threshold at whichever of the two alerts less. */
export function looserOf(a: AlertThresholds, b: AlertThresholds): AlertThresholds {
  return Object.fromEntries(
    (Object.keys(a) as (keyof AlertThresholds)[]).map((key) => [
      key,
      key === 'target' ? Math.min(a.target, b.target) : Math.max(a[key], b[key]),
    ]),
  ) as unknown as AlertThresholds;
}

export type Figures = Record<string, number | string>;

/** What a rule raises: everything an alert says, before it gets an id and a time. */
export interface RaisedAlert {
  unitId: string;
  unitPath: string;
  unitName: string;
  rule: RuleId;
  severity: Severity;
  period: string;
  figures: Figures;
}

function raised(snapshot: Snapshot, rule: RuleId, severity: Severity, figures: Figures): RaisedAlert {
  return {
    unitId: snapshot.unitId,
    unitPath: snapshot.path,
    unitName: snapshot.name,
    rule,
    severity,
    period: snapshot.period,
    figures,
  };
}

const round = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;

/**
 * below-target: the whole 95 % interval lies below the target, so the shortfall is not noise.
 * Critical when even the upper bound is 10 or more points short.
 */
export function belowTarget(snapshot: Snapshot, t: AlertThresholds): RaisedAlert | undefined {
  if (!snapshot.sufficient) return undefined;
  const upper = snapshot.ci95[1];
  if (!(upper < t.target)) return undefined;
  const severity: Severity = t.target - upper >= 10 ? 'critical' : 'warning';
  return raised(snapshot, 'below-target', severity, {
    index: snapshot.index,
    ci95Low: snapshot.ci95[0],
    ci95High: upper,
    target: t.target,
    n: snapshot.n,
  });
}

/**
 * The standard error implied by a 95 % interval: its half-width over z. The snapshot intervals are
 * not exactly symmetric (means of Wilson bounds), so the half-width is the average of the two
 * sides; see docs/alerts.md.
 */
export function standardErrorOf(ci95: readonly [number, number]): number {
  return (ci95[1] - ci95[0]) / 2 / Z95;
}

/**
 * significant-drop: the overall index fell by at least `dropPoints` against the previous period of
 * the same kind, and the fall is significant at 5 %: z = fall / √(se₁² + se₂²) ≥ 1.96, with each
 * se from its period's interval (two independent samples: different periods, different ratings).
 * Critical when the fall is twice the threshold.
 */
export function significantDrop(
  current: Snapshot,
  previous: Snapshot | undefined,
  t: AlertThresholds,
): RaisedAlert | undefined {
  if (!previous || !current.sufficient || !previous.sufficient || previous.kind !== current.kind)
    return undefined;
  const fall = previous.index - current.index;
  if (fall < t.dropPoints) return undefined;
  const se = Math.sqrt(standardErrorOf(current.ci95) ** 2 + standardErrorOf(previous.ci95) ** 2);
  const z = se === 0 ? Number.POSITIVE_INFINITY : fall / se;
  if (z < Z95) return undefined;
  return raised(current, 'significant-drop', fall >= 2 * t.dropPoints ? 'critical' : 'warning', {
    index: current.index,
    previousIndex: previous.index,
    previousPeriod: previous.period,
    fall: round(fall),
    z: Number.isFinite(z) ? round(z) : 99,
    n: current.n,
    previousN: previous.n,
  });
}

/** rank-drop: the unit lost at least `rankPlaces` places among its siblings. Warning at twice that. */
export function rankDrop(snapshot: Snapshot, t: AlertThresholds): RaisedAlert | undefined {
  const rank = snapshot.rank;
  if (!snapshot.sufficient || !rank || rank.change === null) return undefined;
  const lost = -rank.change;
  if (lost < t.rankPlaces) return undefined;
  return raised(snapshot, 'rank-drop', lost >= 2 * t.rankPlaces ? 'warning' : 'info', {
    position: rank.position,
    previousPosition: rank.position + rank.change,
    of: rank.of,
    lost,
    index: snapshot.index,
  });
}

/**
 * below-peers: a factor at least `peerPoints` below the average of the same factor among the
 * unit's ranked siblings (the peers ranking uses: sufficient units with the same parent). One alert
 * per unit and period names the factor furthest behind and lists the others. Warning at twice the
 * threshold.
 */
export function belowPeers(
  snapshot: Snapshot,
  siblings: readonly Snapshot[],
  t: AlertThresholds,
): RaisedAlert | undefined {
  if (!snapshot.sufficient) return undefined;
  const peers = siblings.filter(
    (s) => s.unitId !== snapshot.unitId && s.sufficient && s.parentId === snapshot.parentId,
  );
  const behind: { id: string; index: number; average: number; gap: number }[] = [];
  for (const factor of snapshot.factors) {
    const values = peers.flatMap((peer) =>
      peer.factors.filter((f) => f.id === factor.id).map((f) => f.index),
    );
    if (values.length === 0) continue;
    const average = values.reduce((sum, v) => sum + v, 0) / values.length;
    const gap = average - factor.index;
    // A hair of tolerance: indices are stored rounded to 2 decimals, so a gap of exactly 5.00
    // may arrive as 4.999999999.
    if (gap >= t.peerPoints - 1e-9) behind.push({ id: factor.id, index: factor.index, average, gap });
  }
  if (behind.length === 0) return undefined;
  behind.sort((a, b) => b.gap - a.gap || a.id.localeCompare(b.id));
  const worst = behind[0]!;
  return raised(snapshot, 'below-peers', worst.gap >= 2 * t.peerPoints - 1e-9 ? 'warning' : 'info', {
    factor: worst.id,
    factorIndex: worst.index,
    peerAverage: round(worst.average),
    gap: round(worst.gap),
    peers: peers.length,
    factorsBehind: behind.map((b) => b.id).join(', '),
  });
}

export type ItemScaleLookup = (itemId: string) => { levels: number; satisfiedFrom: number } | undefined;

/**
 * The share of answers at the two lowest levels ("per answer": every item answer on the scale
 * counts once, not-applicable excluded, so a rating that answered 16 items weighs 16 answers).
 * Only levels below "satisfied" count as dissatisfied, so on the 3-level counter form, whose
 * level 2 is "Hài lòng", only level 1 counts.
 */
export function lowShare(histogram: Histogram, scaleOf: ItemScaleLookup): { low: number; answers: number } {
  let low = 0;
  let answers = 0;
  for (const [itemId, counts] of Object.entries(histogram.items)) {
    const scale = scaleOf(itemId);
    if (!scale) continue;
    const lowest = Math.min(2, scale.satisfiedFrom - 1);
    for (let level = 1; level < counts.length; level++) {
      const count = counts[level] ?? 0;
      answers += count;
      if (level <= lowest) low += count;
    }
  }
  return { low, answers };
}

/**
 * dissatisfaction-spike: on a day with at least `spikeMinRatings` ratings, the share of answers at
 * the two lowest levels is at least `spikeRatio` times the unit's share over the 28 days before
 * (which needs `spikeMinTrailingRatings` ratings to be a baseline). A day without any such answer
 * never spikes, even over a spotless baseline. Critical at twice the ratio.
 */
export function dissatisfactionSpike(
  day: Snapshot,
  answers: SpikeInputs,
  scaleOf: ItemScaleLookup,
  t: AlertThresholds,
): RaisedAlert | undefined {
  const { trailing } = answers;
  if (day.kind !== 'day' || day.n < t.spikeMinRatings || trailing.n < t.spikeMinTrailingRatings)
    return undefined;
  const today = lowShare(answers.day, scaleOf);
  const before = lowShare(trailing, scaleOf);
  if (today.answers === 0 || before.answers === 0 || today.low === 0) return undefined;
  const share = today.low / today.answers;
  const baseline = before.low / before.answers;
  if (share < t.spikeRatio * baseline - 1e-12) return undefined;
  const ratio = baseline === 0 ? Number.POSITIVE_INFINITY : share / baseline;
  const figures: Figures = {
    share: round(100 * share),
    trailingShare: round(100 * baseline),
    lowAnswers: today.low,
    answers: today.answers,
    n: day.n,
    trailingN: trailing.n,
  };
  if (Number.isFinite(ratio)) figures.ratio = round(ratio);
  return raised(day, 'dissatisfaction-spike', ratio >= 2 * t.spikeRatio ? 'critical' : 'warning', figures);
}

/** What dissatisfaction-spike compares: the unit's subtree's answer counts, pooled over today's tree. */
export interface SpikeInputs {
  /** on the day of the snapshot */
  day: Histogram;
  /** over the SPIKE_TRAILING_DAYS days before it */
  trailing: Histogram;
}

export interface RuleInputs {
  snapshot: Snapshot;
  previous?: Snapshot;
  siblings: readonly Snapshot[];
  /** for day snapshots */
  spike?: SpikeInputs;
  scaleOf: ItemScaleLookup;
  thresholds: AlertThresholds;
  /** the rules to evaluate (rulesFor); all of them when absent */
  rules?: readonly RuleId[];
}

/** Every alert one snapshot raises, in the order of RULE_IDS. */
export function evaluateRules(input: RuleInputs): RaisedAlert[] {
  const t = input.thresholds;
  const rules = new Set(input.rules ?? RULE_IDS);
  const evaluate: Record<RuleId, () => RaisedAlert | undefined> = {
    'below-target': () => belowTarget(input.snapshot, t),
    'significant-drop': () => significantDrop(input.snapshot, input.previous, t),
    'rank-drop': () => rankDrop(input.snapshot, t),
    'below-peers': () => belowPeers(input.snapshot, input.siblings, t),
    'dissatisfaction-spike': () =>
      input.spike ? dissatisfactionSpike(input.snapshot, input.spike, input.scaleOf, t) : undefined,
  };
  return RULE_IDS.filter((rule) => rules.has(rule))
    .map((rule) => evaluate[rule]())
    .filter((alert): alert is RaisedAlert => alert !== undefined);
}
