import { describe, expect, it } from 'vitest';
import type { Deps } from '../../shared/deps';
import { vietnamDay } from '../../shared/methodology/periods';
import { keys } from '../../shared/store/keys';
import { closeDays } from '../../shared/use-cases/close-days';
import { putUnit } from '../../shared/use-cases/units';
import { createTestDeps } from '../support/harness';

let sequence = 0;

/** Stores sipas-2023 ratings of `staff.polite` only, received at noon (Vietnam time) of `day`. */
async function rateAll(deps: Deps, unitId: string, day: string, levels: number[]): Promise<void> {
  for (const level of levels) {
    sequence += 1;
    const receivedAt = `${day}T05:00:00.000Z`;
    await deps.ratings.store({
      id: `s${String(sequence).padStart(8, '0')}`,
      submissionId: `spike-${sequence}`,
      unitId,
      receivedAt,
      day: vietnamDay(receivedAt),
      instrument: 'sipas-2023',
      instrumentVersion: 1,
      answers: { 'staff.polite': level },
      lang: 'vi',
      source: 'survey',
    });
  }
}

/** `low` answers at level 1, the rest at level 5. */
const levels = (n: number, low: number) => Array.from({ length: n }, (_, i) => (i < low ? 1 : 5));

describe('dissatisfaction-spike in the nightly job', () => {
  it('compares the day with the 28 days before it, pooled over each subtree', async () => {
    const deps = await createTestDeps();
    await putUnit('hn', { name: 'Hà Nội', level: 'city', parentId: null }, '/', deps);
    await putUnit('w1', { name: 'Phường 1', level: 'ward', parentId: 'hn' }, '/', deps);
    await putUnit('w2', { name: 'Phường 2', level: 'ward', parentId: 'hn' }, '/', deps);

    // The 28 days before 2025-03-10 are 2025-02-10 … 2025-03-09.
    // In the window, w1: 5 days × 10 ratings, one at level 1 each → 5 low of 50 answers = 10 %.
    const window = ['2025-02-10', '2025-03-05', '2025-03-06', '2025-03-07', '2025-03-08'];
    for (const day of window) await rateAll(deps, 'w1', day, levels(10, 1));
    // The day before the window: 20 answers, all at level 1. Counted, it would make w1's baseline
    // 25 of 70 = 35.7 % and no day could reach twice that.
    await rateAll(deps, 'w1', '2025-02-09', levels(20, 20));
    await closeDays(['2025-02-09', ...window], deps);

    // The day: w1 4 low of 20 = 20 %; w2 4 low of 20 = 20 %, but w2 has no baseline at all.
    await rateAll(deps, 'w1', '2025-03-10', levels(20, 4));
    await rateAll(deps, 'w2', '2025-03-10', levels(20, 4));
    await closeDays(['2025-03-10'], deps);

    const spikeOf = async (unitId: string) =>
      (await deps.alerting.alerts.get(keys.alertId(unitId, 'dissatisfaction-spike', '2025-03-10')))?.figures;
    // w1: 20 % against 10 % = 2×, the ratio that fires (warning below 4×).
    expect(await spikeOf('w1')).toEqual({
      share: 20,
      trailingShare: 10,
      ratio: 2,
      lowAnswers: 4,
      answers: 20,
      n: 20,
      trailingN: 50,
    });
    // hn pools both wards: the day 8 low of 40 = 20 %, the window w1's 50 answers at 10 %.
    expect(await spikeOf('hn')).toEqual({
      share: 20,
      trailingShare: 10,
      ratio: 2,
      lowAnswers: 8,
      answers: 40,
      n: 40,
      trailingN: 50,
    });
    // w2: no rating in the 28 days before, so no baseline (30 needed) and no alert.
    expect(await spikeOf('w2')).toBeUndefined();
  });
});
