import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../../shared/deps';
import type { Rating } from '../../shared/domain';
import { PERIOD_KINDS, periodsContaining, vietnamDay } from '../../shared/methodology/periods';
import type { Snapshot } from '../../shared/methodology/snapshots';
import { closeDays } from '../../shared/use-cases/close-days';
import { importRatings } from '../../shared/use-cases/ratings';
import { readRankings } from '../../shared/use-cases/results';
import { mergeUnit, putUnit } from '../../shared/use-cases/units';
import { createTestDeps } from '../support/harness';
import { captureLogs } from '../support/log-capture';

let sequence = 0;

/** Stores one rating (sipas-2023 unless said) received at noon (Vietnam time) of `day`. */
async function rate(
  deps: Deps,
  unitId: string,
  day: string,
  answers: Record<string, number>,
  instrument = 'sipas-2023',
): Promise<void> {
  sequence += 1;
  const receivedAt = `${day}T05:00:00.000Z`;
  const rating: Rating = {
    id: `r${String(sequence).padStart(8, '0')}`,
    submissionId: `sub-${sequence}-${unitId}`,
    unitId,
    receivedAt,
    day: vietnamDay(receivedAt),
    instrument,
    instrumentVersion: 1,
    answers,
    lang: 'vi',
    source: 'survey',
  };
  await deps.ratings.store(rating);
}

async function rateAll(deps: Deps, unitId: string, day: string, levels: number[]): Promise<void> {
  for (const level of levels) await rate(deps, unitId, day, { 'staff.polite': level });
}

async function unit(deps: Deps, id: string, parentId: string | null, level = 'ward') {
  await putUnit(id, { name: `Unit ${id}`, level, parentId }, '/', deps);
}

/** deps whose alerting raises rank-drop for one place lost, so that a handful of units can show it. */
function rankDropAtOnePlace(deps: Deps) {
  const settings = deps.alerting!.settings;
  const thresholds = { ...settings.thresholds, rankPlaces: 1 };
  return { ...deps, alerting: { ...deps.alerting!, settings: { ...settings, thresholds } } };
}

const summary = (s: Snapshot | undefined) =>
  s && { n: s.n, index: s.index, sufficient: s.sufficient, rank: s.rank, parentId: s.parentId, path: s.path };

describe('closing days on dynalite', () => {
  let deps: Deps;

  beforeEach(async () => {
    deps = await createTestDeps({ policy: { minN: 3, peerMargin: 5 } });
    await unit(deps, 'hn', null, 'city');
    for (const ward of ['a', 'b', 'c', 'd', 'e']) await unit(deps, ward, 'hn');
    // staff.polite only, so each ward's index is its share of 4s and 5s:
    await rateAll(deps, 'a', '2026-03-10', [5, 5, 5]); // 3/3 = 100
    await rateAll(deps, 'b', '2026-03-10', [5, 5, 2]); // 2/3 = 66.67
    await rateAll(deps, 'c', '2026-03-10', [4, 4, 1]); // 2/3 = 66.67, tied with b
    await rateAll(deps, 'd', '2026-03-10', [1, 1, 1]); // 0/3 = 0
    await rateAll(deps, 'e', '2026-03-10', [5, 5]); // 2/2 = 100, but n = 2 < 3
  });

  it('pools the subtree, ranks sufficient siblings with ties, and reports the small unit unranked', async () => {
    const result = await closeDays(['2026-03-10'], deps);
    expect(result).toMatchObject({
      ratings: 14,
      units: 6,
      periods: ['2026-03-10', '2026-03', '2026-Q1', '2026'],
    });
    const day = await deps.results.getSnapshots(['hn', 'a', 'b', 'c', 'd', 'e'], '2026-03-10');
    const by = new Map(day.map((s) => [s.unitId, s]));
    // City: 3 + 2 + 2 + 0 + 2 = 9 satisfied of 14 answers = 64.2857 → 64.29; the only root, ranked among roots.
    expect(summary(by.get('hn'))).toMatchObject({
      n: 14,
      index: 64.29,
      sufficient: true,
      rank: { position: 1, of: 1, change: null },
    });
    expect(by.get('a')!.rank).toEqual({ position: 1, of: 4, change: null });
    expect(by.get('b')!.rank).toEqual({ position: 2, of: 4, change: null });
    expect(by.get('c')!.rank).toEqual({ position: 2, of: 4, change: null });
    expect(by.get('d')!.rank).toEqual({ position: 4, of: 4, change: null });
    expect(summary(by.get('e'))).toMatchObject({ n: 2, index: 100, sufficient: false, rank: null });
    // d: 0 against its ranked peers' (100 + 66.67 + 66.67)/3 = 77.78, far more than 5 points below.
    expect(by.get('d')!.belowPeers).toEqual(['staff', 'staff.polite']);
    expect(by.get('a')!.belowPeers).toEqual([]);
    // Every period that contains the day, for the unit and its ancestors, with the same one-day figures.
    for (const period of ['2026-03', '2026-Q1', '2026']) {
      expect(summary(await deps.results.getSnapshot('hn', period))).toMatchObject({ n: 14, index: 64.29 });
      expect((await deps.results.getSnapshot('c', period))!.rank).toEqual({
        position: 2,
        of: 4,
        change: null,
      });
    }
    expect(await deps.results.getSnapshot('hn', '2026-02')).toBeUndefined();
    const rankings = await readRankings('hn', '2026-03-10', deps.results);
    expect(rankings.units.map((u) => [u.unitId, u.position])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 2],
      ['d', 4],
    ]);
  });

  it('adds a later day into the month from histograms, and reports rank changes within the kind', async () => {
    await closeDays(['2026-03-10'], deps);
    await rateAll(deps, 'a', '2026-03-11', [1, 1, 1]);
    await closeDays(['2026-03-11'], deps);
    // a in March: 3 of 6 = 50. Month ranks: b 66.67, c 66.67 tie 1st; a 3rd; d 4th.
    const month = new Map(
      (await deps.results.getSnapshots(['hn', 'a', 'b', 'c', 'd'], '2026-03')).map((s) => [s.unitId, s]),
    );
    expect(summary(month.get('a'))).toMatchObject({
      n: 6,
      index: 50,
      rank: { position: 3, of: 4, change: null },
    });
    expect(month.get('b')!.rank!.position).toBe(1);
    expect(month.get('c')!.rank!.position).toBe(1);
    // The city in March: 9 + 0 satisfied of 17 = 52.94.
    expect(summary(month.get('hn'))).toMatchObject({ n: 17, index: 52.94 });
    // The day: only a rated on the 11th, 0/3; it was 1st on the 10th and is 1st of 1 now: change 0.
    expect((await deps.results.getSnapshot('a', '2026-03-11'))!.rank).toEqual({
      position: 1,
      of: 1,
      change: 0,
    });
    // The 10th is untouched by closing the 11th.
    expect((await deps.results.getSnapshot('a', '2026-03-10'))!.index).toBe(100);
  });

  it('brings the rank changes of the periods right after a recomputed range up to date', async () => {
    // 11 March and 1 April: a 3 of 3 = 100, d 3 of 3 = 100 (tied 1st), b 0 of 3 (3rd).
    for (const day of ['2026-03-11', '2026-04-01']) {
      await rateAll(deps, 'a', day, [5, 5, 5]);
      await rateAll(deps, 'd', day, [5, 5, 5]);
      await rateAll(deps, 'b', day, [1, 1, 1]);
    }
    await closeDays(['2026-03-10', '2026-03-11', '2026-04-01'], deps);
    const changes = async (period: string) =>
      Object.fromEntries(
        (await deps.results.getSnapshots(['a', 'b', 'd'], period)).map((s) => [s.unitId, s.rank!.change]),
      );
    // 10 March: a 1st, b and c 2nd, d 4th. March (10th + 11th): a 6/6 = 100 1st, c 2/3 = 66.67
    // 2nd, d 3/6 = 50 3rd, b 2/6 = 33.33 4th; Q1 the same.
    expect(await changes('2026-03-11')).toEqual({ a: 0, b: -1, d: 3 });
    expect(await changes('2026-04')).toEqual({ a: 0, b: 1, d: 2 });
    const aprilBefore = await deps.results.getSnapshot('d', '2026-04');

    // Paper forms for 10 March typed in late: d gains nine 5s, so 9 of 12 = 75 that day (2nd, b
    // and c 3rd), and 12 of 15 = 80 in March and Q1 (2nd). Only the 10th is recomputed.
    await rateAll(deps, 'd', '2026-03-10', [5, 5, 5, 5, 5, 5, 5, 5, 5]);
    const rerun = await closeDays(['2026-03-10'], deps);
    expect(rerun.periods).toEqual(['2026-03-10', '2026-03', '2026-Q1', '2026']);
    expect(await changes('2026-03-11')).toEqual({ a: 0, b: 0, d: 1 });
    expect(await changes('2026-04')).toEqual({ a: 0, b: 1, d: 1 });
    expect(await changes('2026-Q2')).toEqual({ a: 0, b: 1, d: 1 });
    // Only the change moved: the period's own figures and places are as they were.
    const aprilAfter = await deps.results.getSnapshot('d', '2026-04');
    expect(aprilAfter).toEqual({ ...aprilBefore, rank: { ...aprilBefore!.rank, change: 1 } });
  });

  it('leaves the next period alone when it was ranked on the tree before a merge, raising no rank-drop it cannot know', async () => {
    const strict = rankDropAtOnePlace(deps);
    const alerting = strict.alerting;
    // April: a 3 of 3 = 100, b 2 of 3, c 1 of 3, d 0: 1st to 4th of 4, each where it was in March
    // (a 1st, b and c 2nd, d 4th), so no rank-drop.
    await rateAll(deps, 'a', '2026-04-01', [5, 5, 5]);
    await rateAll(deps, 'b', '2026-04-01', [5, 5, 1]);
    await rateAll(deps, 'c', '2026-04-01', [5, 1, 1]);
    await rateAll(deps, 'd', '2026-04-01', [1, 1, 1]);
    await closeDays(['2026-03-10', '2026-04-01'], strict);
    const aprilBefore = sortById(await deps.results.getSnapshots(['a', 'b', 'c', 'd'], '2026-04'));

    // c joins b, and March is recomputed on the new tree: a 1st, b 2nd, d 3rd, of 3. Against those,
    // April's d (4th of 4, counted with c) would seem to have lost a place it never had.
    await mergeUnit('c', 'b', '/', deps);
    const logs = captureLogs();
    try {
      await closeDays(['2026-03-10'], strict);
    } finally {
      logs.stop();
    }
    expect((await deps.results.getSnapshot('d', '2026-03'))!.rank).toEqual({
      position: 3,
      of: 3,
      change: null,
    });
    expect(sortById(await deps.results.getSnapshots(['a', 'b', 'c', 'd'], '2026-04'))).toEqual(aprilBefore);
    expect(await alerting.alerts.get('d.rank-drop.2026-04')).toBeUndefined();
    const warning = logs.lines().find((line) => line.includes('ranked on an earlier tree'));
    expect(JSON.parse(warning!).period).toBe('2026-04');
  });

  it('counts the next period as closed even when only counters, which their parents cannot score, were rated in it', async () => {
    // Two counter-3 counters under a (sipas-2023): they share no item with it, so a, and the
    // city above it, get no results from them.
    for (const id of ['k1', 'k2'])
      await putUnit(id, { name: id, level: 'counter', parentId: 'a', instrument: 'counter-3' }, '/', deps);
    const counter = (id: string, day: string, levels: number[]) =>
      Promise.all(levels.map((level) => rate(deps, id, day, { 'overall.service': level }, 'counter-3')));
    // 10 March: k1 3 of 3 satisfied (2 or 3) = 100 1st, k2 1 of 3 = 33.33 2nd.
    await counter('k1', '2026-03-10', [3, 3, 3]);
    await counter('k2', '2026-03-10', [1, 1, 3]);
    // 11 March, nothing else rated: k2 100 1st (+1), k1 2 of 3 = 66.67 2nd (-1).
    await counter('k1', '2026-03-11', [3, 3, 1]);
    await counter('k2', '2026-03-11', [3, 3, 3]);
    await closeDays(['2026-03-10', '2026-03-11'], deps);
    expect(await deps.results.getSnapshot('hn', '2026-03-11')).toBeUndefined();
    expect((await deps.results.getSnapshot('k2', '2026-03-11'))!.rank).toEqual({
      position: 1,
      of: 2,
      change: 1,
    });

    // Six 1s for k1 on the 10th, typed in late: 3 of 9 = 33.33, tied 1st with k2 on the 10th.
    await counter('k1', '2026-03-10', [1, 1, 1, 1, 1, 1]);
    await closeDays(['2026-03-10'], deps);
    expect((await deps.results.getSnapshot('k2', '2026-03-11'))!.rank).toEqual({
      position: 1,
      of: 2,
      change: 0,
    });
    expect((await deps.results.getSnapshot('k1', '2026-03-11'))!.rank).toEqual({
      position: 2,
      of: 2,
      change: -1,
    });
  });

  it('raises the rank-drop that a recompute reveals in the month right after it', async () => {
    const strict = rankDropAtOnePlace(deps);
    const alerting = strict.alerting;
    // April: a 3 of 3 = 100 1st, e 2 of 3 = 66.67 2nd, b 0 of 3 3rd.
    await rateAll(deps, 'a', '2026-04-01', [5, 5, 5]);
    await rateAll(deps, 'e', '2026-04-01', [5, 5, 1]);
    await rateAll(deps, 'b', '2026-04-01', [1, 1, 1]);
    await closeDays(['2026-03-10', '2026-04-01'], strict);
    // e had 2 ratings in March, too few to be ranked: no change in April, so no rank-drop.
    expect((await deps.results.getSnapshot('e', '2026-04'))!.rank).toEqual({
      position: 2,
      of: 3,
      change: null,
    });
    expect(await alerting.alerts.get('e.rank-drop.2026-04')).toBeUndefined();

    // A third March rating typed in late: e 3 of 3 = 100, 1st with a; in April it lost a place.
    await rateAll(deps, 'e', '2026-03-10', [5]);
    await closeDays(['2026-03-10'], strict);
    expect((await deps.results.getSnapshot('e', '2026-04'))!.rank).toEqual({
      position: 2,
      of: 3,
      change: -1,
    });
    expect(await alerting.alerts.get('e.rank-drop.2026-04')).toMatchObject({
      unitId: 'e',
      rule: 'rank-drop',
      period: '2026-04',
      severity: 'info',
      figures: { position: 2, previousPosition: 1, of: 3, lost: 1 },
    });
    // One alert per (unit, rule, period): b's, raised in the first run when it fell from 2nd to
    // 3rd, stays as it was although b is now 3rd in both months (change 0).
    expect((await deps.results.getSnapshot('b', '2026-04'))!.rank!.change).toBe(0);
    expect(await alerting.alerts.get('b.rank-drop.2026-04')).toMatchObject({ figures: { lost: 1 } });
  });

  it('gives identical snapshots when a range is closed again', async () => {
    await rateAll(deps, 'b', '2026-04-02', [4, 3, 5, 1]);
    const periods = ['2026-03-10', '2026-04-02', '2026-03', '2026-04', '2026-Q1', '2026-Q2', '2026'];
    const ids = ['hn', 'a', 'b', 'c', 'd', 'e'];
    const read = async () =>
      Promise.all(periods.map(async (p) => sortById(await deps.results.getSnapshots(ids, p))));
    await closeDays(['2026-03-10', '2026-04-02'], deps);
    const first = await read();
    await closeDays(['2026-04-02', '2026-03-10'], deps);
    expect(await read()).toEqual(first);
  });

  it('keeps past snapshots on the old tree after a move, and uses the new tree on recompute', async () => {
    await closeDays(['2026-03-10'], deps);
    await rateAll(deps, 'b', '2026-03-11', [5, 5, 5]);
    await closeDays(['2026-03-11'], deps);
    await unit(deps, 'district', 'hn', 'district');
    await unit(deps, 'b', 'district');
    await closeDays(['2026-03-11'], deps);
    // The 10th was computed with b under hn and stays so.
    expect(summary(await deps.results.getSnapshot('b', '2026-03-10'))).toMatchObject({
      parentId: 'hn',
      path: '/hn/b/',
    });
    // The 11th and March are recomputed under the new parent; a place among new siblings is no change.
    const b11 = await deps.results.getSnapshot('b', '2026-03-11');
    expect(summary(b11)).toMatchObject({
      parentId: 'district',
      path: '/hn/district/b/',
      rank: { position: 1, of: 1, change: null },
    });
    // The district pools b: March 2 + 3 = 5 of 6 = 83.33; the city still pools everything: 12 of 17 = 70.59.
    expect(summary(await deps.results.getSnapshot('district', '2026-03'))).toMatchObject({
      n: 6,
      index: 83.33,
    });
    expect(summary(await deps.results.getSnapshot('hn', '2026-03'))).toMatchObject({ n: 17, index: 70.59 });
    expect((await readRankings('hn', '2026-03', deps.results)).units.map((u) => u.unitId)).toEqual([
      'a',
      'district',
      'c',
      'd',
    ]);
  });

  it('drops the results of a unit a move has left without ratings, as a first run on the new tree would', async () => {
    await unit(deps, 'w', 'hn');
    await unit(deps, 'k', 'w', 'counter');
    await rateAll(deps, 'k', '2026-03-12', [5, 5, 4]);
    await closeDays(['2026-03-12'], deps);
    expect(summary(await deps.results.getSnapshot('w', '2026-03'))).toMatchObject({ n: 3, index: 100 });

    // w's only counter moves to a; the 12th is closed again
    await unit(deps, 'k', 'a', 'counter');
    await closeDays(['2026-03-12'], deps);
    for (const period of ['2026-03-12', '2026-03', '2026-Q1', '2026']) {
      expect(await deps.results.getSnapshot('w', period)).toBeUndefined();
    }
    // a pools k's 3 ratings (the 10th was never closed, so March holds only the 12th): 3 of 3
    expect(summary(await deps.results.getSnapshot('a', '2026-03'))).toMatchObject({ n: 3, index: 100 });
    expect((await readRankings('hn', '2026-03', deps.results)).units.map((u) => u.unitId)).toEqual(['a']);
  });

  it('leaves out an answer to an item no instrument knows, names it in the log, and closes the day', async () => {
    // stored when 'staff.retired' was still asked; an instrument file has dropped it since
    await rate(deps, 'a', '2026-03-13', { 'staff.polite': 5, 'staff.retired': 1 });
    await rate(deps, 'a', '2026-03-13', { 'staff.polite': 2, 'staff.retired': 1 });
    await rate(deps, 'a', '2026-03-13', { 'staff.polite': 4 });
    // nothing left to score: not counted at all, or it would count toward sufficiency on nothing
    await rate(deps, 'a', '2026-03-13', { 'staff.retired': 4 });
    const logs = captureLogs();
    try {
      await closeDays(['2026-03-13'], deps);
    } finally {
      logs.stop();
    }
    // the three ratings count; the index is staff.polite's alone: 2 of 3 satisfied = 66.67
    expect(summary(await deps.results.getSnapshot('a', '2026-03-13'))).toMatchObject({ n: 3, index: 66.67 });
    const warning = logs.lines().find((line) => line.includes('no instrument file knows'));
    expect(JSON.parse(warning!).answers).toEqual({ 'staff.retired': 3 });
  });

  it('closes the first day of 2000, whose previous periods (1999) and trailing days hold nothing', async () => {
    await rateAll(deps, 'a', '2000-01-01', [5, 4, 2]);
    await closeDays(['2000-01-01'], deps);
    for (const period of ['2000-01-01', '2000-01', '2000-Q1', '2000']) {
      expect(summary(await deps.results.getSnapshot('a', period))).toMatchObject({ n: 3, index: 66.67 });
    }
  });

  it('keeps the results a unit had on its old instrument when it switches to one sharing no item', async () => {
    await closeDays(['2026-03-10'], deps);
    await putUnit('a', { name: 'Unit a', level: 'ward', parentId: 'hn', instrument: 'counter-3' }, '/', deps);
    await closeDays(['2026-03-10'], deps);
    // a's March ratings answered sipas-2023, which counter-3 cannot score: nothing new to publish,
    // and the March figures computed on the questionnaire of the time stay (3 of 3 = 100)
    expect(summary(await deps.results.getSnapshot('a', '2026-03'))).toMatchObject({ n: 3, index: 100 });
  });

  it('ranks top-level units among themselves, as provinces are ranked nationally', async () => {
    // a second root, as a national deployment's 34 provinces are: hcm's 2 of 4 = 50 is below hn's 64.29
    await unit(deps, 'hcm', null, 'city');
    await rateAll(deps, 'hcm', '2026-03-10', [5, 4, 2, 1]);
    await closeDays(['2026-03-10'], deps);
    expect((await deps.results.getSnapshot('hn', '2026-03'))!.rank).toEqual({
      position: 1,
      of: 2,
      change: null,
    });
    expect((await deps.results.getSnapshot('hcm', '2026-03'))!.rank).toEqual({
      position: 2,
      of: 2,
      change: null,
    });
    // hcm's staff.polite 50 is 14.29 below hn's 64.29 (the peer average of the other root): beyond 5 points
    expect((await deps.results.getSnapshot('hcm', '2026-03'))!.belowPeers).toContain('staff.polite');
    const ranked = await readRankings(null, '2026-03', deps.results);
    expect(ranked).toMatchObject({ parent: null, units: [{ unitId: 'hn' }, { unitId: 'hcm' }] });
  });

  it('merges a unit: history stays, a recompute counts its ratings for the unit it joined', async () => {
    await closeDays(['2026-03-10'], deps);
    const before = await deps.results.getSnapshot('c', '2026-03-10');
    await mergeUnit('c', 'b', '/', deps);
    // A rating through c's old poster after the merge still counts, for b.
    await rateAll(deps, 'c', '2026-03-12', [5]);
    await closeDays(['2026-03-10', '2026-03-12'], deps);
    // c's stored results are the ones computed before the merge, unchanged.
    expect(await deps.results.getSnapshot('c', '2026-03-10')).toEqual(before);
    expect(await deps.results.getSnapshot('c', '2026-03-12')).toBeUndefined();
    // b on the 10th pools b and c: 5,5,2,4,4,1 → 4 of 6 = 66.67; in March, + the 5 → 5 of 7 = 71.43.
    expect(summary(await deps.results.getSnapshot('b', '2026-03-10'))).toMatchObject({ n: 6, index: 66.67 });
    expect(summary(await deps.results.getSnapshot('b', '2026-03'))).toMatchObject({ n: 7, index: 71.43 });
    // The city keeps every rating; the ranking of the recomputed day no longer lists c: a 1, b 2, d 3.
    expect(summary(await deps.results.getSnapshot('hn', '2026-03-10'))).toMatchObject({
      n: 14,
      index: 64.29,
    });
    expect(
      (await readRankings('hn', '2026-03-10', deps.results)).units.map((u) => [u.unitId, u.position]),
    ).toEqual([
      ['a', 1],
      ['b', 2],
      ['d', 3],
    ]);
  });

  it('refuses merges that would lose a subtree or make a cycle, writing nothing', async () => {
    await unit(deps, 'counter', 'a', 'counter');
    await expect(mergeUnit('a', 'b', '/', deps)).rejects.toThrow(/move or merge them first/);
    await expect(mergeUnit('b', 'b', '/', deps)).rejects.toThrow(/into itself/);
    await expect(mergeUnit('hn', 'a', '/', deps)).rejects.toThrow();
    await expect(mergeUnit('b', 'nowhere', '/', deps)).rejects.toThrow(/no unit nowhere/);
    await mergeUnit('c', 'b', '/', deps);
    await expect(mergeUnit('d', 'c', '/', deps)).rejects.toThrow(/was itself merged/);
    await expect(putUnit('x', { name: 'x', level: 'ward', parentId: 'c' }, '/', deps)).rejects.toThrow(
      /merged into b/,
    );
    expect((await deps.units.get('a'))!.mergedInto).toBeUndefined();
    expect(await deps.units.get('x')).toBeUndefined();
  });
});

describe('the Vietnam day boundary, through import and the nightly job', () => {
  it('counts 16:59:59Z on 31 March in Q1 and 17:00:00Z in Q2', async () => {
    const deps = await createTestDeps({ clock: () => new Date('2026-05-01T00:00:00Z') });
    await unit(deps, 'hn', null, 'city');
    const outcome = await importRatings(
      [
        { unitId: 'hn', receivedAt: '2026-03-31T16:59:59Z', answers: { 'staff.polite': 5 } },
        { unitId: 'hn', receivedAt: '2026-03-31T17:00:00Z', answers: { 'staff.polite': 1 } },
      ],
      '/',
      deps,
    );
    expect(outcome.accepted).toBe(2);
    await closeDays(['2026-03-31', '2026-04-01'], deps);
    const at = async (period: string) => summary(await deps.results.getSnapshot('hn', period));
    expect(await at('2026-03-31')).toMatchObject({ n: 1, index: 100 });
    expect(await at('2026-04-01')).toMatchObject({ n: 1, index: 0 });
    expect(await at('2026-Q1')).toMatchObject({ n: 1, index: 100 });
    expect(await at('2026-Q2')).toMatchObject({ n: 1, index: 0 });
    expect(await at('2026')).toMatchObject({ n: 2, index: 50 });
  });
});

describe('re-running the nightly job (property)', () => {
  it('writes identical snapshots for any ratings', async () => {
    const day = fc.constantFrom('2026-06-29', '2026-06-30', '2026-07-01');
    const rating = fc.tuple(
      fc.constantFrom('p', 'q', 'r'),
      day,
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 0, max: 5 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(rating, { minLength: 1, maxLength: 25 }), async (ratings) => {
        const deps = await createTestDeps({ policy: { minN: 2, peerMargin: 5 } });
        await unit(deps, 'root', null, 'city');
        for (const id of ['p', 'q']) await unit(deps, id, 'root');
        await unit(deps, 'r', 'q', 'counter');
        for (const [unitId, d, polite, rules] of ratings)
          await rate(deps, unitId, d, { 'staff.polite': polite, 'staff.rules': rules });
        const days = [...new Set(ratings.map(([, d]) => d))];
        const periods = [...new Set(days.flatMap((d) => PERIOD_KINDS.map((k) => periodsContaining(d)[k])))];
        const read = () =>
          Promise.all(
            periods.map(async (p) => sortById(await deps.results.getSnapshots(['root', 'p', 'q', 'r'], p))),
          );
        await closeDays(days, deps);
        const first = await read();
        await closeDays([...days].reverse(), deps);
        expect(await read()).toEqual(first);
      }),
      { numRuns: 6 },
    );
  });
});

function sortById(snapshots: Snapshot[]): Snapshot[] {
  return [...snapshots].sort((a, b) => a.unitId.localeCompare(b.unitId));
}
