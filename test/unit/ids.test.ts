import { createHash } from 'node:crypto';
import { decodeTime, isValid, ulidToUUID } from 'ulid';
import { describe, expect, it } from 'vitest';
import { newUlid, stableUlid } from '../../shared/ids';

const SYMBOLS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('newUlid', () => {
  it('makes valid, distinct ULIDs that carry the current time', () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, newUlid);
    const after = Date.now();
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 100)) {
      expect(isValid(id)).toBe(true);
      expect(decodeTime(id)).toBeGreaterThanOrEqual(before);
      expect(decodeTime(id)).toBeLessThanOrEqual(after);
    }
  });

  it('draws every random symbol about equally often, across the 4 KB refills', () => {
    // 20,000 ids × 16 random characters = 320,000 draws, 78 refills of the pool: 10,000 per symbol expected.
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      for (const symbol of newUlid().slice(10)) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    }
    expect([...counts.keys()].sort().join('')).toBe(SYMBOLS);
    // Chi-square with 31 degrees of freedom: above 100 happens by chance ≈ 3 times in a billion
    // runs; a source that favoured some symbols by 5 % (e.g. bytes / 255) would land far above it.
    const chiSquare = [...counts.values()].reduce((sum, n) => sum + (n - 10_000) ** 2 / 10_000, 0);
    expect(chiSquare).toBeLessThan(100);
  });

  it('makes the same id from the same text: the first 128 bits of its SHA-256', () => {
    const id = stableUlid('official\narn:aws:sns:ap-southeast-1:1:alerts:abc');
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(stableUlid('official\narn:aws:sns:ap-southeast-1:1:alerts:abc')).toBe(id);
    expect(stableUlid('official\narn:aws:sns:ap-southeast-1:1:alerts:abd')).not.toBe(id);
    const hex = createHash('sha256')
      .update('official\narn:aws:sns:ap-southeast-1:1:alerts:abc')
      .digest('hex');
    expect(ulidToUUID(id).replaceAll('-', '').toLowerCase()).toBe(hex.slice(0, 32));
  });
});
