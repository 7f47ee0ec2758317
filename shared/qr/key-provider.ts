import { readFile } from 'node:fs/promises';
import type { Config } from '../config';
import { parseInternal } from '../errors';
import { type QrKeys, QrKeysSchema } from './codes';

export type QrKeyProvider = () => Promise<QrKeys>;

const CACHE_MS = 5 * 60 * 1000;

/**
 * The AWS Parameters and Secrets Lambda Extension: an HTTP cache of Secrets Manager inside the
 * Lambda sandbox (infra/constructs/sipas-function.ts adds its layer to functions with qrKeys). Read
 * through it rather than with the Secrets Manager SDK client, whose import and construction cost
 * the rating function ≈ 0.2–0.3× of a minimal handler's cold start (bench/README.md).
 */
export const SECRETS_EXTENSION_URL = 'http://localhost:2773';

/** Longer than a cached answer needs, shorter than the function's timeout: a stuck extension fails the request. */
const EXTENSION_TIMEOUT_MS = 3000;

/**
 * Where the QR signing keys come from: Secrets Manager through the extension in the cloud (cached
 * here for five minutes, so a rotation reaches every warm function within that), a local file in the
 * local runtime.
 */
export function qrKeyProvider(
  config: Config,
  now: () => number = Date.now,
  extensionUrl: string = SECRETS_EXTENSION_URL,
): QrKeyProvider {
  let cached: { keys: QrKeys; at: number } | undefined;
  const read = config.QR_SECRET_ARN
    ? secretsExtensionReader(config.QR_SECRET_ARN, config.AWS_SESSION_TOKEN, extensionUrl)
    : config.QR_KEYS_FILE
      ? fileReader(config.QR_KEYS_FILE)
      : undefined;
  if (!read) throw new Error('invalid configuration: QR_SECRET_ARN or QR_KEYS_FILE is required here');
  return async () => {
    if (cached && now() - cached.at < CACHE_MS) return cached.keys;
    const keys = parseInternal(QrKeysSchema, JSON.parse(await read()), 'the QR key set');
    cached = { keys, at: now() };
    return keys;
  };
}

/**
 * Reads a secret's SecretString from the extension. The extension refuses requests without the
 * function's session token (so that other code in the sandbox cannot use it as an open proxy);
 * its absence is a configuration error, reported on the first read rather than at import, since
 * only functions that read the keys need it.
 */
export function secretsExtensionReader(
  secretId: string,
  sessionToken: string | undefined,
  baseUrl: string = SECRETS_EXTENSION_URL,
): () => Promise<string> {
  return async () => {
    if (!sessionToken) {
      throw new Error('invalid configuration: AWS_SESSION_TOKEN is required to read QR_SECRET_ARN');
    }
    const text = await fetchSecret(
      `${baseUrl}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`,
      sessionToken,
    );
    let secretString: unknown;
    try {
      secretString = (JSON.parse(text) as { SecretString?: unknown }).SecretString;
    } catch {
      throw new Error('the secrets extension answered with something other than JSON');
    }
    if (typeof secretString !== 'string' || secretString === '')
      throw new Error('the QR key secret is empty');
    return secretString;
  };
}

/**
 * One GET to the extension, tried twice: right after a cold start the extension can answer
 * "not ready" (or not yet listen) for a moment, and one short pause covers that.
 */
async function fetchSecret(url: string, sessionToken: string): Promise<string> {
  let failure: Error | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    try {
      const response = await fetch(url, {
        headers: { 'X-Aws-Parameters-Secrets-Token': sessionToken },
        signal: AbortSignal.timeout(EXTENSION_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status === 200) return text;
      // The extension's body names the cause (missing permission, unknown secret, not ready); it
      // carries no secret material on an error, and a short slice keeps the log line bounded.
      failure = new Error(
        `the QR key secret could not be read from the secrets extension: HTTP ${response.status} ${text.slice(0, 200)}`,
      );
    } catch (error) {
      failure = error as Error;
    }
  }
  throw failure;
}

function fileReader(path: string) {
  return () => readFile(path, 'utf8');
}
