import { FlaggedQuery, UnitId } from '../shared/api/schemas';
import { principalFrom, unitInScope } from '../shared/auth/principal';
import { createDeps, type Deps } from '../shared/deps';
import { pathParam, queryParams } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { json } from '../shared/http/responses';
import { flaggedRatings } from '../shared/use-cases/flagged';

export function makeHandler(deps: Deps) {
  return httpHandler(async (event) => {
    const unit = await unitInScope(pathParam(event, 'unitId', UnitId), principalFrom(event), deps.units);
    const { from, to } = queryParams(event, FlaggedQuery);
    return json(200, await flaggedRatings(unit, from, to, deps));
  });
}

export const handler = makeHandler(createDeps());
