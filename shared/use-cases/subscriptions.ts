import { SEVERITY_LEVEL } from '../alerts/rules';
import type { SubscriptionInput } from '../api/schemas';
import { type Principal, unitInScope } from '../auth/principal';
import { mapConcurrent } from '../concurrency';
import type { Unit } from '../domain';
import { ForbiddenError, NotFoundError, ServiceUnavailableError } from '../errors';
import { logger } from '../logger';
import {
  type Subscription,
  type SubscriptionsRepository,
  subscriptionIdOf,
} from '../store/subscriptions-repo';
import type { UnitsRepository } from '../store/units-repo';
import type { AlertsTopic, SubscriptionStatus } from './alerts-topic';

export interface SubscriptionDeps {
  units: UnitsRepository;
  subscriptions: SubscriptionsRepository;
  topic: AlertsTopic;
  clock: () => Date;
}

/**
 * The SNS filter policy of a subscription (DESIGN.md, "Alerts"): the unit's subtree by a prefix on
 * unitPath (paths end in '/', so /hn/ba-dinh/ never matches /hn/ba-dinh-2/) and a minimum severity.
 */
export function filterPolicyOf(unitPath: string, minSeverity: keyof typeof SEVERITY_LEVEL) {
  return {
    unitPath: [{ prefix: unitPath }],
    severityLevel: [{ numeric: ['>=', SEVERITY_LEVEL[minSeverity]] }],
  };
}

/** What an official sees of a subscription (the SNS ARN and the bookkeeping stay inside). */
export function subscriptionView(subscription: Subscription) {
  const { subscriptionArn: _arn, counted: _counted, ...view } = subscription;
  return view;
}

/**
 * Subscribes an endpoint to the alerts of a unit's subtree. SNS first, then the record: if the
 * record's write fails, the client's retry makes the same Subscribe, which SNS answers with the
 * same subscription rather than a second one. The record's id comes from the official and that
 * subscription, so the same request again, even at the same moment, gets the one record. The
 * records holding each SNS subscription are counted (hold), so that removing one of two
 * officials' records of a shared subscription leaves it to the other.
 */
export async function subscribe(input: SubscriptionInput, principal: Principal, deps: SubscriptionDeps) {
  const unit = await unitInScope(input.unitId, principal, deps.units);
  const subscriptionArn = await deps.topic.subscribe(
    input.protocol,
    input.endpoint,
    filterPolicyOf(unit.path, input.minSeverity),
  );
  // A record of this official for the same endpoint under another ARN may stand for a
  // subscription SNS no longer has (its endpoint left it): if SNS says it is gone, the record goes,
  // so the endpoint keeps one record. One SNS cannot answer about (a topic replaced since), or
  // that another request removed meanwhile, is left alone.
  const mine = await deps.subscriptions.ofOwner(principal.subject);
  const others = mine.filter(
    (record) =>
      record.protocol === input.protocol &&
      record.endpoint === input.endpoint &&
      record.subscriptionArn !== subscriptionArn,
  );
  for (const record of others) {
    const status = await deps.topic.status(record.subscriptionArn).catch(() => undefined);
    if (status !== 'gone') continue;
    await unsubscribe(record.id, principal, deps).catch((error: unknown) => {
      if (!(error instanceof NotFoundError)) throw error;
    });
  }
  // A record made before the holders were counted: taken over, and counted from now on (under
  // this ARN, so none of the records just removed).
  const earlier = mine.find(
    (subscription) => subscription.subscriptionArn === subscriptionArn && !subscription.counted,
  );
  const now = deps.clock();
  const hold = async (id: string) => {
    if (!(await deps.subscriptions.hold(subscriptionArn, id, now.toISOString()))) {
      // Being removed at SNS as the last record for it went: asked again once that is done,
      // SNS makes a new subscription.
      throw new ServiceUnavailableError('this endpoint is being unsubscribed; try again', 2);
    }
  };
  if (earlier) {
    await hold(earlier.id);
    await deps.subscriptions.put({ ...earlier, counted: true });
    return subscriptionView(earlier);
  }
  const subscription: Subscription = {
    id: subscriptionIdOf(principal.subject, subscriptionArn),
    owner: principal.subject,
    unitId: unit.id,
    unitPath: unit.path,
    protocol: input.protocol,
    endpoint: input.endpoint,
    minSeverity: input.minSeverity,
    subscriptionArn,
    createdAt: now.toISOString(),
    counted: true,
  };
  // Held before the record is written: a crash in between leaves a holder the retry completes
  // with its record (the id is the same), never a record whose SNS subscription another
  // official's deletion could take away. Holding twice is holding once.
  await hold(subscription.id);
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await deps.subscriptions.create(subscription)) return subscriptionView(subscription);
    const existing = await deps.subscriptions.get(subscription.id);
    if (existing) return subscriptionView(existing);
    // deleted between the two: write it again, once
  }
  throw new ServiceUnavailableError('the subscription changed while it was being made; try again', 1);
}

/**
 * Points the subscriptions of the units in `subtree` at their units' paths of now, after a unit
 * moved: each SNS subscription's filter (a prefix on unitPath) first, then its records. Found by
 * unit id, not by the path a move started from, so a move cut short, or redirected before it
 * ended, is put right by the next PUT of the unit (putUnit calls this after every PUT). An SNS
 * subscription that SNS no longer has (its owner left it) is skipped with a warning; its records
 * get the new path all the same.
 */
export async function followUnits(
  subtree: readonly Unit[],
  deps: Pick<SubscriptionDeps, 'subscriptions' | 'topic'>,
): Promise<void> {
  const pathOf = new Map(subtree.map((unit) => [unit.id, unit.path] as const));
  const byArn = new Map<string, Subscription[]>();
  for (const record of await deps.subscriptions.under('/')) {
    const path = pathOf.get(record.unitId);
    if (path === undefined || path === record.unitPath) continue;
    byArn.set(record.subscriptionArn, [...(byArn.get(record.subscriptionArn) ?? []), record]);
  }
  for (const [arn, records] of byArn) {
    // SNS gives one subscription per endpoint and filter, so its records share unit and minimum.
    const { unitId, minSeverity } = records[0]!;
    const path = pathOf.get(unitId)!;
    if (!(await deps.topic.setFilterPolicy(arn, filterPolicyOf(path, minSeverity)))) {
      logger.warn('a moved unit’s subscription is gone from SNS; its record follows the unit', { unitId });
    }
    for (const record of records) await deps.subscriptions.replace({ ...record, unitPath: path });
  }
}

/** The SNS subscriptions one list asks SNS about, 4 at a time (≈ 30 ms each), and for how long. */
const STATUS_CHECKS = 200;
const STATUS_BUDGET_MS = 3_000;

/**
 * An official's own subscriptions; an administrator's view is every subscription. Each with its
 * status at SNS: a subscription its endpoint left, or never confirmed, sends nothing, whatever the
 * record says (subscribing the endpoint again replaces a gone one).
 */
export async function listSubscriptions(principal: Principal, deps: SubscriptionDeps) {
  const found =
    principal.role === 'admin'
      ? await deps.subscriptions.under('/')
      : await deps.subscriptions.ofOwner(principal.subject);
  // SNS is asked about the first STATUS_CHECKS only, and for STATUS_BUDGET_MS at most: the list
  // answers inside its function's 10 s however many there are and however slow SNS is; what is
  // not known by then is `unknown`.
  const arns = [...new Set(found.map((record) => record.subscriptionArn))].slice(0, STATUS_CHECKS);
  const statuses = new Map<string, SubscriptionStatus>();
  const deadline = Date.now() + STATUS_BUDGET_MS;
  const checks = mapConcurrent(arns, 4, async (arn) => {
    // past the budget the answer has gone: ask SNS nothing more for it
    if (Date.now() >= deadline) return;
    try {
      statuses.set(arn, await deps.topic.status(arn));
    } catch (error) {
      logger.warn('could not ask SNS for a subscription’s status', { error });
    }
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([checks, new Promise((resolve) => (timer = setTimeout(resolve, STATUS_BUDGET_MS)))]);
  clearTimeout(timer);
  return found.map((record) => ({
    ...subscriptionView(record),
    status: statuses.get(record.subscriptionArn) ?? 'unknown',
  }));
}

/**
 * Longer than the subscriptions function may run: a remover that dies after marking a subscription
 * as being removed (close) blocks new holders of it for this long at most.
 */
const CLOSING_SECONDS = 60;

/** How long a subscription SNS let go stays marked as gone (forget), against late holders. */
const GONE_KEPT_SECONDS = 86_400;

/**
 * Unsubscribes at SNS, then deletes the record, so a failure in between leaves a record to retry
 * with. Two officials who subscribed the same endpoint to the same area with the same minimum
 * share one SNS subscription: it is kept while another record still stands for it. From the
 * moment the last record lets go, the subscription is marked as being removed, then as gone: a
 * subscribe that SNS answered with it is refused (and retried, which gets a new one) however late
 * it comes to hold it, rather than left with a record standing for a subscription that is gone.
 */
export async function unsubscribe(id: string, principal: Principal, deps: SubscriptionDeps): Promise<void> {
  const subscription = await deps.subscriptions.get(id);
  if (!subscription) throw new NotFoundError(`no subscription ${id}`);
  if (principal.role !== 'admin' && subscription.owner !== principal.subject) {
    throw new ForbiddenError('this subscription belongs to someone else');
  }
  // Let go first: a failure after it leaves the record, and the retry lets go again (a no-op).
  const arn = subscription.subscriptionArn;
  const stillHeld = await deps.subscriptions.release(arn, id);
  // Records from before the holders were counted hold theirs unseen: they keep it as well.
  const heldUncounted =
    stillHeld === 0 &&
    (await deps.subscriptions.under(subscription.unitPath)).some(
      (other) => other.id !== id && other.subscriptionArn === arn && !other.counted,
    );
  const now = deps.clock().getTime();
  const closingUntil = new Date(now + CLOSING_SECONDS * 1000).toISOString();
  if (stillHeld === 0 && !heldUncounted && (await deps.subscriptions.close(arn, closingUntil))) {
    await deps.topic.unsubscribe(arn);
    await deps.subscriptions.forget(arn, Math.floor(now / 1000) + GONE_KEPT_SECONDS);
  }
  await deps.subscriptions.delete(id);
}
