import { readFileSync } from 'node:fs';
import type { Runtime } from '../../infra/local/runtime';
import { addDays, vietnamDay } from '../../shared/methodology/periods';
import { type QrKeys, QrKeysSchema } from '../../shared/qr/codes';
import { call } from './harness';

/** The runtime's own QR signing keys (what its handlers verify codes with). */
export function runtimeQrKeys(runtime: Pick<Runtime, 'qrKeysFile'>): QrKeys {
  return QrKeysSchema.parse(JSON.parse(readFileSync(runtime.qrKeysFile, 'utf8')));
}

/** Answers valid for the default instrument (the same items core-path.test.ts uses). */
export const VALID_ANSWERS = { 'staff.polite': 5, 'staff.guidance': 4, 'access.signage': 3 } as const;

/** A city and `wards` wards under it, created through the API as an administrator. */
export async function seedCity(
  runtime: Runtime,
  adminToken: string,
  cityId: string,
  wards: number,
): Promise<string[]> {
  const city = await call(runtime, 'PUT', `/v1/units/${cityId}`, {
    token: adminToken,
    body: { name: `City ${cityId}`, level: 'city' },
  });
  if (city.status !== 201 && city.status !== 200)
    throw new Error(`could not create ${cityId}: ${city.status} ${city.text}`);
  const ids = Array.from({ length: wards }, (_, i) => `${cityId}-w${i + 1}`);
  for (const id of ids) {
    const ward = await call(runtime, 'PUT', `/v1/units/${id}`, {
      token: adminToken,
      body: { name: `Ward ${id}`, level: 'ward', parentId: cityId },
    });
    if (ward.status !== 201 && ward.status !== 200)
      throw new Error(`could not create ${id}: ${ward.status} ${ward.text}`);
  }
  return ids;
}

/** The Vietnam days a test that starts now may store ratings on (it may cross midnight there). */
export function daysAroundNow(): string[] {
  const today = vietnamDay(new Date());
  return [addDays(today, -1), today, addDays(today, 1)];
}
