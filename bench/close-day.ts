import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { drawAnswers, loadReferenceUnits, seededRandom } from '../infra/local/demo';
import { ensureTable, REGION } from '../infra/local/runtime';
import { startDynalite } from '../infra/local/services';
import { mapConcurrent } from '../shared/concurrency';
import type { Rating, Unit } from '../shared/domain';
import { instruments } from '../shared/methodology/instruments';
import { monthOf, quarterOf, vietnamDay, yearOf } from '../shared/methodology/periods';
import { DEFAULT_POLICY } from '../shared/methodology/snapshots';
import { batchPut, createDb, type Db, queryPages } from '../shared/store/dynamo';
import { keys } from '../shared/store/keys';
import { LeasesRepository } from '../shared/store/lease-repo';
import { RatingsRepository, ratingKey } from '../shared/store/ratings-repo';
import { ResultsRepository } from '../shared/store/results-repo';
import { UnitsRepository } from '../shared/store/units-repo';
import { type AggregationDeps, closeDays, refreshPeriods } from '../shared/use-cases/close-days';
import { type BenchOutput, finish, isQuick, row } from './support/report';

/**
 * The nightly job's cost on dynalite (in this process, in memory):
 *  1. closing one day of RATINGS ratings across UNITS units, beside the floor: the same per-unit-day
 *     paginated Queries (same index, same projection, same concurrency) that only read the ratings;
 *  2. rebuilding the month, quarter and year from stored histograms after 10 % of the ratings and
 *     after all of them: it should not grow with the number of ratings.
 * `--quick` (or `--ratings N`) runs a smaller size.
 */
const DAY = '2026-03-10';
const CONCURRENCY = 16;

function argValue(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

export async function benchCloseDay(quick: boolean): Promise<BenchOutput> {
  const total = argValue('--ratings') ?? (quick ? 10_000 : 100_000);
  const unitCount = argValue('--units') ?? (quick ? 100 : 500);
  const dynalite = await startDynalite(0);
  try {
    const client = new DynamoDBClient({
      endpoint: dynalite.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    await ensureTable(client, 'bench-close-day');
    const db = createDb('bench-close-day', client);
    const deps: AggregationDeps = {
      leases: new LeasesRepository(db),
      units: new UnitsRepository(db),
      ratings: new RatingsRepository(db),
      results: new ResultsRepository(db),
      registry: instruments,
      policy: DEFAULT_POLICY,
      concurrency: CONCURRENCY,
    };
    const units = await seedUnits(db, unitCount);
    const rated = units.filter((u) => u.parentId !== null);
    const random = seededRandom(3);

    // 10 % of the ratings first, to time the period rebuild on a small store.
    const small = Math.round(total / 10);
    let seedMs = await seedRatings(db, rated, small, 0, random);
    await closeDays([DAY], deps);
    const periods = [monthOf(DAY), quarterOf(DAY), yearOf(DAY)];
    const rebuildSmall = await timeRuns(3, () => refreshPeriods(periods, deps, { units }));

    seedMs += await seedRatings(db, rated, total - small, small, random);
    const floor: number[] = [];
    const close: number[] = [];
    let read = 0;
    // Alternated, so drift in the machine's load falls on both alike.
    for (let run = 0; run < 2; run++) {
      const f = await time(async () => {
        read = await bareQueries(db, rated.concat(units[0]!));
      });
      floor.push(f);
      close.push(await time(() => closeDays([DAY], deps)));
    }
    const rebuildLarge = await timeRuns(3, () => refreshPeriods(periods, deps, { units }));

    return {
      bench: 'close-day',
      settings: {
        ratings: total,
        units: units.length,
        day: DAY,
        concurrency: CONCURRENCY,
        dynalite: 'in-process, in memory',
      },
      rows: [
        row({
          bench: 'close-day',
          measure: `close one day (${total.toLocaleString('en-US')} ratings, ${units.length} units)`,
          value: Math.min(...close),
          unit: 'ms',
          floor: {
            label: `bare Query of the same ${read.toLocaleString('en-US')} ratings`,
            value: Math.min(...floor),
          },
          target: { op: '<=', value: 1.5 },
        }),
        row({
          bench: 'close-day',
          measure: `rebuild month+quarter+year after ${total.toLocaleString('en-US')} ratings`,
          value: Math.min(...rebuildLarge),
          unit: 'ms',
          floor: { label: `after ${small.toLocaleString('en-US')}`, value: Math.min(...rebuildSmall) },
          target: { op: '<=', value: 1.5 },
        }),
      ],
      notes: [
        'each figure is the best of its runs (2 for closing, 3 for rebuilds), the one least disturbed by other load on the machine',
        `seeding ${total.toLocaleString('en-US')} ratings with BatchWriteItem took ${Math.round(seedMs).toLocaleString('en-US')} ms (not measured above)`,
        'closing a day = read each unit-day, histogram, store it, then refresh the day, month, quarter and year snapshots of the whole tree',
        'a period rebuild reads own histograms (units × parts), never ratings: its time should stay flat as ratings grow',
      ],
    };
  } finally {
    await dynalite.stop();
  }
}

async function time(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function timeRuns(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await time(work));
  return times;
}

/** A city, Hanoi's 126 communes, and counters under them up to `count` units in all. */
export async function seedUnits(db: Db, count: number): Promise<Unit[]> {
  const now = '2026-01-01T00:00:00.000Z';
  const city: Unit = {
    id: 'ha-noi',
    name: 'Hà Nội',
    parentId: null,
    path: '/ha-noi/',
    level: 'city',
    instrument: 'sipas-2023',
    createdAt: now,
    updatedAt: now,
  };
  const communes = loadReferenceUnits().hanoi.units.slice(0, Math.min(126, count - 1));
  const units: Unit[] = [city];
  for (const commune of communes) {
    units.push({
      ...city,
      id: commune.id,
      name: commune.name,
      parentId: city.id,
      path: `/ha-noi/${commune.id}/`,
      level: 'commune',
    });
  }
  for (let i = 0; units.length < count; i++) {
    const commune = units[1 + (i % communes.length)]!;
    const id = `${commune.id}-q${Math.floor(i / communes.length) + 1}`;
    units.push({
      ...commune,
      id,
      name: `${commune.name} quầy ${id.slice(-1)}`,
      parentId: commune.id,
      path: `${commune.path}${id}/`,
      level: 'counter',
    });
  }
  await batchPut(
    db,
    units.map((unit) => ({
      ...keys.unit(unit.id),
      ...keys.unitTree(unit.path),
      ...keys.unitChildren(unit.parentId, unit.id),
      type: 'unit',
      ...unit,
    })),
    8,
  );
  return units;
}

/** Ratings spread unevenly over the units (as real traffic is), stored the way RatingsRepository stores them. */
export async function seedRatings(
  db: Db,
  units: readonly Unit[],
  count: number,
  offset: number,
  random: () => number,
): Promise<number> {
  const instrument = instruments.get('sipas-2023')!;
  const weights = units.map((_, i) => 1 + (i % 7));
  const sum = weights.reduce((a, b) => a + b, 0);
  const items = Array.from({ length: count }, (_, k) => {
    let pick = random() * sum;
    let u = 0;
    while (pick >= weights[u]!) pick -= weights[u++]!;
    const unit = units[Math.min(u, units.length - 1)]!;
    const n = offset + k;
    // Office hours on DAY, Vietnam time: 01:00 to 10:00 UTC.
    const receivedAt = new Date(Date.parse(`${DAY}T01:00:00Z`) + (n % 32_400) * 1000).toISOString();
    const rating: Rating = {
      id: `r${String(n).padStart(9, '0')}`,
      submissionId: `bench-${n}`,
      unitId: unit.id,
      receivedAt,
      day: vietnamDay(receivedAt),
      instrument: instrument.id,
      instrumentVersion: instrument.version,
      answers: drawAnswers(random, instrument, 0.6 + (u % 10) / 30),
      lang: 'vi',
      source: 'survey',
    };
    return {
      ...ratingKey(rating),
      ...keys.ratingUnitDay(rating.unitId, rating.day, rating.receivedAt, rating.id),
      type: 'rating',
      ...rating,
    };
  });
  return time(() => batchPut(db, items, 8));
}

/** The floor: the same Queries closeDays makes for the day's ratings, doing nothing with them. */
async function bareQueries(db: Db, units: readonly Unit[]): Promise<number> {
  const counts = await mapConcurrent(units, CONCURRENCY, async (unit) => {
    let n = 0;
    for await (const page of queryPages(db, {
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.unitDayRatings(unit.id, DAY) },
      ProjectionExpression: 'instrument, answers',
    })) {
      n += page.length;
    }
    return n;
  });
  return counts.reduce((a, b) => a + b, 0);
}

if (process.argv[1]?.endsWith('close-day.ts')) finish(await benchCloseDay(isQuick()));
