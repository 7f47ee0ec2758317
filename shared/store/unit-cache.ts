import type { Unit } from '../domain';
import { UnitsRepository } from './units-repo';

/**
 * Unit lookups of the rating handler, kept for a minute per warm container. Every rating names
 * its unit, and units change a few times a year: without this, a GetItem per rating would be a
 * quarter of the handler's DynamoDB requests (bench/ingestion.ts). A moved or renamed unit
 * reaches the handler within TTL_MS; the rating stores only the unit id, so a stale path never
 * reaches the data, and the nightly job reads the tree afresh.
 */
const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

export class CachedUnitsRepository extends UnitsRepository {
  private readonly cache = new Map<string, { unit: Promise<Unit | undefined>; at: number }>();

  constructor(
    private readonly inner: UnitsRepository,
    private readonly now: () => number = Date.now,
  ) {
    // Only get() is cached; every other method is the wrapped repository's.
    super((inner as unknown as { db: ConstructorParameters<typeof UnitsRepository>[0] }).db);
  }

  override get(unitId: string): Promise<Unit | undefined> {
    const hit = this.cache.get(unitId);
    if (hit && this.now() - hit.at < TTL_MS) return hit.unit;
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    const unit = this.inner.get(unitId);
    this.cache.set(unitId, { unit, at: this.now() });
    // Neither a failed read (DynamoDB unavailable) nor a unit not yet created is remembered.
    unit.then(
      (found) => found ?? this.cache.delete(unitId),
      () => this.cache.delete(unitId),
    );
    return unit;
  }
}

/** The same dependencies, with unit lookups cached (for the rating handler's hot path). */
export function withCachedUnits<T extends { units: UnitsRepository }>(deps: T): T {
  return { ...deps, units: new CachedUnitsRepository(deps.units) };
}
