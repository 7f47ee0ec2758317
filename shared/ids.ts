import { createHash, randomFillSync } from 'node:crypto';
import { ulid, uuidToULID } from 'ulid';

const pool = new Uint8Array(4096);
let next = pool.length;

/**
 * A fraction in [0, 1) from the system's CSPRNG, drawn 4 KB at a time. ulid's own source asks
 * the CSPRNG for one byte per character, 16 calls an id: ≈ 0.1 ms of CPU per rating in the
 * rating handler's profile (bench/README.md, "Ingestion").
 */
function cryptoFraction(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  // 256 is a multiple of ulid's 32 symbols, so every symbol stays equally likely.
  return pool[next++]! / 256;
}

/** A new ULID: 48 bits of time (sortable), 80 random bits from the system's CSPRNG. */
export function newUlid(): string {
  return ulid(undefined, cryptoFraction);
}

/**
 * An id in the same 26 symbols as newUlid, always the same for the same text: 128 bits of its
 * SHA-256, written as ulid writes a UUID. For records that must be made once per fact (the same
 * request at the same moment makes the same id), not for ordering.
 */
export function stableUlid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return uuidToULID(
    `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`,
  );
}
