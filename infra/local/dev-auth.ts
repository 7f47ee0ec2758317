import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { GROUPS_CLAIM, UNIT_CLAIM } from '../../shared/auth/principal';

/**
 * Development tokens for the local runtime: ES256, signed by a key kept in the data folder, with
 * the claims Cognito puts in an ID token. The local gateway verifies them the way API Gateway's
 * JWT authorizer does (signature, issuer, audience, expiry) and passes the claims on in the same
 * place of the event. Nothing here is deployed.
 */
export const DEV_ISSUER = 'https://sipas.local/dev-auth';
export const DEV_AUDIENCE = 'sipas-local';

export interface DevKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export async function loadOrCreateDevKeys(file: string): Promise<DevKeys> {
  if (!existsSync(file)) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600 });
  }
  const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  const { d: _private, ...publicJwk } = jwk;
  return {
    privateKey: (await importJWK(jwk, 'ES256')) as CryptoKey,
    publicKey: (await importJWK(publicJwk, 'ES256')) as CryptoKey,
  };
}

export type DevRole = 'admin' | 'official';

export interface DevTokenOptions {
  role: DevRole;
  unitId?: string;
  subject?: string;
  /** seconds; 8 hours by default */
  ttl?: number;
  issuer?: string;
  audience?: string;
  /** seconds since the epoch; now by default */
  issuedAt?: number;
}

export async function signDevToken(keys: DevKeys, options: DevTokenOptions): Promise<string> {
  if (options.role === 'official' && !options.unitId)
    throw new Error('an official token needs --unit <unitId>');
  const issuedAt = options.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({
    token_use: 'id',
    [GROUPS_CLAIM]: [options.role],
    ...(options.unitId ? { [UNIT_CLAIM]: options.unitId } : {}),
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'dev' })
    .setSubject(options.subject ?? `dev-${options.role}${options.unitId ? `-${options.unitId}` : ''}`)
    .setIssuer(options.issuer ?? DEV_ISSUER)
    .setAudience(options.audience ?? DEV_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.ttl ?? 8 * 3600))
    .sign(keys.privateKey);
}

/**
 * Verifies a bearer token as the JWT authorizer does, and flattens the claims the way it passes
 * them to Lambda: every value a string, arrays as "[a b]".
 */
export async function verifyDevToken(
  keys: DevKeys,
  authorization: string | undefined,
): Promise<Record<string, string> | undefined> {
  if (!authorization) return undefined;
  const token = authorization.replace(/^Bearer\s+/i, '').trim();
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      algorithms: ['ES256'],
    });
    return Object.fromEntries(
      Object.entries(payload).map(([name, value]) => [
        name,
        Array.isArray(value) ? `[${value.join(' ')}]` : String(value),
      ]),
    );
  } catch {
    return undefined;
  }
}
