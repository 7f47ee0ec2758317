import { type Config, loadConfig } from './config';
import { newUlid } from './ids';
import { instruments } from './methodology/instruments';
import { type QrKeyProvider, qrKeyProvider } from './qr/key-provider';
import { createDb, type Db } from './store/dynamo';
import { RateCountersRepository } from './store/rate-limit-repo';
import { RatingsRepository } from './store/ratings-repo';
import { UnitsRepository } from './store/units-repo';
import { DEFAULT_RATE_POLICY, type RatePolicy } from './use-cases/rate-limit';

/**
 * What the citizen's hot path (a rating, the survey page) needs, wired without the results,
 * alerts and subscriptions modules: the rating function imports this rather than shared/deps.ts,
 * so its bundle and cold start carry none of them (bench/cold-start.ts). shared/deps.ts builds
 * every other function's dependencies on top of it.
 */
export interface CoreDeps {
  config: Config;
  db: Db;
  units: UnitsRepository;
  ratings: RatingsRepository;
  rateCounters: RateCountersRepository;
  ratePolicy: RatePolicy;
  registry: typeof instruments;
  qrKeys: QrKeyProvider;
  clock: () => Date;
  newId: () => string;
}

export function createCoreDeps(config: Config = loadConfig()): CoreDeps {
  const db = createDb(config.TABLE_NAME, undefined, {
    attempts: config.DYNAMODB_ATTEMPTS,
    requestTimeoutMs: config.DYNAMODB_TIMEOUT_MS,
  });
  const hasQrKeys = config.QR_SECRET_ARN !== undefined || config.QR_KEYS_FILE !== undefined;
  return {
    config,
    db,
    units: new UnitsRepository(db),
    ratings: new RatingsRepository(db),
    rateCounters: new RateCountersRepository(db),
    ratePolicy: {
      ...DEFAULT_RATE_POLICY,
      perClient: config.RATE_LIMIT_PER_WINDOW,
      burstFlagAfter: config.BURST_FLAG_AFTER,
    },
    registry: instruments,
    qrKeys: hasQrKeys
      ? qrKeyProvider(config)
      : () =>
          Promise.reject(new Error('invalid configuration: QR_SECRET_ARN or QR_KEYS_FILE is required here')),
    clock: () => new Date(),
    newId: newUlid,
  };
}
