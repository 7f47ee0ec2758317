import * as z from 'zod';
import type { Histogram } from '../methodology/histogram';
import { type PeriodKind, requireKind } from '../methodology/periods';
import type { Snapshot } from '../methodology/snapshots';
import { batchGet, batchPut, type Db, getItem, type Item, queryAll, withAvailability } from './dynamo';
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

/**
 * Snapshots and histograms are stored as one JSON string attribute (`data`) beside their keys:
 * nothing queries inside them, and a few hundred numbers as one string cost DynamoDB (and
 * dynalite) one attribute to check and marshal instead of hundreds, which is most of the nightly
 * job's write cost. Items written as plain attributes by earlier versions still parse.
 */
function toSnapshot(item: Item): Snapshot {
  if (typeof item.data !== 'string') return SnapshotSchema.parse(item);
  const stored = JSON.parse(item.data) as Partial<Snapshot> | null;
  // `data` is only ever written by snapshotItem(), JSON.stringify of a typed Snapshot, so a check
  // of its shape's landmarks is enough; the full zod parse of every figure cost the nightly job
  // (which reads a whole tree's previous snapshots) more than the read itself.
  if (
    !isRecord(stored) ||
    typeof stored.unitId !== 'string' ||
    typeof stored.period !== 'string' ||
    typeof stored.index !== 'number' ||
    !Array.isArray(stored.factors) ||
    !isStoredHistogram(stored.histogram)
  ) {
    throw new Error(`stored snapshot ${String(item.PK)} ${String(item.SK)} is not in the stored format`);
  }
  return stored as Snapshot;
}

function toHistogram(item: Item): Histogram {
  if (typeof item.data !== 'string') return HistogramSchema.parse(item.histogram);
  const stored: unknown = JSON.parse(item.data);
  // Written only by putOwnHistograms() from a typed Histogram (see toSnapshot).
  if (!isStoredHistogram(stored)) {
    throw new Error(`stored histogram ${String(item.PK)} ${String(item.SK)} is not in the stored format`);
  }
  return stored;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStoredHistogram(value: unknown): value is Histogram {
  return (
    isRecord(value) &&
    typeof value.n === 'number' &&
    isRecord(value.instruments) &&
    isRecord(value.factors) &&
    isRecord(value.items)
  );
}

function snapshotItem(snapshot: Snapshot): Item {
  return {
    type: 'snapshot',
    unitId: snapshot.unitId,
    period: snapshot.period,
    data: JSON.stringify(snapshot),
  };
}

export class ResultsRepository {
  constructor(private readonly db: Db) {}

  /** Stores units' own histograms (their own ratings, not their subtree's) for a period; overwrites. */
  putOwnHistograms(histograms: readonly OwnHistogram[]): Promise<void> {
    return withAvailability(() =>
      batchPut(
        this.db,
        histograms.map(({ unitId, period, histogram }) => ({
          ...keys.histogram(unitId, period),
          type: 'histogram',
          unitId,
          period,
          data: JSON.stringify(histogram),
        })),
      ),
    );
  }

  /** Every unit's own histogram of one period, by unit id (one Query, a page per ~1 MB). */
  ownHistograms(period: string): Promise<Map<string, Histogram>> {
    return withAvailability(async () => {
      const items = await queryAll(this.db, {
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.histogramPartition(period) },
      });
      return new Map(items.map((item) => [String(item.unitId), toHistogram(item)]));
    });
  }

  putSnapshots(snapshots: readonly Snapshot[]): Promise<void> {
    return withAvailability(() =>
      batchPut(
        this.db,
        snapshots.map((snapshot) => ({
          ...keys.snapshot(snapshot.unitId, snapshot.kind, snapshot.period),
          ...keys.snapshotSiblings(snapshot.parentId, snapshot.period, snapshot.unitId),
          ...snapshotItem(snapshot),
        })),
      ),
    );
  }

  /**
   * Re-stores snapshots without their place in a sibling list: used for units merged away, whose
   * stored results stay readable as they were computed but no longer appear among the siblings
   * of a period that has been recomputed with the new tree.
   */
  unlistSnapshots(snapshots: readonly Snapshot[]): Promise<void> {
    return withAvailability(() =>
      batchPut(
        this.db,
        snapshots.map((snapshot) => ({
          ...keys.snapshot(snapshot.unitId, snapshot.kind, snapshot.period),
          ...snapshotItem(snapshot),
        })),
      ),
    );
  }

  getSnapshot(unitId: string, period: string): Promise<Snapshot | undefined> {
    return withAvailability(async () => {
      const item = await getItem(this.db, { Key: keys.snapshot(unitId, requireKind(period), period) });
      return item ? toSnapshot(item) : undefined;
    });
  }

  getSnapshots(unitIds: readonly string[], period: string): Promise<Snapshot[]> {
    const kind = requireKind(period);
    return withAvailability(async () =>
      (
        await batchGet(
          this.db,
          unitIds.map((id) => keys.snapshot(id, kind, period)),
        )
      ).map(toSnapshot),
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
