import { AggregationRequest } from '../shared/api/schemas';
import { principalFrom } from '../shared/auth/principal';
import { createDeps, type Deps } from '../shared/deps';
import { ForbiddenError, ValidationError } from '../shared/errors';
import { parseJson, readBody } from '../shared/http/body';
import { httpHandler } from '../shared/http/middy';
import { json } from '../shared/http/responses';
import { daysBetween, vietnamDay } from '../shared/methodology/periods';
import { businessMetrics } from '../shared/observability';
import { closeDays } from '../shared/use-cases/close-days';

export function makeHandler(deps: Deps) {
  const metrics = businessMetrics(deps.config);
  return httpHandler(async (event) => {
    // A recompute touches every unit's results, so it is an administrator's action.
    if (principalFrom(event).role !== 'admin')
      throw new ForbiddenError('only administrators can recompute results');
    const { text } = readBody(event, ['json'], deps.config.MAX_BODY_BYTES);
    const { from, to } = AggregationRequest.parse(parseJson(text));
    // Today may be recomputed (its figures so far); a day that has not begun has nothing to close.
    const today = vietnamDay(deps.clock());
    if (to > today)
      throw new ValidationError('to: the range ends after today', [
        { field: 'to', message: `must not be after today (${today}, Vietnam time)` },
      ]);
    const summary = await closeDays(daysBetween(from, to), deps);
    // A recompute publishes the alerts it raises, as the nightly job does.
    if (summary.alerts) metrics.alertsPublished(summary.alerts.sent + summary.alerts.escalated);
    return json(200, summary);
  });
}

export const handler = makeHandler(createDeps());
