import type { UnitInput } from '../api/schemas';
import { isWithin, pathOf, type Unit } from '../domain';
import { ForbiddenError, ValidationError } from '../errors';
import { DEFAULT_INSTRUMENT_ID, type InstrumentRegistry } from '../methodology/instruments';
import type { UnitsRepository } from '../store/units-repo';

export interface UnitDeps {
  units: UnitsRepository;
  registry: InstrumentRegistry;
  clock: () => Date;
}

/**
 * Creates or updates a unit. Moving a unit to another parent rewrites the paths of its whole
 * subtree, descendants first: if the move is interrupted, repeating the PUT finds the unit still
 * at its old path and completes the rest. Snapshots already computed keep the tree they were
 * computed with; the next recompute uses the new one (docs/methodology.md, "Tree changes").
 */
export async function putUnit(
  unitId: string,
  input: UnitInput,
  scopePath: string,
  deps: UnitDeps,
): Promise<{ unit: Unit; created: boolean }> {
  const existing = await deps.units.get(unitId);
  if (existing && !isWithin(existing.path, scopePath)) throw new ForbiddenError('this unit is outside your area');
  const parentId = input.parentId === undefined ? (existing?.parentId ?? null) : input.parentId;
  let parentPath: string | null = null;
  if (parentId !== null) {
    if (parentId === unitId) throw invalid('parentId', 'a unit cannot be its own parent');
    const parent = await deps.units.get(parentId);
    if (!parent) throw invalid('parentId', `no unit ${parentId}`);
    if (existing && isWithin(parent.path, existing.path)) throw invalid('parentId', 'cannot move a unit below itself');
    parentPath = parent.path;
  }
  const path = pathOf(parentPath, unitId);
  if (!isWithin(path, scopePath) || (scopePath !== '/' && path === scopePath && existing?.path !== path)) {
    throw new ForbiddenError('you can only manage units inside your area');
  }
  const instrument = input.instrument ?? existing?.instrument ?? DEFAULT_INSTRUMENT_ID;
  if (!deps.registry.has(instrument)) {
    throw invalid('instrument', `unknown instrument; known: ${deps.registry.ids().join(', ')}`);
  }
  const now = deps.clock().toISOString();
  const unit: Unit = {
    id: unitId,
    name: input.name,
    ...(input.nameEn ? { nameEn: input.nameEn } : {}),
    parentId,
    path,
    level: input.level,
    instrument,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  if (existing && existing.path !== path) {
    const descendants = (await deps.units.subtree(existing.path)).filter((u) => u.id !== unitId);
    for (const descendant of descendants) {
      await deps.units.put({ ...descendant, path: path + descendant.path.slice(existing.path.length), updatedAt: now });
    }
  }
  await deps.units.put(unit);
  return { unit, created: !existing };
}

function invalid(field: string, message: string) {
  return new ValidationError(`${field}: ${message}`, [{ field, message }]);
}

export async function listUnits(parentId: string | undefined, scopePath: string, deps: UnitDeps): Promise<Unit[]> {
  if (parentId === undefined) {
    if (scopePath === '/') return deps.units.children(null);
    const ownId = scopePath.split('/').filter(Boolean).at(-1)!;
    const own = await deps.units.get(ownId);
    return own ? [own] : [];
  }
  const parent = await deps.units.get(parentId);
  if (!parent || !isWithin(parent.path, scopePath)) throw new ForbiddenError('this unit is outside your area');
  return deps.units.children(parentId);
}
