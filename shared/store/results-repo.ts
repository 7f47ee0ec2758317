import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod';
import { parseInternal } from '../errors';
import type { Histogram } from '../methodology/histogram';
import { type PeriodKind, requireKind } from '../methodology/periods';
import type { Snapshot } from '../methodology/snapshots';
import {
  batchDelete,
  batchGet,
  batchPut,
  type Db,
  getItem,
  type Item,
  queryAll,
  queryPage,
  withAvailability,
} from './dynamo';
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
});

/**
 * Own histograms of a period are spread over this many items. 32 keeps each well under DynamoDB's
 * 400 KB item limit up to ~50,000 units (a gzipped own histogram is ~100–200 bytes).
 */
export const HISTOGRAM_BUCKETS = 32;
const MAX_BUCKET_BYTES = 350 * 1024;

/** FNV-1a of the unit id: a bucket that depends on the id only, never on which units a write holds. */
function bucketOf(unitId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < unitId.length; i++) {
    hash ^= unitId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % HISTOGRAM_BUCKETS;
}

/**
 * Snapshots and histograms are stored as one gzipped JSON attribute (`data`) beside their keys:
 * nothing queries inside them, and a few hundred numbers as one value cost DynamoDB (and dynalite)
 * one attribute to check and marshal instead of hundreds, which was most of the nightly job's
 * write cost; gzip then takes a snapshot from ~1.5 KB to ~0.5 KB, one write unit instead of two.
 * Items written by earlier versions (plain attributes, or uncompressed JSON) still parse.
 */
function toSnapshot(item: Item): Snapshot {
  if (!(item.data instanceof Uint8Array) && typeof item.data !== 'string')
    return parseInternal(SnapshotSchema, item, 'a stored snapshot');
  // Snapshots stored before they stopped carrying their subtree's histogram still have it: dropped.
  const { histogram: _, ...stored } = (parseData(item.data) ?? {}) as Partial<Snapshot> & {
    histogram?: unknown;
  };
  // `data` is only ever written by snapshotItem(), from a typed Snapshot, so a check of its
  // shape's landmarks is enough; the full zod parse of every figure cost the nightly job (which
  // reads a whole tree's previous snapshots) more than the read itself.
  if (
    !isRecord(stored) ||
    typeof stored.unitId !== 'string' ||
    typeof stored.period !== 'string' ||
    typeof stored.index !== 'number' ||
    !Array.isArray(stored.factors)
  ) {
    throw new Error(`stored snapshot ${String(item.PK)} ${String(item.SK)} is not in the stored format`);
  }
  return stored as Snapshot;
}

function packData(value: unknown): Uint8Array {
  return gzipSync(JSON.stringify(value));
}

function parseData(data: Uint8Array | string): unknown {
  return JSON.parse(typeof data === 'string' ? data : gunzipSync(data).toString('utf8'));
}

/** A per-unit own histogram item, as versions before the buckets wrote them. */
function toHistogram(item: Item): Histogram {
  if (typeof item.data !== 'string')
    return parseInternal(HistogramSchema, item.histogram, 'a stored histogram');
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
    data: packData(snapshot),
  };
}

export class ResultsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores every unit's own histogram of a period (their own ratings, not their subtree's),
   * replacing whatever the period held: the caller passes the period's complete set. They are
   * packed into HISTOGRAM_BUCKETS items, each unit's in the bucket its id hashes to, gzipped:
   * a national night stores 4 periods × ~3,300 small histograms, and one item per unit made
   * writing them cost as much as the rest of the night (bench/national-night.ts). Every bucket is
   * written, empty ones too, so a bucket never keeps a unit from an earlier write.
   */
  putOwnHistograms(period: string, histograms: ReadonlyMap<string, Histogram>): Promise<void> {
    const buckets = Array.from({ length: HISTOGRAM_BUCKETS }, () => [] as [string, Histogram][]);
    for (const entry of [...histograms].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      buckets[bucketOf(entry[0])]!.push(entry);
    }
    const items = buckets.map((entries, bucket) => {
      const data = packData(Object.fromEntries(entries));
      if (data.length > MAX_BUCKET_BYTES) {
        throw new Error(
          `own histograms of ${period}, bucket ${bucket}: ${data.length} bytes compressed, over ` +
            `${MAX_BUCKET_BYTES}; raise HISTOGRAM_BUCKETS (shared/store/results-repo.ts)`,
        );
      }
      return { ...keys.histogramBucket(period, bucket), type: 'histograms', period, data };
    });
    return withAvailability(() => batchPut(this.db, items));
  }

  /**
   * Whether a run has closed `period`: every run stores its own histograms (putOwnHistograms, every
   * bucket, empty ones too), whether or not any unit got a snapshot. One item is read.
   */
  wasClosed(period: string): Promise<boolean> {
    return withAvailability(async () => {
      const { items } = await queryPage(this.db, {
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.histogramPartition(period) },
        ProjectionExpression: 'PK',
        Limit: 1,
        // A run that ended a moment ago (the lease lets one start right after) has closed it.
        ConsistentRead: true,
      });
      return items.length > 0;
    });
  }

  /** Every unit's own histogram of one period, by unit id (one Query of HISTOGRAM_BUCKETS small items). */
  ownHistograms(period: string): Promise<Map<string, Histogram>> {
    return withAvailability(async () => {
      const items = await queryAll(this.db, {
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.histogramPartition(period) },
      });
      const buckets = items.filter((item) => item.data instanceof Uint8Array);
      // Before buckets, each unit's histogram was an item of its own; once a period has been
      // written in buckets, those older items are stale and must not count a second time.
      if (buckets.length === 0) return new Map(items.map((item) => [String(item.unitId), toHistogram(item)]));
      const found = new Map<string, Histogram>();
      for (const item of buckets) {
        const stored = parseData(item.data as Uint8Array);
        if (!isRecord(stored))
          throw new Error(`stored histograms ${String(item.PK)} ${String(item.SK)} are not a map`);
        for (const [unitId, histogram] of Object.entries(stored)) {
          if (!isStoredHistogram(histogram)) {
            throw new Error(
              `stored histogram of ${unitId} in ${String(item.PK)} is not in the stored format`,
            );
          }
          found.set(unitId, histogram);
        }
      }
      return found;
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

  /**
   * Deletes whatever snapshots these units have for the period. A recompute in which a unit has no
   * figures (its only counter moved away, say) must leave what a first run on today's tree would:
   * no snapshot, not the figures of an earlier run. Read first, so a night in which many units
   * have no ratings costs a BatchGet per 100 of them, and a delete only where one is stored.
   */
  dropSnapshots(unitIds: readonly string[], period: string): Promise<void> {
    const kind = requireKind(period);
    return withAvailability(async () => {
      const stored = await batchGet(
        this.db,
        unitIds.map((id) => keys.snapshot(id, kind, period)),
      );
      await batchDelete(
        this.db,
        stored.map((item) => ({ PK: String(item.PK), SK: String(item.SK) })),
      );
    });
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
  siblings(parentId: string | null, period: string): Promise<Snapshot[]> {
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
