import { ulid } from 'ulid';
import { type Config, loadConfig } from './config';
import { instruments } from './methodology/instruments';
import type { SnapshotPolicy } from './methodology/snapshots';
import { type QrKeyProvider, qrKeyProvider } from './qr/key-provider';
import { createDb, type Db } from './store/dynamo';
import { RatingsRepository } from './store/ratings-repo';
import { ResultsRepository } from './store/results-repo';
import { UnitsRepository } from './store/units-repo';

/** Everything a function needs, wired once per cold start from the configuration. */
export interface Deps {
  config: Config;
  db: Db;
  units: UnitsRepository;
  ratings: RatingsRepository;
  results: ResultsRepository;
  registry: typeof instruments;
  policy: SnapshotPolicy;
  qrKeys: QrKeyProvider;
  clock: () => Date;
  newId: () => string;
}

export function createDeps(config: Config = loadConfig()): Deps {
  const db = createDb(config.TABLE_NAME);
  const hasQrKeys = config.QR_SECRET_ARN !== undefined || config.QR_KEYS_FILE !== undefined;
  return {
    config,
    db,
    units: new UnitsRepository(db),
    ratings: new RatingsRepository(db),
    results: new ResultsRepository(db),
    registry: instruments,
    policy: { minN: config.MIN_N, peerMargin: config.PEER_MARGIN },
    qrKeys: hasQrKeys
      ? qrKeyProvider(config)
      : () => Promise.reject(new Error('invalid configuration: QR_SECRET_ARN or QR_KEYS_FILE is required here')),
    clock: () => new Date(),
    newId: ulid,
  };
}
