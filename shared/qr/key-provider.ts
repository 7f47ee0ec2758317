import { readFile } from 'node:fs/promises';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from '../config';
import { type QrKeys, QrKeysSchema } from './codes';

export type QrKeyProvider = () => Promise<QrKeys>;

const CACHE_MS = 5 * 60 * 1000;

/**
 * Where the QR signing keys come from: Secrets Manager in the cloud (cached for five minutes, so
 * a rotation reaches every warm function within that), a local file in the local runtime.
 */
export function qrKeyProvider(config: Config, now: () => number = Date.now): QrKeyProvider {
  let cached: { keys: QrKeys; at: number } | undefined;
  const read = config.QR_SECRET_ARN
    ? secretsManagerReader(config.QR_SECRET_ARN)
    : config.QR_KEYS_FILE
      ? fileReader(config.QR_KEYS_FILE)
      : undefined;
  if (!read) throw new Error('invalid configuration: QR_SECRET_ARN or QR_KEYS_FILE is required here');
  return async () => {
    if (cached && now() - cached.at < CACHE_MS) return cached.keys;
    const keys = QrKeysSchema.parse(JSON.parse(await read()));
    cached = { keys, at: now() };
    return keys;
  };
}

function secretsManagerReader(secretId: string) {
  const client = new SecretsManagerClient({});
  return async () => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error('the QR key secret is empty');
    return SecretString;
  };
}

function fileReader(path: string) {
  return () => readFile(path, 'utf8');
}
