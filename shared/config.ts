import * as z from 'zod';

/**
 * The only reader of process.env. Parsed once at cold start, so a missing or malformed variable
 * fails the function loudly on its first invocation instead of producing wrong results later.
 */
const EnvSchema = z.object({
  STAGE: z.string().min(1).default('dev'),
  TABLE_NAME: z.string().min(1),
  ALERTS_TOPIC_ARN: z.string().min(1).optional(),
  /** cloud: the Secrets Manager secret that holds the QR signing keys */
  QR_SECRET_ARN: z.string().min(1).optional(),
  /**
   * cloud: the function's session token, set by Lambda. The Parameters and Secrets extension
   * (localhost:2773) answers only requests that carry it; never logged.
   */
  AWS_SESSION_TOKEN: z.string().min(1).optional(),
  /** local runtime and tests: a JSON file with the QR signing keys */
  QR_KEYS_FILE: z.string().min(1).optional(),
  /** where QR codes point; without it, the API's own domain from the request */
  PUBLIC_BASE_URL: z.url().optional(),
  MIN_N: z.coerce.number().int().positive().default(30),
  PEER_MARGIN: z.coerce.number().nonnegative().default(5),
  /** alert thresholds, the city defaults (a unit's alertThresholds override them; docs/alerts.md) */
  ALERT_TARGET: z.coerce.number().min(0).max(100).default(80),
  ALERT_DROP_POINTS: z.coerce.number().positive().default(5),
  ALERT_RANK_PLACES: z.coerce.number().int().positive().default(5),
  ALERT_PEER_POINTS: z.coerce.number().positive().default(5),
  ALERT_SPIKE_RATIO: z.coerce.number().gt(1).default(2),
  ALERT_SPIKE_MIN_RATINGS: z.coerce.number().int().positive().default(20),
  /** hours a sent alert may stay unacknowledged before it is escalated to the parent unit's subscribers */
  ALERT_ACK_HOURS: z.coerce.number().positive().default(72),
  /** where the officials' dashboard is, for links in alerts; PUBLIC_BASE_URL when unset */
  DASHBOARD_BASE_URL: z.url().optional(),
  /** Cognito hosted UI for the dashboard's sign-in (authorization code + PKCE), e.g. https://sipas.auth.ap-southeast-1.amazoncognito.com */
  COGNITO_DOMAIN: z.url().optional(),
  /** the Cognito app client (public, no secret) the dashboard signs in with */
  COGNITO_CLIENT_ID: z.string().min(1).optional(),
  /** the local runtime serves a development sign-in page; never set in the cloud */
  LOCAL_RUNTIME: z.enum(['true', 'false']).default('false'),
  /** the body-size limit for JSON and form submissions, in bytes */
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * 1024),
  /** submissions one client (salted hash of its address) may make per 10-minute window before a 429 */
  RATE_LIMIT_PER_WINDOW: z.coerce.number().int().positive().default(30),
  /** a client's ratings of one unit per 10-minute window beyond this are flagged for review */
  BURST_FLAG_AFTER: z.coerce.number().int().positive().default(3),
  /** the body-size limit for imports, in bytes */
  MAX_IMPORT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /**
   * CloudWatch metrics as EMF lines on stdout. Unset: on in the cloud, off in the local runtime and
   * tests, where no agent reads them and they would only bury the logs.
   */
  METRICS: z.enum(['emf', 'off']).optional(),
});

export type Config = z.infer<typeof EnvSchema>;

let cached: Config | undefined;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (env === process.env && cached) return cached;
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${fields}`);
  }
  if (env === process.env) cached = parsed.data;
  return parsed.data;
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
