import { AggregationRequest } from '../shared/api/schemas';
import { principalFrom } from '../shared/auth/principal';
import { createDeps, type Deps } from '../shared/deps';
import { ForbiddenError } from '../shared/errors';
import { parseJson, readBody } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { json } from '../shared/http/responses';
import { businessMetrics } from '../shared/observability';
import { recompute } from '../shared/use-cases/close-days';

export function makeHandler(deps: Deps) {
  const metrics = businessMetrics(deps.config);
  return httpHandler(async (event) => {
    // A recompute touches every unit's results, so it is an administrator's action.
    if (principalFrom(event).role !== 'admin')
      throw new ForbiddenError('only administrators can recompute results');
    const { text } = readBody(event, ['json'], deps.config.MAX_BODY_BYTES);
    const summary = await recompute(AggregationRequest.parse(parseJson(text)), deps);
    // A recompute publishes the alerts it raises, as the nightly job does.
    if (summary.alerts) metrics.alertsPublished(summary.alerts.sent + summary.alerts.escalated);
    return json(200, summary);
  });
}

export const handler = makeHandler(createDeps());
