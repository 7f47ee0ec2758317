import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isWithin, type Unit } from '../domain';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors';
import type { UnitsRepository } from '../store/units-repo';

/** Who is calling an officials' route, from the JWT claims the authorizer put on the event. */
export type Principal =
  | { role: 'admin'; subject: string }
  | { role: 'official'; subject: string; unitId: string };

export const GROUPS_CLAIM = 'cognito:groups';
export const UNIT_CLAIM = 'custom:unitId';

type Claims = Record<string, string | number | boolean | string[]>;

/**
 * API Gateway's JWT authorizer passes array claims flattened to a string such as "[admin official]";
 * the local gateway does the same, so both forms are read here.
 */
function groupsOf(value: Claims[string] | undefined): string[] {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

export function principalFrom(event: APIGatewayProxyEventV2): Principal {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } }).authorizer?.jwt
    ?.claims;
  if (!claims || typeof claims.sub !== 'string') throw new UnauthorizedError('sign in first');
  const groups = groupsOf(claims[GROUPS_CLAIM]);
  if (groups.includes('admin')) return { role: 'admin', subject: claims.sub };
  const unitId = claims[UNIT_CLAIM];
  if (groups.includes('official') && typeof unitId === 'string' && unitId.length > 0) {
    return { role: 'official', subject: claims.sub, unitId };
  }
  throw new ForbiddenError('this account has no role in sipas');
}

/** The path under which a principal may act: '/' for an admin, the official's own unit's subtree otherwise. */
export async function scopeOf(principal: Principal, units: UnitsRepository): Promise<string> {
  if (principal.role === 'admin') return '/';
  const own = await units.get(principal.unitId);
  if (!own) throw new ForbiddenError('your unit no longer exists');
  return own.path;
}

/** Loads a unit and checks that the principal may see it; a unit outside the scope is 403, a missing one 404. */
export async function unitInScope(
  unitId: string,
  principal: Principal,
  units: UnitsRepository,
): Promise<Unit> {
  const [unit, scope] = await Promise.all([units.get(unitId), scopeOf(principal, units)]);
  if (!unit) {
    if (principal.role === 'admin') throw new NotFoundError(`no unit ${unitId}`);
    // An official learns nothing about units outside their subtree, not even whether they exist.
    throw new ForbiddenError('this unit is outside your area');
  }
  if (!isWithin(unit.path, scope)) throw new ForbiddenError('this unit is outside your area');
  return unit;
}
