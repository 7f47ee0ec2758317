import { describe, expect, it } from 'vitest';
import type { Unit } from '../../shared/domain';
import { CachedUnitsRepository } from '../../shared/store/unit-cache';
import type { UnitsRepository } from '../../shared/store/units-repo';

function unit(id: string, name: string): Unit {
  return {
    id,
    name,
    parentId: null,
    path: `/${id}/`,
    level: 'city',
    instrument: 'x',
    createdAt: '',
    updatedAt: '',
  };
}

/** A stand-in repository that counts reads and serves whatever `stored` holds now. */
function countingRepository(stored: Map<string, Unit>) {
  const calls = { get: 0 };
  const repository = {
    db: {},
    get: async (id: string) => {
      calls.get += 1;
      return stored.get(id);
    },
  } as unknown as UnitsRepository;
  return { repository, calls };
}

describe('cached unit lookups', () => {
  it('reads a unit once per minute, then again', async () => {
    const stored = new Map([['ha-noi', unit('ha-noi', 'Hà Nội')]]);
    const { repository, calls } = countingRepository(stored);
    let now = 0;
    const cached = new CachedUnitsRepository(repository, () => now);
    await cached.get('ha-noi');
    now = 59_999;
    stored.set('ha-noi', unit('ha-noi', 'renamed'));
    expect((await cached.get('ha-noi'))?.name).toBe('Hà Nội');
    expect(calls.get).toBe(1);
    now = 60_000;
    expect((await cached.get('ha-noi'))?.name).toBe('renamed');
    expect(calls.get).toBe(2);
  });

  it('does not remember a unit that does not exist yet', async () => {
    const stored = new Map<string, Unit>();
    const { repository, calls } = countingRepository(stored);
    const cached = new CachedUnitsRepository(repository, () => 0);
    expect(await cached.get('new-unit')).toBeUndefined();
    stored.set('new-unit', unit('new-unit', 'New'));
    expect((await cached.get('new-unit'))?.name).toBe('New');
    expect(calls.get).toBe(2);
  });
});
