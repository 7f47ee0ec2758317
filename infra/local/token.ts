import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type DevRole, loadOrCreateDevKeys, signDevToken } from './dev-auth';

/** `npm run token -- --role admin` or `--role official --unit <unitId>`: a development JWT, on the last line. */
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'admin' },
    unit: { type: 'string' },
    ttl: { type: 'string', default: String(8 * 3600) },
    'data-dir': { type: 'string', default: process.env.DATA_DIR ?? '.data' },
  },
});

if (values.role !== 'admin' && values.role !== 'official') {
  console.error('--role must be admin or official');
  process.exit(2);
}
if (values.role === 'official' && !values.unit) {
  console.error('an official token needs --unit <unitId>');
  process.exit(2);
}
const keys = await loadOrCreateDevKeys(join(values['data-dir'], 'dev-jwt.json'));
const token = await signDevToken(keys, {
  role: values.role as DevRole,
  ...(values.unit ? { unitId: values.unit } : {}),
  ttl: Number(values.ttl),
});
console.error(
  `a ${values.role} token${values.unit ? ` for ${values.unit}` : ''}, valid ${Number(values.ttl) / 3600} h:`,
);
console.log(token);
