import { IndexQuery, RankingsQuery, UnitId } from '../shared/api/schemas';
import { createDeps, type Deps } from '../shared/deps';
import { pathParam, queryParams } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { publicJson } from '../shared/http/responses';
import { readIndex, readRankings } from '../shared/use-cases/results';

export function makeHandler(deps: Deps) {
  return httpHandler(async (event) => {
    if (event.routeKey === 'GET /v1/rankings') {
      const { period, parent } = queryParams(event, RankingsQuery);
      return publicJson(await readRankings(parent ?? null, period, deps.results));
    }
    const unitId = pathParam(event, 'unitId', UnitId);
    const { period } = queryParams(event, IndexQuery);
    return publicJson(await readIndex(unitId, period, deps.results));
  });
}

export const handler = makeHandler(createDeps());
