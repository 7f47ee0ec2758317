import { describe, expect, inject, it } from 'vitest';
import type { Deps } from '../../shared/deps';
import type { Histogram } from '../../shared/methodology/histogram';
import { requireKind } from '../../shared/methodology/periods';
import type { ResultsRepository } from '../../shared/store/results-repo';
import { closeDays } from '../../shared/use-cases/close-days';
import { importRatings } from '../../shared/use-cases/ratings';
import { putUnit } from '../../shared/use-cases/units';
import { createTestDeps } from '../support/harness';
import { fingerprint, scanAll } from '../support/table-scan';

/**
 * DESIGN.md, data flow 4: "A re-run gives the same result." The nightly job may die at any write
 * (a Lambda timeout, a throttled batch that runs out of retries). Whatever it left half-written,
 * running it again must give exactly the items a clean run gives.
 */
const DAYS = ['2025-03-30', '2025-03-31', '2025-04-01'];
const WARDS = ['kx-a', 'kx-b', 'kx-c'];
const FIXED = new Date('2025-04-02T03:00:00Z');

class Killed extends Error {}

/** The same city and ratings in a fresh table, with fixed clock and ids so two tables can be compared item by item. */
async function seededDeps(): Promise<Deps> {
  let seq = 0;
  const deps = await createTestDeps({
    clock: () => FIXED,
    newId: () => `01JX${(seq++).toString().padStart(22, '0')}`,
  });
  await putUnit('kx', { name: 'City KX', level: 'city' }, '/', deps);
  for (const id of WARDS) await putUnit(id, { name: `Ward ${id}`, level: 'ward', parentId: 'kx' }, '/', deps);
  const ratings = DAYS.flatMap((day, d) =>
    WARDS.flatMap((unitId, w) =>
      Array.from({ length: 12 + 5 * w + d }, (_, i) => ({
        unitId,
        // 03:00Z is 10:00 in Vietnam: the rating falls on `day` there
        receivedAt: `${day}T03:${String(i % 60).padStart(2, '0')}:00Z`,
        answers: {
          'staff.polite': 1 + ((i + w) % 5),
          'staff.guidance': 1 + ((i * 3 + d) % 5),
          'access.signage': 1 + (i % 4),
        },
        submissionId: `seed-${day}-${unitId}-${i}`,
      })),
    ),
  );
  const outcome = await importRatings(ratings, '/', deps);
  expect(outcome.rejected).toEqual([]);
  return deps;
}

/**
 * The results repository, killed at its `killAt`-th write call: that call writes only the first
 * half of its items (of a period's own histograms: half the units) and then throws, as a process that dies between two batches would leave it.
 */
function killedAt(results: ResultsRepository, killAt: number): ResultsRepository {
  let calls = 0;
  const kill = async <T>(items: readonly T[], write: (items: readonly T[]) => Promise<void>) => {
    calls++;
    if (calls < killAt) return write(items);
    if (calls === killAt) await write(items.slice(0, Math.floor(items.length / 2)));
    throw new Killed(`killed at write ${killAt}`);
  };
  return new Proxy(results, {
    get(target, property, receiver) {
      if (property === 'putOwnHistograms')
        return (period: string, histograms: ReadonlyMap<string, Histogram>) =>
          kill([...histograms], (part) => target.putOwnHistograms(period, new Map(part)));
      if (property === 'putSnapshots')
        return (items: Parameters<ResultsRepository['putSnapshots']>[0]) =>
          kill(items, (part) => target.putSnapshots(part));
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const resultItems = async (deps: Deps) =>
  fingerprint(
    (await scanAll(inject('dynamoEndpoint'), deps.db.tableName)).filter(
      // ratings and units are the input; the lease only says which run last held it
      (item) => item.type !== 'rating' && item.type !== 'unit' && item.type !== 'lease',
    ),
  );

describe('faults: the nightly job killed mid-run', () => {
  it('converges on exactly the clean run’s results when re-run, wherever it was killed', async () => {
    const clean = await seededDeps();
    const cleanSummary = await closeDays(DAYS, clean);
    const expected = await resultItems(clean);
    // 3 days × (3 wards + city) own/pooled results, plus month/quarter/year: far more than a handful of items
    expect(expected.length).toBeGreaterThan(20);
    expect(cleanSummary.ratings).toBe(
      DAYS.reduce((sum, _, d) => sum + WARDS.reduce((s, __, w) => s + 12 + 5 * w + d, 0), 0),
    );

    // 3 day-histogram writes, 3 period sums (month ×2: March and April; quarter ×2; year ×1), then snapshots:
    // killing at the 1st, a middle and a late write covers histograms, sums and snapshots.
    for (const killAt of [1, 4, 9, 13]) {
      const deps = await seededDeps();
      await expect(
        closeDays(DAYS, { ...deps, results: killedAt(deps.results, killAt) }),
      ).rejects.toBeInstanceOf(Killed);
      const partial = await resultItems(deps);
      expect(partial, `killed at ${killAt} left the job unfinished`).not.toEqual(expected);
      const summary = await closeDays(DAYS, deps);
      // the same alerts raised and recorded; how long that took is the clock's business
      expect({ ...summary, ms: undefined }).toEqual({ ...cleanSummary, ms: undefined });
      expect(await resultItems(deps), `re-run after a kill at write ${killAt}`).toEqual(expected);
    }
  }, 120_000);

  it('stores every day closed before it starts on the months, so a run that dies later leaves the days complete', async () => {
    // The order of the results repository's writes: when each was asked for, when each was stored.
    const deps = await seededDeps();
    const log: string[] = [];
    const logged = (name: string, period: string, write: () => Promise<void>) => {
      const kind = requireKind(period);
      log.push(`start ${kind} ${name}`);
      return write().then(() => {
        log.push(`stored ${kind} ${name}`);
      });
    };
    const results = new Proxy(deps.results, {
      get(target, property, receiver) {
        if (property === 'putOwnHistograms')
          return (period: string, histograms: ReadonlyMap<string, Histogram>) =>
            logged('histograms', period, () => target.putOwnHistograms(period, histograms));
        if (property === 'putSnapshots')
          return (snapshots: Parameters<ResultsRepository['putSnapshots']>[0]) =>
            snapshots.length === 0
              ? target.putSnapshots(snapshots)
              : logged('snapshots', snapshots[0]!.period, () => target.putSnapshots(snapshots));
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const summary = await closeDays(DAYS, { ...deps, results });

    const firstLater = log.findIndex((entry) => entry.startsWith('start') && !entry.includes(' day '));
    const dayEntries = log.filter((entry) => entry.includes(' day '));
    // 3 days × (own histograms + snapshots), each asked for and stored
    expect(dayEntries).toHaveLength(3 * 2 * 2);
    expect(log.slice(0, firstLater).sort()).toEqual([...dayEntries].sort());
    expect(Object.keys(summary.ms).sort()).toEqual(['alerts', 'days', 'results', 'total']);
  }, 60_000);
});
