import { createDeps, type Deps } from '../shared/deps';
import { logger } from '../shared/logger';
import { publishDigests } from '../shared/use-cases/alerts-digest';

/** Weekly (shared/schedule.ts DIGEST): a summary per subscribed scope on the alerts topic. */
export function makeHandler(deps: Deps) {
  return async () => {
    const summary = await publishDigests({ ...deps.alerting, subscriptions: deps.subscriptions });
    logger.info('weekly digest done', summary);
    // Failed digests are not sent again (next week's replaces them), but the run says it failed,
    // so the function's errors raise DigestErrorsAlarm; Lambda does not retry it (the stack).
    if (summary.failed > 0) {
      throw new Error(`${summary.failed} of ${summary.scopes} digests were not published`);
    }
    return summary;
  };
}

export const handler = makeHandler(createDeps());
