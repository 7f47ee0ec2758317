import { gunzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { drawAnswers, loadReferenceUnits, seededRandom } from '../infra/local/demo';
import { startGateway } from '../infra/local/gateway';
import { loadConfig } from '../shared/config';
import { createDeps } from '../shared/deps';
import { json } from '../shared/http/responses';
import { createDb, getItem, queryPage } from '../shared/store/dynamo';
import { keys } from '../shared/store/keys';
import { importRatings } from '../shared/use-cases/ratings';
import { putUnit } from '../shared/use-cases/units';
import { type BenchOutput, finish, isQuick, row } from './support/report';
import { benchClient, countsSince, startBenchRuntime, startDynaliteProcess } from './support/services';

/**
 * The public read endpoints (GET /v1/units/{unitId}/index and GET /v1/rankings) through the
 * local gateway and the real `results` handler, beside the floor: a bare handler doing one
 * GetItem of the same snapshot item and returning its stored (unzipped) JSON, mounted for the same route on
 * a second gateway (same gateway code, same event building, same dynalite). p50/p99 with a few
 * clients in flight. Rankings are a Query of the siblings' snapshots: shown beside the GetItem
 * floor (what the issue names) and beside a bare handler doing that one Query.
 */
const CONNECTIONS = 8;

/** A snapshot's stored JSON, unpacked (results are stored gzipped): what any reader must do first. */
const storedJson = (item: Record<string, unknown>) => gunzipSync(item.data as Uint8Array).toString('utf8');
const UNITS = 30;
const RATINGS_PER_UNIT = 40;
const DAY = '2025-03-10';
const PERIOD = '2025-03';

export async function benchReads(quick: boolean): Promise<BenchOutput> {
  const seconds = quick ? 4 : 10;
  const dynalite = await startDynaliteProcess();
  try {
    const tableName = 'bench-reads';
    const runtime = await startBenchRuntime(dynalite.endpoint, tableName);
    const floorDb = createDb(tableName, benchClient(dynalite.endpoint));
    const bare = await startGateway({
      port: 0,
      verifyToken: async () => undefined,
      handlers: {
        // For the index, one GetItem of the item the results handler reads for the same path; for
        // the rankings, one Query of the siblings' snapshots (GSI2) joined as they are stored.
        results: async (event) => {
          if (event.routeKey === 'GET /v1/rankings') {
            const { items } = await queryPage(floorDb, {
              IndexName: 'GSI2',
              KeyConditionExpression: 'GSI2PK = :pk',
              ExpressionAttributeValues: { ':pk': keys.siblingsOf('ha-noi', PERIOD) },
            });
            return { ...json(200, null), body: `[${items.map(storedJson).join(',')}]` };
          }
          const unitId = event.pathParameters?.unitId ?? '';
          const item = await getItem(floorDb, { Key: keys.snapshot(unitId, 'month', PERIOD) });
          // the stored JSON as it is: a floor does no parsing or shaping
          return item ? { ...json(200, null), body: storedJson(item) } : json(404, { error: 'none' });
        },
      },
    });
    try {
      const deps = createDeps(loadConfig());
      const communes = loadReferenceUnits().hanoi.units.slice(0, UNITS);
      await putUnit('ha-noi', { name: 'Thành phố Hà Nội', level: 'city', parentId: null }, '/', deps);
      for (const unit of communes)
        await putUnit(unit.id, { name: unit.name, level: unit.type, parentId: 'ha-noi' }, '/', deps);
      const instrument = deps.registry.get((await deps.units.get(communes[0]!.id))!.instrument)!;
      const random = seededRandom(11);
      const ratings = communes.flatMap((unit, u) =>
        Array.from({ length: RATINGS_PER_UNIT }, (_, i) => ({
          unitId: unit.id,
          receivedAt: `${DAY}T0${1 + (i % 8)}:${String(i % 60).padStart(2, '0')}:00Z`,
          // units differ in quality so that the ranking is not all ties
          answers: drawAnswers(random, instrument, 0.5 + (u / UNITS) * 0.4),
          submissionId: `reads-${u}-${i}`,
        })),
      );
      const imported = await importRatings(ratings, '/', deps);
      if (imported.rejected.length > 0) throw new Error(`seeding: ${JSON.stringify(imported.rejected[0])}`);
      await runtime.runNightly({ day: DAY });

      let sequence = 0;
      const indexPath = () => `/v1/units/${communes[sequence++ % UNITS]!.id}/index?period=${PERIOD}`;
      const load = async (url: string, path: () => string, duration: number) => {
        const result = await autocannon({
          url,
          connections: CONNECTIONS,
          duration,
          requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path() }) }],
        });
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`${path()}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
        }
        return {
          p50: result.latency.p50,
          p99: result.latency.p99,
          perSecond: result['2xx'] / result.duration,
        };
      };
      const rankingsPath = () => `/v1/rankings?period=${PERIOD}&parent=ha-noi`;

      // Warm all four (JIT, connection pools), then measure them one after another.
      const all = [
        [bare.url, indexPath],
        [bare.url, rankingsPath],
        [runtime.url, indexPath],
        [runtime.url, rankingsPath],
      ] as const;
      for (const [url, path] of all) {
        await load(url, path, 1);
      }
      const floors = [await load(bare.url, indexPath, seconds)];
      const rankingsFloors = [await load(bare.url, rankingsPath, seconds)];
      const before = await dynalite.counts();
      const index = await load(runtime.url, indexPath, seconds);
      const afterIndex = await dynalite.counts();
      const rankings = await load(runtime.url, rankingsPath, seconds);
      const afterRankings = await dynalite.counts();
      // The floors once more after the measured runs, keeping the better of the two: a busy moment
      // of the shared machine then cannot make the floor look slow and the handler near it.
      floors.push(await load(bare.url, indexPath, seconds));
      rankingsFloors.push(await load(bare.url, rankingsPath, seconds));
      const best = (runs: (typeof floors)[number][]) => ({
        p50: Math.min(...runs.map((r) => r.p50)),
        p99: Math.min(...runs.map((r) => r.p99)),
        perSecond: Math.max(...runs.map((r) => r.perSecond)),
      });
      const floor = best(floors);
      const rankingsFloor = best(rankingsFloors);
      const perRequest = (counts: Record<string, number>, requests: number) =>
        Object.values(counts).reduce((sum, n) => sum + n, 0) / Math.max(1, requests);
      const indexCounts = countsSince(before, afterIndex);
      const rankingsCounts = countsSince(afterIndex, afterRankings);

      const pair = (name: string, measured: typeof index, base: typeof floor, label: string) => [
        row({
          bench: 'reads',
          measure: `${name} p50`,
          value: measured.p50,
          unit: 'ms',
          floor: { label, value: base.p50 },
        }),
        row({
          bench: 'reads',
          measure: `${name} p99`,
          value: measured.p99,
          unit: 'ms',
          floor: { label, value: base.p99 },
        }),
        row({
          bench: 'reads',
          measure: `${name} throughput`,
          value: measured.perSecond,
          unit: '/s',
          floor: { label, value: base.perSecond },
        }),
      ];
      return {
        bench: 'reads',
        settings: {
          connections: CONNECTIONS,
          seconds,
          units: UNITS,
          ratingsPerUnit: RATINGS_PER_UNIT,
          period: PERIOD,
        },
        rows: [
          row({ bench: 'reads', measure: 'bare GetItem p50', value: floor.p50, unit: 'ms' }),
          row({ bench: 'reads', measure: 'bare GetItem p99', value: floor.p99, unit: 'ms' }),
          ...pair('GET /v1/units/{id}/index', index, floor, 'bare GetItem'),
          ...pair('GET /v1/rankings (30 units)', rankings, floor, 'bare GetItem'),
          ...pair('GET /v1/rankings (30 units)', rankings, rankingsFloor, 'bare Query'),
        ],
        notes: [
          `DynamoDB requests per index read: ${perRequest(indexCounts, index.perSecond * seconds).toFixed(2)} ${JSON.stringify(indexCounts)}`,
          `DynamoDB requests per rankings read: ${perRequest(rankingsCounts, rankings.perSecond * seconds).toFixed(2)} ${JSON.stringify(rankingsCounts)}`,
          "latencies are autocannon's (whole milliseconds), with the gateway, handler and dynalite all on this machine",
        ],
      };
    } finally {
      await bare.stop();
      await runtime.stop();
    }
  } finally {
    await dynalite.stop();
  }
}

if (process.argv[1]?.endsWith('reads.ts')) finish(await benchReads(isQuick()));
