import { parseArgs } from 'node:util';
import { createDeps } from '../../shared/deps';
import { signCode } from '../../shared/qr/codes';
import { surveyUrl } from '../../shared/qr/render';
import { seedDemo } from './demo';
import { DEV_SIGN_IN_PATH } from './dev-signin';
import { startRuntime } from './runtime';

/** `npm start`: the whole system on this machine, with a demo city unless --no-demo. */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    'aws-port': { type: 'string', default: process.env.AWS_PORT ?? '4566' },
    'data-dir': { type: 'string', default: process.env.DATA_DIR ?? '.data' },
    'no-demo': { type: 'boolean', default: process.env.NO_DEMO === '1' || process.env.NO_DEMO === 'true' },
  },
});

const runtime = await startRuntime({
  port: Number(values.port),
  awsPort: Number(values['aws-port']),
  dataDir: values['data-dir'],
  schedule: true,
});

const deps = createDeps();
let demoUnit: string | undefined;
if (!values['no-demo']) {
  const existing = await deps.units.children(null);
  if (existing.length === 0) {
    console.log('Seeding the demo city (Hà Nội, four weeks of ratings)…');
    const demo = await seedDemo(deps);
    console.log(
      `  ${demo.units} units, ${demo.ratings} ratings from ${demo.from} to ${demo.to}, aggregated.`,
    );
    demoUnit = demo.surveyUnitId;
  } else {
    demoUnit = (await deps.units.children(existing[0]!.id))[0]?.id ?? existing[0]!.id;
  }
}

const admin = await runtime.token({ role: 'admin' });
console.log(`
sipas is running (local runtime)
  gateway        ${runtime.url}
  dashboard      ${runtime.url}/dashboard   (sign in at ${runtime.url}${DEV_SIGN_IN_PATH}?role=admin)
  OpenAPI        ${runtime.url}/v1/openapi.json
  DynamoDB       ${runtime.dynamoEndpoint}   (dynalite, data in ${values['data-dir']}/dynamodb)
  SNS/SQS        ${runtime.awsEndpoint}   (fauxqs)
  nightly job    00:30 Asia/Ho_Chi_Minh`);
if (demoUnit) {
  const code = signCode(await deps.qrKeys(), { unitId: demoUnit });
  console.log(`  demo survey    ${surveyUrl(runtime.url, code)}
  public results ${runtime.url}/r/ha-noi
  demo index     ${runtime.url}/v1/units/ha-noi/index?period=${new Date().toISOString().slice(0, 7)}
  demo rankings  ${runtime.url}/v1/rankings?parent=ha-noi&period=${new Date().toISOString().slice(0, 7)}`);
}
// Tokens are signed with a key kept in the data directory: another one signs tokens this runtime refuses.
const dataDirArg = values['data-dir'] === '.data' ? '' : ` --data-dir ${values['data-dir']}`;
console.log(`
An admin token for the officials' routes (npm run token -- --role official --unit <id>${dataDirArg} for others):
  curl -H "Authorization: Bearer ${admin}" ${runtime.url}/v1/units
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void runtime.stop().then(() => process.exit(0));
  });
}
