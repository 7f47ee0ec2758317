import { type AlertThresholds, looserOf, looserThan, thresholdsFor } from '../alerts/rules';
import type { UnitInput } from '../api/schemas';
import { finalUnitId, isWithin, pathOf, type Unit } from '../domain';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { DEFAULT_INSTRUMENT_ID, type InstrumentRegistry } from '../methodology/instruments';
import type { UnitsRepository } from '../store/units-repo';

export interface UnitDeps {
  units: UnitsRepository;
  registry: InstrumentRegistry;
  clock: () => Date;
  /**
   * What else follows the units of a subtree to their paths of now (their alert subscriptions),
   * after every PUT, moved or not: a PUT repeated after a move cut short completes it.
   */
  followUnits?: (subtree: readonly Unit[]) => Promise<void>;
  /** the city's alert thresholds: an official may set a unit's only stricter (checkOfficialThresholds) */
  alertDefaults: AlertThresholds;
}

/**
 * Creates or updates a unit. Moving a unit to another parent rewrites the paths of its whole
 * subtree, descendants first: if the move is interrupted, repeating the PUT finds the unit still
 * at its old path and completes the rest. Then whatever follows the units (followUnits: their
 * alert subscriptions) is brought to their paths of now. Snapshots already computed keep the tree
 * they were computed with; the next recompute uses the new one (docs/methodology.md, "Tree
 * changes").
 */
export async function putUnit(
  unitId: string,
  input: UnitInput,
  scopePath: string,
  deps: UnitDeps,
): Promise<{ unit: Unit; created: boolean }> {
  const existing = await deps.units.get(unitId);
  if (existing && !isWithin(existing.path, scopePath))
    throw new ForbiddenError('this unit is outside your area');
  const parentId = input.parentId === undefined ? (existing?.parentId ?? null) : input.parentId;
  let parentPath: string | null = null;
  if (parentId !== null) {
    if (parentId === unitId) throw invalid('parentId', 'a unit cannot be its own parent');
    const parent = await deps.units.get(parentId);
    if (!parent) throw invalid('parentId', `no unit ${parentId}`);
    if (parent.mergedInto) throw invalid('parentId', `${parentId} was merged into ${parent.mergedInto}`);
    if (existing && isWithin(parent.path, existing.path))
      throw invalid('parentId', 'cannot move a unit below itself');
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
  const alertThresholds =
    input.alertThresholds === undefined ? existing?.alertThresholds : (input.alertThresholds ?? undefined);
  if (scopePath !== '/') checkOfficialThresholds(existing, alertThresholds, scopePath, deps.alertDefaults);
  const unit: Unit = {
    id: unitId,
    name: input.name,
    ...(input.nameEn ? { nameEn: input.nameEn } : {}),
    parentId,
    path,
    level: input.level,
    instrument,
    ...(existing?.mergedInto ? { mergedInto: existing.mergedInto, mergedAt: existing.mergedAt } : {}),
    ...(alertThresholds ? { alertThresholds } : {}),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  if (existing && existing.path !== path) {
    const descendants = (await deps.units.subtree(existing.path)).filter((u) => u.id !== unitId);
    for (const descendant of descendants) {
      await deps.units.put({
        ...descendant,
        path: path + descendant.path.slice(existing.path.length),
        updatedAt: now,
      });
    }
  }
  await deps.units.put(unit);
  if (deps.followUnits) await deps.followUnits(await deps.units.subtree(path));
  return { unit, created: !existing };
}

/**
 * What an official may do to a unit's alert thresholds: make its alerts more frequent, never rarer
 * than the city's (one who could would silence the alerts about units they answer for, for every
 * official above too), and on their own unit never rarer than they are (those were set above
 * them). The spike's baseline keeps the city's minimum sample (METHODOLOGY.md, "Sufficiency").
 * Values an administrator set, sent back unchanged, stand. An administrator may set anything.
 */
function checkOfficialThresholds(
  existing: Unit | undefined,
  overrides: Unit['alertThresholds'],
  scopePath: string,
  defaults: AlertThresholds,
): void {
  const current = thresholdsFor(defaults, existing?.alertThresholds);
  const next = thresholdsFor(defaults, overrides);
  // On a unit below them: the city's, or what an administrator loosened it to, whichever alerts less
  // (so moving a loosened value back toward the city's is allowed).
  const bound = existing?.path === scopePath ? current : looserOf(defaults, current);
  const changed = (key: keyof AlertThresholds) => next[key] !== current[key];
  const looser = looserThan(next, bound).filter(changed);
  if (looser.length > 0) {
    throw new ForbiddenError(
      `${looser.map((key) => `alertThresholds.${key}`).join(', ')}: only ${existing?.path === scopePath ? 'the level above you' : 'an administrator'} may make alerts rarer than ${looser.map((key) => `${key} ${bound[key]}`).join(', ')}`,
    );
  }
  if (next.spikeMinTrailingRatings < defaults.spikeMinTrailingRatings && changed('spikeMinTrailingRatings')) {
    throw new ForbiddenError(
      `alertThresholds.spikeMinTrailingRatings: the spike's baseline needs the city's minimum sample, ${defaults.spikeMinTrailingRatings}`,
    );
  }
}

function invalid(field: string, message: string) {
  return new ValidationError(`${field}: ${message}`, [{ field, message }]);
}

export async function listUnits(
  parentId: string | undefined,
  scopePath: string,
  deps: UnitDeps,
): Promise<Unit[]> {
  if (parentId === undefined) {
    if (scopePath === '/') return deps.units.children(null);
    const ownId = scopePath.split('/').filter(Boolean).at(-1)!;
    const own = await deps.units.get(ownId);
    return own ? [own] : [];
  }
  const parent = await deps.units.get(parentId);
  // As unitInScope: a missing unit is 404 to whoever may see everything, and 403 to an official,
  // who learns nothing about units outside their subtree, not even whether they exist.
  if (!parent && scopePath === '/') throw new NotFoundError(`no unit ${parentId}`);
  if (!parent || !isWithin(parent.path, scopePath))
    throw new ForbiddenError('this unit is outside your area');
  return deps.units.children(parentId);
}

/**
 * Merges a unit into another (POST /v1/units/{unitId}/merge), as communes were merged on
 * 1 July 2025. Nothing already computed is rewritten: the merged unit keeps its ratings (its old
 * QR posters keep working), its stored snapshots and its own histograms, which are facts about
 * its ratings, not about the tree. From the next recompute on, results use the new tree: the
 * merged unit gets no snapshot and no rank, and its ratings of any period count for the unit it
 * was merged into (and so for that unit's ancestors). A unit with children cannot be merged:
 * move or merge them first, so no subtree is left without a place in the tree. Repeating the same
 * merge is a no-op.
 */
export async function mergeUnit(
  unitId: string,
  into: string,
  scopePath: string,
  deps: UnitDeps,
): Promise<Unit> {
  if (into === unitId) throw invalid('into', 'a unit cannot be merged into itself');
  const unit = await deps.units.get(unitId);
  if (!unit) throw new NotFoundError(`no unit ${unitId}`);
  if (!isWithin(unit.path, scopePath)) throw new ForbiddenError('this unit is outside your area');
  if (unit.mergedInto === into) return settledMerge(unit, into, deps);
  if (unit.mergedInto) throw new ConflictError(`${unitId} was already merged into ${unit.mergedInto}`);
  const target = await deps.units.get(into);
  if (!target) throw invalid('into', `no unit ${into}`);
  if (!isWithin(target.path, scopePath))
    throw new ForbiddenError('the unit to merge into is outside your area');
  if (target.mergedInto) throw invalid('into', `${into} was itself merged into ${target.mergedInto}`);
  if (isWithin(target.path, unit.path)) throw invalid('into', 'cannot merge a unit into its own subtree');
  const children = (await deps.units.children(unitId)).filter((child) => !child.mergedInto);
  if (children.length > 0) {
    throw new ConflictError(
      `${unitId} still has units below it (${children.map((c) => c.id).join(', ')}): move or merge them first`,
    );
  }
  const now = deps.clock().toISOString();
  if (!(await deps.units.markMerged(unitId, unit.path, into, now))) {
    const stored = await deps.units.get(unitId, { consistent: true });
    if (stored?.mergedInto === into) return settledMerge(stored, into, deps);
    throw new ConflictError(`${unitId} changed meanwhile (merged or moved): ask again`);
  }
  // The target merged meanwhile (perhaps into this unit, at the same moment): a chain or a cycle
  // nobody asked for. Taken back; asked again, the merge sees what the target is now.
  const targetNow = await deps.units.get(into, { consistent: true });
  if (targetNow?.mergedInto) {
    await deps.units.unmarkMerged(unitId, into, now);
    throw new ConflictError(`${into} was merged into ${targetNow.mergedInto} meanwhile: nothing was merged`);
  }
  return { ...unit, mergedInto: into, mergedAt: now, updatedAt: now };
}

/**
 * The answer to a merge found already made (a repeat, or a request at the same moment): made,
 * unless its target was merged into this unit, a cycle the other request is taking back. (A
 * target merged elsewhere later is a chain, which a repeat leaves as it is.)
 */
async function settledMerge(unit: Unit, into: string, deps: UnitDeps): Promise<Unit> {
  const target = await deps.units.get(into, { consistent: true });
  if (target?.mergedInto === unit.id)
    throw new ConflictError(`${into} was merged into ${unit.id}: ask again`);
  return unit;
}

/**
 * The units whose ratings count for `unit` and the units below it. A unit's ratings count where
 * its chain of merges ends (finalUnitId): a merged unit keeps its place in the tree and its QR
 * posters, but its ratings, old and new, count for the unit it joined (docs/methodology.md, "Tree
 * changes"). So the joined unit's officials read, export and review them, and the merged unit's
 * old area no longer does. In path order, from one read of the whole tree.
 */
export async function unitsCountingFor(unit: Unit, units: UnitsRepository): Promise<Unit[]> {
  const all = await units.subtree('/');
  const byId = new Map(all.map((u) => [u.id, u]));
  return all.filter((u) => isWithin((byId.get(finalUnitId(u.id, byId)) ?? u).path, unit.path));
}

/**
 * Of the units counting for a subtree (unitsCountingFor), those counting for its top unit
 * itself: the unit, and the units merged into it. Every unit of such a chain counts for the
 * subtree too, so the list holds the whole chain.
 */
export function countingForItself(unit: Unit, counting: readonly Unit[]): Unit[] {
  const byId = new Map(counting.map((u) => [u.id, u]));
  return counting.filter((u) => finalUnitId(u.id, byId) === unit.id);
}
