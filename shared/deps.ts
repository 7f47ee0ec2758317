import { ulid } from 'ulid';
import { type Config, loadConfig } from './config';
import { instruments } from './methodology/instruments';
import type { SnapshotPolicy } from './methodology/snapshots';
import { type QrKeyProvider, qrKeyProvider } from './qr/key-provider';
import { createDb, type Db } from './store/dynamo';
import { RateCountersRepository } from './store/rate-limit-repo';
import { DEFAULT_RATE_POLICY, type RatePolicy } from './use-cases/rate-limit';
import { RatingsRepository } from './store/ratings-repo';
import { ResultsRepository } from './store/results-repo';
import { UnitsRepository } from './store/units-repo';
import { AlertsRepository } from './store/alerts-repo';
import { SubscriptionsRepository } from './store/subscriptions-repo';
import type { AlertDeps } from './use-cases/alerts';
import { type AlertsTopic, snsAlertsTopic } from './use-cases/alerts-topic';

/** Everything a function needs, wired once per cold start from the configuration. */
export interface Deps {
  config: Config;
  db: Db;
  units: UnitsRepository;
  ratings: RatingsRepository;
  results: ResultsRepository;
  rateCounters: RateCountersRepository;
  ratePolicy: RatePolicy;
  registry: typeof instruments;
  policy: SnapshotPolicy;
  qrKeys: QrKeyProvider;
  clock: () => Date;
  newId: () => string;
  subscriptions: SubscriptionsRepository;
  topic: AlertsTopic;
  /** what the nightly job needs to raise and publish alerts (shared/use-cases/alerts.ts) */
  alerting: AlertDeps;
}

export function createDeps(config: Config = loadConfig()): Deps {
  const db = createDb(config.TABLE_NAME);
  const hasQrKeys = config.QR_SECRET_ARN !== undefined || config.QR_KEYS_FILE !== undefined;
  const topic = snsAlertsTopic(config.ALERTS_TOPIC_ARN);
  return {
    config,
    db,
    units: new UnitsRepository(db),
    ratings: new RatingsRepository(db),
    results: new ResultsRepository(db),
    rateCounters: new RateCountersRepository(db),
    ratePolicy: { ...DEFAULT_RATE_POLICY, perClient: config.RATE_LIMIT_PER_WINDOW, burstFlagAfter: config.BURST_FLAG_AFTER },
    registry: instruments,
    policy: { minN: config.MIN_N, peerMargin: config.PEER_MARGIN },
    qrKeys: hasQrKeys
      ? qrKeyProvider(config)
      : () => Promise.reject(new Error('invalid configuration: QR_SECRET_ARN or QR_KEYS_FILE is required here')),
    clock: () => new Date(),
    newId: ulid,
    subscriptions: new SubscriptionsRepository(db),
    topic,
    alerting: createAlertDeps(config, db, topic),
  };
}

/** The alerts outbox's dependencies: thresholds and timings from the configuration. */
export function createAlertDeps(config: Config, db: Db, topic: AlertsTopic, clock: () => Date = () => new Date()): AlertDeps {
  return {
    units: new UnitsRepository(db),
    results: new ResultsRepository(db),
    alerts: new AlertsRepository(db),
    topic,
    registry: instruments,
    clock,
    settings: {
      thresholds: {
        target: config.ALERT_TARGET,
        dropPoints: config.ALERT_DROP_POINTS,
        rankPlaces: config.ALERT_RANK_PLACES,
        peerPoints: config.ALERT_PEER_POINTS,
        spikeRatio: config.ALERT_SPIKE_RATIO,
        spikeMinRatings: config.ALERT_SPIKE_MIN_RATINGS,
        // the trailing baseline needs as many ratings as any sufficient figure
        spikeMinTrailingRatings: config.MIN_N,
      },
      ackTimeoutHours: config.ALERT_ACK_HOURS,
      dashboardBaseUrl: config.DASHBOARD_BASE_URL ?? config.PUBLIC_BASE_URL,
      // well beyond one Publish's time, well below a night
      leaseSeconds: 300,
    },
  };
}
