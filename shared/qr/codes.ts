import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import '../zod-locale';
import { GoneError, NotFoundError, ValidationError } from '../errors';

/**
 * Signed QR codes. A code is `<unitId>[~<counter>].<keyVersion>.<mac>`, the MAC being the first
 * 12 bytes (96 bits) of HMAC-SHA256 over unit, counter and key version. That is far beyond
 * guessing online, and short enough that a poster's URL stays a version ≤ 6 QR code at level M.
 * Rotating the current key version retires every poster signed with an older one.
 */
export const QrKeysSchema = z
  .pipe(
    z.looseObject({
      current: z.number().check(z.int(), z.positive()),
      /** versions whose posters no longer work */
      retired: z._default(z.array(z.number().check(z.int(), z.positive())), []),
    }),
    z.transform(
      ({ current, retired, ...rest }: { current: number; retired: number[]; [k: string]: unknown }) => {
        // Secrets are stored as "k<version>": "<at least 32 characters>", the shape Secrets Manager
        // generates (see the stateful stack) and an operator extends when rotating.
        const keys: Record<string, string> = {};
        for (const [name, value] of Object.entries(rest)) {
          const version = /^k(\d+)$/.exec(name)?.[1];
          if (version && typeof value === 'string' && value.length >= 32) keys[version] = value;
        }
        return { current, retired, keys };
      },
    ),
  )
  .check(
    z.refine((parsed) => parsed.keys[String(parsed.current)] !== undefined, {
      message: 'the current key version has no secret of at least 32 characters',
    }),
  );

export type QrKeys = z.output<typeof QrKeysSchema>;

export interface CodeTarget {
  unitId: string;
  counter?: string;
}

export interface VerifiedCode extends CodeTarget {
  keyVersion: number;
}

const MAC_BYTES = 12;
export const UNIT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const COUNTER_ID = /^[a-z0-9][a-z0-9-]{0,15}$/;
const CODE = /^([a-z0-9][a-z0-9-]{0,62})(?:~([a-z0-9][a-z0-9-]{0,15}))?\.(\d{1,4})\.([A-Za-z0-9_-]{16})$/;

function mac(secret: string, target: CodeTarget, keyVersion: number): Buffer {
  return createHmac('sha256', secret)
    .update(`${target.unitId}\n${target.counter ?? ''}\n${keyVersion}`)
    .digest()
    .subarray(0, MAC_BYTES);
}

export function signCode(keys: QrKeys, target: CodeTarget): string {
  if (!UNIT_ID.test(target.unitId))
    throw new ValidationError('invalid unit id', [{ field: 'unitId', message: 'not a unit id' }]);
  if (target.counter !== undefined && !COUNTER_ID.test(target.counter)) {
    throw new ValidationError('invalid counter', [
      { field: 'counter', message: 'lowercase letters, digits and dashes, at most 16' },
    ]);
  }
  const secret = keys.keys[String(keys.current)];
  if (!secret) throw new Error(`QR key version ${keys.current} is missing`);
  const unitPart = target.counter ? `${target.unitId}~${target.counter}` : target.unitId;
  return `${unitPart}.${keys.current}.${mac(secret, target, keys.current).toString('base64url')}`;
}

/** Checks a code's signature; throws ValidationError (malformed or forged), NotFoundError or GoneError. */
export function verifyCode(keys: QrKeys, code: string): VerifiedCode {
  const match = CODE.exec(code);
  if (!match)
    throw new ValidationError('this QR code is not valid', [{ field: 'code', message: 'malformed' }]);
  const [, unitId, counter, version, signature] = match as unknown as [
    string,
    string,
    string | undefined,
    string,
    string,
  ];
  const keyVersion = Number(version);
  if (keys.retired.includes(keyVersion))
    throw new GoneError('this QR code has been replaced by a new poster');
  const secret = keys.keys[String(keyVersion)];
  if (!secret) throw new NotFoundError('this QR code is not known');
  const target: CodeTarget = counter ? { unitId, counter } : { unitId };
  const expected = mac(secret, target, keyVersion);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ValidationError('this QR code is not valid', [
      { field: 'code', message: 'signature does not match' },
    ]);
  }
  return { ...target, keyVersion };
}
