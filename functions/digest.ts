import { createDeps, type Deps } from '../shared/deps';
import { logger } from '../shared/logger';
import { publishDigests } from '../shared/use-cases/alerts-digest';

/** Weekly (shared/schedule.ts DIGEST): a summary per subscribed scope on the alerts topic. */
export function makeHandler(deps: Deps) {
  return async () => {
    const summary = await publishDigests({ ...deps.alerting, subscriptions: deps.subscriptions });
    logger.info('weekly digest done', summary);
    return summary;
  };
}

export const handler = makeHandler(createDeps());
