import { buildDigest, type Digest, digestMessage } from '../alerts/digest';
import { SEVERITY_LEVEL } from '../alerts/rules';
import { logger } from '../logger';
import { addDays, monthOf, previousPeriod, vietnamDay } from '../methodology/periods';
import type { SubscriptionsRepository } from '../store/subscriptions-repo';
import type { AlertDeps } from './alerts';

export interface DigestDeps extends AlertDeps {
  subscriptions: SubscriptionsRepository;
}

/**
 * Publishes one digest per subscribed scope (each distinct unit path subscriptions filter on).
 * The message carries the scope's own path, so the prefix filter of every subscription to that
 * scope lets it through, and the top severity level, so every minimum does; subscribers of an
 * ancestor scope also receive it (docs/alerts.md).
 */
export async function publishDigests(
  deps: DigestDeps,
): Promise<{ scopes: number; published: number; failed: number }> {
  const today = vietnamDay(deps.clock());
  const month = monthOf(addDays(today, -1));
  const weekAgo = addDays(today, -7);
  const scopes = [...new Set((await deps.subscriptions.under('/')).map((s) => s.unitPath))];
  let published = 0;
  let failed = 0;
  for (const scopePath of scopes) {
    // One scope's failure (DynamoDB, SNS) is logged and counted; the other scopes still get theirs.
    try {
      if (await publishScope(scopePath, { month, today, weekAgo }, deps)) published += 1;
    } catch (error) {
      failed += 1;
      logger.warn("a weekly digest was not published; next week's replaces it", { scopePath, error });
    }
  }
  return { scopes: scopes.length, published, failed };
}

/** Builds and publishes one scope's digest; false when its unit no longer exists. */
async function publishScope(
  scopePath: string,
  when: { month: string; today: string; weekAgo: string },
  deps: DigestDeps,
): Promise<boolean> {
  const { month, today, weekAgo } = when;
  const scopeUnitId = scopePath.split('/').filter(Boolean).at(-1)!;
  const unit = await deps.units.get(scopeUnitId);
  if (!unit) return false;
  const children = await deps.results.siblings(scopeUnitId, month);
  const previous = await deps.results.getSnapshots(
    children.map((c) => c.unitId),
    previousPeriod(month),
  );
  const recent = [...new Set([monthOf(weekAgo), monthOf(today)])];
  let alerts = 0;
  for (const m of recent) {
    alerts += (await deps.alerts.ofMonthUnder(m, scopePath)).filter(
      (a) => vietnamDay(a.createdAt) >= weekAgo,
    ).length;
  }
  const digest: Digest = buildDigest({
    scopeUnitId,
    scopeName: unit.name,
    period: month,
    children,
    previous,
    alerts,
  });
  // A digest is a summary, not an alert: a missed one is not retried, next week's replaces it.
  await deps.topic.publish({
    ...digestMessage(digest, deps.settings.dashboardBaseUrl),
    attributes: {
      unitPath: scopePath,
      rule: 'digest',
      severity: 'digest',
      severityLevel: SEVERITY_LEVEL.critical,
    },
  });
  return true;
}
