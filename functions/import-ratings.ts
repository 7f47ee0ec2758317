import { ratingsFromCsv } from '../shared/api/csv';
import { ImportRequest, MAX_IMPORT } from '../shared/api/schemas';
import { principalFrom, scopeOf } from '../shared/auth/principal';
import { createDeps, type Deps } from '../shared/deps';
import { ValidationError } from '../shared/errors';
import { parseJson, readBody } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { json } from '../shared/http/responses';
import { importRatings } from '../shared/use-cases/ratings';

export function makeHandler(deps: Deps) {
  return httpHandler(async (event) => {
    const principal = principalFrom(event);
    const { kind, text } = readBody(event, ['json', 'csv'], deps.config.MAX_IMPORT_BYTES);
    const ratings = kind === 'csv' ? ratingsFromCsv(text) : ImportRequest.parse(parseJson(text)).ratings;
    if (ratings.length === 0 || ratings.length > MAX_IMPORT) {
      throw new ValidationError('wrong number of ratings', [
        { field: 'ratings', message: `1 to ${MAX_IMPORT} per call` },
      ]);
    }
    const outcome = await importRatings(ratings, await scopeOf(principal, deps.units), deps);
    return json(200, outcome);
  });
}

export const handler = makeHandler(createDeps());
