import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../infra/local/demo';
import { daysBetween } from '../../shared/methodology/periods';
import { createTestDeps } from '../support/harness';

describe('the demo city', () => {
  it('seeds a city with four weeks of ratings and aggregates them, so a newcomer sees results at once', async () => {
    const deps = await createTestDeps();
    const demo = await seedDemo(deps, '2026-11-29');
    expect(demo).toMatchObject({ units: 33, from: '2026-11-01', to: '2026-11-28' });
    const city = await deps.results.getSnapshot('ha-noi', '2026-11');
    // Every rating of the month is in the city's pool except those of the two counters on the
    // 3-level form, which share no item with the city's sipas-2023.
    // The counters' ratings are counted from the stored ratings, not from any aggregate.
    let counters = 0;
    for (const day of daysBetween(demo.from, demo.to)) {
      for (const unitId of ['hoan-kiem-quay-1', 'hoan-kiem-quay-2']) {
        for await (const page of deps.ratings.unitDay(unitId, day)) counters += page.length;
      }
    }
    expect(counters).toBeGreaterThan(0);
    expect(city?.n).toBe(demo.ratings - counters);
    expect(city?.sufficient).toBe(true);
    const ranked = await deps.results.siblings('ha-noi', '2026-11');
    expect(ranked).toHaveLength(30);
    expect(ranked.every((s) => s.rank !== null && s.rank.of === 30)).toBe(true);
    // Seeding 7,700 ratings one conditional write at a time and closing 28 days takes a while on
    // the embedded DynamoDB, longer on a busy machine.
  }, 240_000);
});
