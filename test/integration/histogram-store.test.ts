import { describe, expect, it } from 'vitest';
import { addRating, emptyHistogram, type Histogram } from '../../shared/methodology/histogram';
import { instruments } from '../../shared/methodology/instruments';
import { batchPut, queryAll } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { HISTOGRAM_BUCKETS } from '../../shared/store/results-repo';
import { createTestDeps } from '../support/harness';

/** A histogram of `n` ratings of staff.polite at `level`. */
function histogramOf(n: number, level: number): Histogram {
  const histogram = emptyHistogram();
  for (let i = 0; i < n; i++) addRating(histogram, 'sipas-2023', { 'staff.polite': level }, instruments);
  return histogram;
}

describe('own histograms, stored in buckets', () => {
  it('read back exactly as written, in a fixed number of items whatever the number of units', async () => {
    const deps = await createTestDeps();
    const written = new Map(
      Array.from({ length: 500 }, (_, i) => [`unit-${i}`, histogramOf(1 + (i % 7), 1 + (i % 5))] as const),
    );
    await deps.results.putOwnHistograms('2025-03', written);

    expect(await deps.results.ownHistograms('2025-03')).toEqual(written);
    const items = await queryAll(deps.db, {
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.histogramPartition('2025-03') },
    });
    expect(items).toHaveLength(HISTOGRAM_BUCKETS);
    expect(await deps.results.ownHistograms('2025-04')).toEqual(new Map());
  });

  it('replace the whole period when written again: a unit left out is gone', async () => {
    const deps = await createTestDeps();
    await deps.results.putOwnHistograms(
      '2025-03-10',
      new Map([
        ['a', histogramOf(3, 5)],
        ['b', histogramOf(2, 1)],
        ['c', histogramOf(1, 4)],
      ]),
    );
    const again = new Map([['b', histogramOf(4, 2)]]);
    await deps.results.putOwnHistograms('2025-03-10', again);
    expect(await deps.results.ownHistograms('2025-03-10')).toEqual(again);
  });

  it('read per-unit items of earlier versions, and ignore them once the period is written in buckets', async () => {
    const deps = await createTestDeps();
    const legacy = histogramOf(2, 3);
    await batchPut(deps.db, [
      {
        PK: keys.histogramPartition('2025-02'),
        SK: 'old-unit',
        type: 'histogram',
        unitId: 'old-unit',
        period: '2025-02',
        data: JSON.stringify(legacy),
      },
    ]);
    expect(await deps.results.ownHistograms('2025-02')).toEqual(new Map([['old-unit', legacy]]));

    const rewritten = new Map([['old-unit', histogramOf(5, 5)]]);
    await deps.results.putOwnHistograms('2025-02', rewritten);
    // counted once, from the bucket, not added to the stale item
    expect(await deps.results.ownHistograms('2025-02')).toEqual(rewritten);
  });
});
