import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { Day } from '../shared/api/schemas';
import { createDeps, type Deps } from '../shared/deps';
import { logger } from '../shared/logger';
import { addDays, daysBetween, vietnamDay } from '../shared/methodology/periods';
import { businessMetrics } from '../shared/observability';
import { closeDays } from '../shared/use-cases/close-days';

/**
 * The scheduled input is empty (close yesterday, Vietnam time); an operator may invoke it with
 * {"day"} or {"from","to"} to re-run past nights (docs/operations.md).
 */
const NightlyInput = z.union([
  z.object({ from: Day, to: Day }).strict(),
  z.object({ day: Day }).strict(),
  z.object({}).strict(),
]);

const WAIT_FOR_OTHER_RUN_MS = 8 * 60_000;

export function makeHandler(deps: Deps) {
  const metrics = businessMetrics(deps.config);
  return async (event: unknown, context?: Pick<Context, 'awsRequestId'>) => {
    // A scheduled run has no HTTP request; its Lambda request id ties its log lines together.
    if (context?.awsRequestId) logger.appendKeys({ correlationId: context.awsRequestId });
    const input = NightlyInput.parse(event ?? {});
    const days =
      'from' in input
        ? daysBetween(input.from, input.to)
        : ['day' in input ? input.day : addDays(vietnamDay(deps.clock()), -1)];
    // A recompute an administrator started may be running: wait for it rather than give up the
    // night (15 minutes is this function's limit; a night needs a few, docs/scaling.md).
    const summary = await closeDays(days, deps, { waitForOtherRunMs: WAIT_FOR_OTHER_RUN_MS });
    metrics.nightlyJobDuration(summary.ms.total, { units: summary.units, ratings: summary.ratings });
    if (summary.alerts) metrics.alertsPublished(summary.alerts.sent + summary.alerts.escalated);
    logger.info('nightly aggregation done', {
      ...summary,
      days: summary.days.length,
      periods: summary.periods.length,
    });
    return summary;
  };
}

export const handler = makeHandler(createDeps());
