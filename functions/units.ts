import { MergeRequest, UnitId, UnitInput, UnitsQuery } from '../shared/api/schemas';
import { principalFrom, scopeOf, unitInScope } from '../shared/auth/principal';
import { createDeps, type Deps } from '../shared/deps';
import type { Unit } from '../shared/domain';
import { parseJson, pathParam, queryParams, readBody } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { json } from '../shared/http/responses';
import { followUnits } from '../shared/use-cases/subscriptions';
import { listUnits, mergeUnit, putUnit } from '../shared/use-cases/units';

export function makeHandler(deps: Deps) {
  // A unit's alert subscriptions move with it, or their filters would still name its old path.
  const follow = (subtree: readonly Unit[]) => followUnits(subtree, deps);
  return httpHandler(async (event) => {
    const principal = principalFrom(event);
    if (event.routeKey === 'GET /v1/units') {
      const { parent } = queryParams(event, UnitsQuery);
      return json(200, await listUnits(parent, await scopeOf(principal, deps.units), deps));
    }
    const unitId = pathParam(event, 'unitId', UnitId);
    if (event.routeKey === 'GET /v1/units/{unitId}')
      return json(200, await unitInScope(unitId, principal, deps.units));
    const { text } = readBody(event, ['json'], deps.config.MAX_BODY_BYTES);
    if (event.routeKey === 'POST /v1/units/{unitId}/merge') {
      const { into } = MergeRequest.parse(parseJson(text));
      return json(200, await mergeUnit(unitId, into, await scopeOf(principal, deps.units), deps));
    }
    const input = UnitInput.parse(parseJson(text));
    const scope = await scopeOf(principal, deps.units);
    const { unit, created } = await putUnit(unitId, input, scope, { ...deps, followUnits: follow });
    return json(created ? 201 : 200, unit);
  });
}

export const handler = makeHandler(createDeps());
