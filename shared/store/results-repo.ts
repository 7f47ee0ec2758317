import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Histogram } from '../methodology/histogram';
import { type PeriodKind, partsOf, requireKind } from '../methodology/periods';
import type { Snapshot } from '../methodology/snapshots';
import { batchGet, batchPut, type Db, type Item, queryAll, withAvailability } from './dynamo';
import { keys } from './keys';

const HistogramSchema = z.object({
  n: z.number().int().nonnegative(),
  instruments: z.record(z.string(), z.number().int().nonnegative()),
  factors: z.record(z.string(), z.number().int().nonnegative()),
  items: z.record(z.string(), z.array(z.number().int().nonnegative())),
});

const Interval = z.tuple([z.number(), z.number()]);
const Figure = z.object({ id: z.string(), index: z.number(), n: z.number(), ci95: Interval });

const SnapshotSchema = z.object({
  unitId: z.string(),
  parentId: z.string().nullable(),
  path: z.string(),
  name: z.string(),
  period: z.string(),
  kind: z.enum(['day', 'month', 'quarter', 'year']),
  instrument: z.string(),
  n: z.number(),
  index: z.number(),
  ci95: Interval,
  sufficient: z.boolean(),
  factors: z.array(Figure),
  items: z.array(Figure),
  rank: z.object({ position: z.number(), of: z.number(), change: z.number().nullable() }).nullable(),
  belowPeers: z.array(z.string()),
  histogram: HistogramSchema,
});

export interface OwnHistogram {
  unitId: string;
  period: string;
  histogram: Histogram;
}

function toSnapshot(item: Item): Snapshot {
  return SnapshotSchema.parse(item);
}

export class ResultsRepository {
  constructor(private readonly db: Db) {}

  /** Stores units' own histograms (their own ratings, not their subtree's) for a period; overwrites. */
  putOwnHistograms(histograms: readonly OwnHistogram[]): Promise<void> {
    return withAvailability(() =>
      batchPut(
        this.db,
        histograms.map(({ unitId, period, histogram }) => ({
          ...keys.histogram(unitId, requireKind(period), period),
          type: 'histogram',
          unitId,
          period,
          histogram,
        })),
      ),
    );
  }

  /** A unit's own histograms of the parts of a period (the days of a month, the months of a quarter...). */
  ownHistogramsOfParts(unitId: string, period: string): Promise<Histogram[]> {
    const { kind, first, last } = partsOf(period);
    return this.ownHistogramsBetween(unitId, kind, first, last);
  }

  ownHistogramsBetween(unitId: string, kind: PeriodKind, first: string, last: string): Promise<Histogram[]> {
    return withAvailability(async () => {
      const items = await queryAll(this.db, {
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :last',
        ExpressionAttributeValues: {
          ':pk': keys.histogramPartition(unitId),
          ':first': keys.histogramSortKey(kind, first),
          ':last': keys.histogramSortKey(kind, last),
        },
      });
      return items.map((item) => HistogramSchema.parse(item.histogram));
    });
  }

  putSnapshots(snapshots: readonly Snapshot[]): Promise<void> {
    return withAvailability(() =>
      batchPut(
        this.db,
        snapshots.map((snapshot) => ({
          ...keys.snapshot(snapshot.unitId, snapshot.kind, snapshot.period),
          ...keys.snapshotSiblings(snapshot.parentId, snapshot.period, snapshot.unitId),
          type: 'snapshot',
          ...snapshot,
        })),
      ),
    );
  }

  getSnapshot(unitId: string, period: string): Promise<Snapshot | undefined> {
    return withAvailability(async () => {
      const { Item } = await this.db.client.send(
        new GetCommand({ TableName: this.db.tableName, Key: keys.snapshot(unitId, requireKind(period), period) }),
      );
      return Item ? toSnapshot(Item) : undefined;
    });
  }

  getSnapshots(unitIds: readonly string[], period: string): Promise<Snapshot[]> {
    const kind = requireKind(period);
    return withAvailability(async () =>
      (await batchGet(this.db, unitIds.map((id) => keys.snapshot(id, kind, period)))).map(toSnapshot),
    );
  }

  /** The snapshots of a parent's children for a period, as they were computed (one Query). */
  siblings(parentId: string, period: string): Promise<Snapshot[]> {
    return withAvailability(async () =>
      (
        await queryAll(this.db, {
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.siblingsOf(parentId, period) },
        })
      ).map(toSnapshot),
    );
  }

  /** A unit's snapshots of one kind between two periods, oldest first (a trend). */
  trend(unitId: string, kind: PeriodKind, first: string, last: string): Promise<Snapshot[]> {
    return withAvailability(async () =>
      (
        await queryAll(this.db, {
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :last',
          ExpressionAttributeValues: {
            ':pk': keys.snapshotPartition(unitId),
            ':first': keys.snapshotSortKey(kind, first),
            ':last': keys.snapshotSortKey(kind, last),
          },
        })
      ).map(toSnapshot),
    );
  }
}
