import { SEVERITY_LEVEL } from '../alerts/rules';
import type { SubscriptionInput } from '../api/schemas';
import { type Principal, unitInScope } from '../auth/principal';
import { ForbiddenError, NotFoundError } from '../errors';
import {
  type Subscription,
  type SubscriptionsRepository,
  subscriptionIdOf,
} from '../store/subscriptions-repo';
import type { UnitsRepository } from '../store/units-repo';
import type { AlertsTopic } from './alerts-topic';

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

/** What an official sees of a subscription (the SNS ARN stays inside). */
export function subscriptionView(subscription: Subscription) {
  const { subscriptionArn: _arn, ...view } = subscription;
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
  const subscription: Subscription = {
    id: subscriptionIdOf(principal.subject, subscriptionArn),
    owner: principal.subject,
    unitId: unit.id,
    unitPath: unit.path,
    protocol: input.protocol,
    endpoint: input.endpoint,
    minSeverity: input.minSeverity,
    subscriptionArn,
    createdAt: deps.clock().toISOString(),
  };
  const stored = (await deps.subscriptions.create(subscription))
    ? subscription
    : ((await deps.subscriptions.get(subscription.id)) ?? subscription);
  // After the record, so no holder is counted without one; holding twice is holding once.
  await deps.subscriptions.hold(subscriptionArn, stored.id);
  return subscriptionView(stored);
}

/** An official's own subscriptions; an administrator's view is every subscription. */
export async function listSubscriptions(principal: Principal, deps: SubscriptionDeps) {
  const found =
    principal.role === 'admin'
      ? await deps.subscriptions.under('/')
      : await deps.subscriptions.ofOwner(principal.subject);
  return found.map(subscriptionView);
}

/**
 * Unsubscribes at SNS, then deletes the record, so a failure in between leaves a record to retry
 * with. Two officials who subscribed the same endpoint to the same area with the same minimum
 * share one SNS subscription: it is kept while another record still stands for it.
 */
export async function unsubscribe(id: string, principal: Principal, deps: SubscriptionDeps): Promise<void> {
  const subscription = await deps.subscriptions.get(id);
  if (!subscription) throw new NotFoundError(`no subscription ${id}`);
  if (principal.role !== 'admin' && subscription.owner !== principal.subject) {
    throw new ForbiddenError('this subscription belongs to someone else');
  }
  // Let go first: a failure after it leaves the record, and the retry lets go again (a no-op).
  const stillHeld = await deps.subscriptions.release(subscription.subscriptionArn, id);
  if (stillHeld === 0) await deps.topic.unsubscribe(subscription.subscriptionArn);
  await deps.subscriptions.delete(id);
}
