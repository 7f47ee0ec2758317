import { describe, expect, it } from 'vitest';
import { getItem } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { createTestDeps } from '../support/harness';

/**
 * The rate-limit counter of shared/store/rate-limit-repo.ts: one item per (client, window) that
 * counts the client's total and each unit in ONE UpdateItem, and writes nothing once the client
 * has reached its limit (which also bounds the item's size).
 */
describe('rate counters', () => {
  it('counts the client and the unit in one item, and stops counting at the limit', async () => {
    const deps = await createTestDeps();
    const key = keys.rateClient('client-hash', 1_750_000_000);
    const hit = (unitId: string) => deps.rateCounters.hit(key, unitId, 3, 1_750_086_400);

    // limit 3: hits 1, 2, 3 are counted; the fourth finds hits = 3, not < 3, and is refused
    expect(await hit('xa-a')).toEqual({ client: 1, unit: 1 });
    expect(await hit('xa-b')).toEqual({ client: 2, unit: 1 });
    expect(await hit('xa-a')).toEqual({ client: 3, unit: 2 });
    expect(await hit('xa-c')).toBeUndefined();

    const item = await getItem(deps.db, { Key: key });
    // the refused hit wrote nothing: no counter for xa-c, the total still 3
    expect(item).toMatchObject({ hits: 3, 'u:xa-a': 2, 'u:xa-b': 1, type: 'rate', expiresAt: 1_750_086_400 });
    expect(item).not.toHaveProperty('u:xa-c');
  });

  it('moves a hit to the resends of an existing counter, never below zero nor past the limit', async () => {
    const deps = await createTestDeps();
    const key = keys.rateClient('client-hash-2', 1_750_000_000);
    await deps.rateCounters.hit(key, 'xa-a', 3, 1_750_086_400);
    await deps.rateCounters.hit(key, 'xa-a', 3, 1_750_086_400);

    expect(await deps.rateCounters.giveBack(key, 'xa-a', 3)).toBe(true);
    expect(await getItem(deps.db, { Key: key })).toMatchObject({ hits: 1, 'u:xa-a': 1, resends: 1 });
    expect(await deps.rateCounters.giveBack(key, 'xa-a', 3)).toBe(true);
    expect(await deps.rateCounters.giveBack(key, 'xa-a', 3)).toBe(false);
    expect(await getItem(deps.db, { Key: key })).toMatchObject({ hits: 0, 'u:xa-a': 0, resends: 2 });
    // at the limit of resends a hit stays where it is
    await deps.rateCounters.hit(key, 'xa-a', 3, 1_750_086_400);
    expect(await deps.rateCounters.countResend(key, 3)).toBe(true);
    expect(await deps.rateCounters.giveBack(key, 'xa-a', 3)).toBe(false);
    expect(await deps.rateCounters.countResend(key, 3)).toBe(false);
    expect(await getItem(deps.db, { Key: key })).toMatchObject({ hits: 1, 'u:xa-a': 1, resends: 3 });
    // a unit this client never rated, and a window that has no counter, are left as they are
    expect(await deps.rateCounters.giveBack(key, 'xa-b', 3)).toBe(false);
    expect(await getItem(deps.db, { Key: key })).not.toHaveProperty('u:xa-b');
    const gone = keys.rateClient('client-hash-2', 1_749_999_400);
    expect(await deps.rateCounters.giveBack(gone, 'xa-a', 3)).toBe(false);
    expect(await deps.rateCounters.countResend(gone, 3)).toBe(false);
    expect(await getItem(deps.db, { Key: gone })).toBeUndefined();
  });
});
