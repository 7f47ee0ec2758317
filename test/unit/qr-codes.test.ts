import { describe, expect, it } from 'vitest';
import { GoneError, NotFoundError, ValidationError } from '../../shared/errors';
import { QrKeysSchema, signCode, verifyCode } from '../../shared/qr/codes';
import { qrVersion, surveyUrl } from '../../shared/qr/render';
import { clientHash } from '../../shared/use-cases/rate-limit';

const K1 = 'key-version-1-0123456789abcdef0123456789ab';
const K2 = 'key-version-2-0123456789abcdef0123456789ab';
const keysV1 = QrKeysSchema.parse({ current: 1, k1: K1 });
const keysV2 = QrKeysSchema.parse({ current: 2, k1: K1, k2: K2 });
const keysV2Retired = QrKeysSchema.parse({ current: 2, retired: [1], k1: K1, k2: K2 });
/** the longest commune-level id of Hanoi in the reference data (28 characters) */
const LONG_HANOI_ID = 'phuong-van-mieu-quoc-tu-giam';
const BASE = 'https://sipas.hanoi.gov.vn';

describe('signed QR codes', () => {
  it('verifies a code it signed, with and without a counter', () => {
    expect(verifyCode(keysV1, signCode(keysV1, { unitId: LONG_HANOI_ID }))).toEqual({
      unitId: LONG_HANOI_ID,
      keyVersion: 1,
    });
    expect(verifyCode(keysV1, signCode(keysV1, { unitId: LONG_HANOI_ID, counter: 'quay-12' }))).toEqual({
      unitId: LONG_HANOI_ID,
      counter: 'quay-12',
      keyVersion: 1,
    });
  });

  it('refuses a code whose unit, counter or signature was altered', () => {
    const code = signCode(keysV1, { unitId: 'phuong-ba-dinh', counter: 'quay-1' });
    expect(() => verifyCode(keysV1, code.replace('phuong-ba-dinh', 'phuong-ba-dinx'))).toThrow(
      ValidationError,
    );
    expect(() => verifyCode(keysV1, code.replace('~quay-1', '~quay-2'))).toThrow(ValidationError);
    expect(() => verifyCode(keysV1, code.replace('~quay-1', ''))).toThrow(ValidationError);
    const mac = code.slice(-16);
    const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    expect(() => verifyCode(keysV1, code.slice(0, -16) + flipped)).toThrow(ValidationError);
    expect(() => verifyCode(keysV1, '../../etc/passwd')).toThrow(ValidationError);
  });

  it('refuses a code signed with another key under the same version', () => {
    const other = QrKeysSchema.parse({ current: 1, k1: 'another-secret-for-version-one-000000000' });
    expect(() => verifyCode(keysV1, signCode(other, { unitId: 'phuong-ba-dinh' }))).toThrow(ValidationError);
  });

  it('keeps old posters working after a rotation until their version is retired, then answers Gone', () => {
    const oldPoster = signCode(keysV1, { unitId: 'phuong-ba-dinh' });
    expect(verifyCode(keysV2, oldPoster).keyVersion).toBe(1);
    expect(signCode(keysV2, { unitId: 'phuong-ba-dinh' })).toMatch(/\.2\.[A-Za-z0-9_-]{16}$/);
    expect(() => verifyCode(keysV2Retired, oldPoster)).toThrow(GoneError);
    expect(verifyCode(keysV2Retired, signCode(keysV2Retired, { unitId: 'phuong-ba-dinh' })).keyVersion).toBe(
      2,
    );
  });

  it('answers Not Found for a key version it has never had', () => {
    const future = signCode(QrKeysSchema.parse({ current: 9, k9: K2 }), { unitId: 'phuong-ba-dinh' });
    expect(() => verifyCode(keysV2, future)).toThrow(NotFoundError);
  });

  it('gives a QR code of version 6 or less at level M for the longest Hanoi unit id with a counter', () => {
    // https://sipas.hanoi.gov.vn/s/ (29) + id (28) + ~quay-12 (8) + .2. (3) + MAC (16) = 84 bytes;
    // version 6-M holds 106 bytes in byte mode, version 5-M 84.
    const url = surveyUrl(BASE, signCode(keysV2, { unitId: LONG_HANOI_ID, counter: 'quay-12' }));
    expect(url).toHaveLength(84);
    expect(qrVersion(url)).toBeLessThanOrEqual(6);
    expect(qrVersion(surveyUrl(BASE, signCode(keysV2, { unitId: LONG_HANOI_ID })))).toBeLessThanOrEqual(5);
  });
});

describe('the rate limiter’s client hash', () => {
  it('is stable within a day, differs across days and secrets, and does not contain the address', () => {
    const today = clientHash(K1, '2025-07-01', '203.0.113.7');
    expect(clientHash(K1, '2025-07-01', '203.0.113.7')).toBe(today);
    expect(clientHash(K1, '2025-07-02', '203.0.113.7')).not.toBe(today);
    expect(clientHash(K2, '2025-07-01', '203.0.113.7')).not.toBe(today);
    expect(clientHash(K1, '2025-07-01', '203.0.113.8')).not.toBe(today);
    expect(today).not.toContain('203');
    expect(today).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
