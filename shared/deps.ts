import type { AlertThresholds } from './alerts/rules';
import { type Config, loadConfig } from './config';
import { type CoreDeps, createCoreDeps } from './core-deps';
import { instruments } from './methodology/instruments';
import type { SnapshotPolicy } from './methodology/snapshots';
import { AlertsRepository } from './store/alerts-repo';
import type { Db } from './store/dynamo';
import { LeasesRepository } from './store/lease-repo';
import { ResultsRepository } from './store/results-repo';
import { SubscriptionsRepository } from './store/subscriptions-repo';
import { UnitsRepository } from './store/units-repo';
import type { AlertDeps } from './use-cases/alerts';
import { type AlertsTopic, snsAlertsTopic } from './use-cases/alerts-topic';

/** Everything a function needs, wired once per cold start from the configuration. */
export interface Deps extends CoreDeps {
  leases: LeasesRepository;
  results: ResultsRepository;
  policy: SnapshotPolicy;
  subscriptions: SubscriptionsRepository;
  topic: AlertsTopic;
  /** what the nightly job needs to raise and publish alerts (shared/use-cases/alerts.ts) */
  alerting: AlertDeps;
  /** the city's alert thresholds, the bound an official's own (putUnit) may not pass */
  alertDefaults: AlertThresholds;
}

export function createDeps(config: Config = loadConfig()): Deps {
  const core = createCoreDeps(config);
  const { db } = core;
  const topic = snsAlertsTopic(config.ALERTS_TOPIC_ARN);
  return {
    ...core,
    leases: new LeasesRepository(db),
    results: new ResultsRepository(db),
    policy: { minN: config.MIN_N, peerMargin: config.PEER_MARGIN },
    subscriptions: new SubscriptionsRepository(db),
    topic,
    alerting: createAlertDeps(config, db, topic),
    alertDefaults: cityThresholds(config),
  };
}

/** The city's alert thresholds, which a unit's own alertThresholds override. */
export function cityThresholds(config: Config): AlertThresholds {
  return {
    target: config.ALERT_TARGET,
    dropPoints: config.ALERT_DROP_POINTS,
    rankPlaces: config.ALERT_RANK_PLACES,
    peerPoints: config.ALERT_PEER_POINTS,
    spikeRatio: config.ALERT_SPIKE_RATIO,
    spikeMinRatings: config.ALERT_SPIKE_MIN_RATINGS,
    // the trailing baseline needs as many ratings as any sufficient figure
    spikeMinTrailingRatings: config.MIN_N,
  };
}

/** The alerts outbox's dependencies: thresholds and timings from the configuration. */
export function createAlertDeps(
  config: Config,
  db: Db,
  topic: AlertsTopic,
  clock: () => Date = () => new Date(),
): AlertDeps {
  return {
    units: new UnitsRepository(db),
    results: new ResultsRepository(db),
    alerts: new AlertsRepository(db),
    topic,
    registry: instruments,
    clock,
    settings: {
      thresholds: cityThresholds(config),
      ackTimeoutHours: config.ALERT_ACK_HOURS,
      dashboardBaseUrl: config.DASHBOARD_BASE_URL ?? config.PUBLIC_BASE_URL,
      // well beyond one Publish's time, well below a night
      leaseSeconds: 300,
      periodKinds: config.ALERT_PERIODS,
    },
  };
}
