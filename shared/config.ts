import * as z from 'zod/mini';
import './zod-locale';

/** a whole number above zero from an environment string, or `fallback` when unset */
const posInt = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

/**
 * The only reader of process.env. Parsed once at cold start, so a missing or malformed variable
 * fails the function loudly on its first invocation instead of producing wrong results later.
 */
const EnvSchema = z.object({
  STAGE: z._default(z.string().check(z.minLength(1)), 'dev'),
  TABLE_NAME: z.string().check(z.minLength(1)),
  ALERTS_TOPIC_ARN: z.optional(z.string().check(z.minLength(1))),
  /** cloud: the Secrets Manager secret that holds the QR signing keys */
  QR_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
  /**
   * cloud: the function's session token, set by Lambda. The Parameters and Secrets extension
   * (localhost:2773) answers only requests that carry it; never logged.
   */
  AWS_SESSION_TOKEN: z.optional(z.string().check(z.minLength(1))),
  /** local runtime and tests: a JSON file with the QR signing keys */
  QR_KEYS_FILE: z.optional(z.string().check(z.minLength(1))),
  /** DynamoDB tries per request and the time each may take: set per function (dynamoBudget) */
  DYNAMODB_ATTEMPTS: posInt(3),
  DYNAMODB_TIMEOUT_MS: posInt(5_000),
  /** where QR codes point; without it, the API's own domain from the request */
  PUBLIC_BASE_URL: z.optional(z.url()),
  MIN_N: posInt(30),
  PEER_MARGIN: z._default(z.coerce.number().check(z.nonnegative()), 5),
  /** alert thresholds, the city defaults (a unit's alertThresholds override them; docs/alerts.md) */
  ALERT_TARGET: z._default(z.coerce.number().check(z.minimum(0), z.maximum(100)), 80),
  ALERT_DROP_POINTS: z._default(z.coerce.number().check(z.positive()), 5),
  ALERT_RANK_PLACES: posInt(5),
  ALERT_PEER_POINTS: z._default(z.coerce.number().check(z.positive()), 5),
  ALERT_SPIKE_RATIO: z._default(z.coerce.number().check(z.gt(1)), 2),
  ALERT_SPIKE_MIN_RATINGS: posInt(20),
  /** hours a sent alert may stay unacknowledged before it is escalated to the parent unit's subscribers */
  ALERT_ACK_HOURS: z._default(z.coerce.number().check(z.positive()), 72),
  /**
   * the period kinds below-target, significant-drop, rank-drop and below-peers are evaluated on,
   * comma-separated (dissatisfaction-spike is a day rule); docs/alerts.md says why month alone
   */
  ALERT_PERIODS: z._default(
    z.pipe(
      z.string().check(z.regex(/^(day|month|quarter|year)(,(day|month|quarter|year))*$/)),
      z.transform((value) => [...new Set(value.split(','))] as ('day' | 'month' | 'quarter' | 'year')[]),
    ),
    ['month'],
  ),
  /** where the officials' dashboard is, for links in alerts; PUBLIC_BASE_URL when unset */
  DASHBOARD_BASE_URL: z.optional(z.url()),
  /** Cognito hosted UI for the dashboard's sign-in (authorization code + PKCE), e.g. https://sipas.auth.ap-southeast-1.amazoncognito.com */
  COGNITO_DOMAIN: z.optional(z.url()),
  /** the Cognito app client (public, no secret) the dashboard signs in with */
  COGNITO_CLIENT_ID: z.optional(z.string().check(z.minLength(1))),
  /** the local runtime serves a development sign-in page; never set in the cloud */
  LOCAL_RUNTIME: z._default(z.enum(['true', 'false']), 'false'),
  /** the body-size limit for JSON and form submissions, in bytes */
  MAX_BODY_BYTES: posInt(16 * 1024),
  /** submissions one client (salted hash of its address) may make per 10-minute window before a 429 */
  RATE_LIMIT_PER_WINDOW: posInt(30),
  /** a client's ratings of one unit per 10-minute window beyond this are flagged for review */
  BURST_FLAG_AFTER: posInt(3),
  /** the body-size limit for imports, in bytes */
  // 1,000 rows with 1,000-character Vietnamese comments (up to 3 bytes a character) fit
  MAX_IMPORT_BYTES: posInt(4 * 1024 * 1024),
  /**
   * CloudWatch metrics as EMF lines on stdout. Unset: on in the cloud, off in the local runtime and
   * tests, where no agent reads them and they would only bury the logs.
   */
  METRICS: z.optional(z.enum(['emf', 'off'])),
});

export type Config = z.infer<typeof EnvSchema>;

let cached: Config | undefined;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (env === process.env && cached) return cached;
  // A variable set to nothing (`ALERT_TARGET=`) counts as unset: coerced as a number, '' would be 0.
  const parsed = EnvSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== '')),
  );
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${fields}`);
  }
  if (env === process.env) cached = parsed.data;
  return parsed.data;
}

/**
 * What a city decides for itself, the same for every function: the methodology's minimum sample
 * and peer margin, the alert rules' defaults and periods, the escalation delay, and the citizens'
 * rate limit. The local runtime reads them from its environment; the cloud stacks take them from
 * CDK context (`city`, docs/operations.md) and give them to every function.
 */
export const CITY_SETTINGS = [
  'MIN_N',
  'PEER_MARGIN',
  'ALERT_TARGET',
  'ALERT_DROP_POINTS',
  'ALERT_RANK_PLACES',
  'ALERT_PEER_POINTS',
  'ALERT_SPIKE_RATIO',
  'ALERT_SPIKE_MIN_RATINGS',
  'ALERT_ACK_HOURS',
  'ALERT_PERIODS',
  'RATE_LIMIT_PER_WINDOW',
  'BURST_FLAG_AFTER',
] as const satisfies readonly (keyof Config)[];

type CitySetting = (typeof CITY_SETTINGS)[number];

/**
 * A city's settings as environment variables, checked by the rules the functions apply at cold
 * start: a value they would refuse fails here (at `cdk synth`), naming the setting, instead of
 * failing every invocation after a deploy.
 */
export function citySettingsEnvironment(values: Readonly<Record<string, unknown>>): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!(CITY_SETTINGS as readonly string[]).includes(key)) {
      throw new Error(`city setting ${key} is unknown; the settings are ${CITY_SETTINGS.join(', ')}`);
    }
    // A blank value is a slip: the functions would read it as unset and quietly use the default.
    if ((typeof value !== 'string' && typeof value !== 'number') || String(value).trim() === '') {
      throw new Error(`city setting ${key} must be a number or a non-empty string`);
    }
    environment[key] = String(value);
  }
  const mask = Object.fromEntries(CITY_SETTINGS.map((key) => [key, true])) as Record<CitySetting, true>;
  const parsed = z.pick(EnvSchema, mask).safeParse(environment);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid city settings: ${fields}`);
  }
  return environment;
}

/** Forgets the parsed configuration (the local runtime and tests change the environment). */
export function resetConfig(): void {
  cached = undefined;
}

export function requireSetting<K extends keyof Config>(config: Config, key: K): NonNullable<Config[K]> {
  const value = config[key];
  if (value === undefined || value === null)
    throw new Error(`invalid configuration: ${String(key)} is required here`);
  return value as NonNullable<Config[K]>;
}
